import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * Builds the UI into `dist/web`, which `npm start` serves from the API's own origin. In `npm run dev` and
 * `npm run dev:mock`, Vite serves the UI with hot reload and proxies `/api` to `API_PROXY_TARGET` (the API server
 * or the Prism mock), so the page still talks to one origin, as in production.
 */
export default defineConfig({
  root: webRoot,
  plugins: [svelte()],
  resolve: {
    // The UI uses the published SDK by its package name; in the repo that is the SDK's source.
    alias: { "streaming-chat/sdk": `${repoRoot}sdk/index.ts` },
  },
  build: {
    outDir: `${repoRoot}dist/web`,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // Rolldown warns when plugins take most of the build time; Svelte's compiler always does, by design.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    host: "127.0.0.1",
    port: Number(process.env.VITE_PORT ?? 5173),
    strictPort: true,
    proxy: process.env.API_PROXY_TARGET ? { "/api": { target: process.env.API_PROXY_TARGET, changeOrigin: true } } : undefined,
    fs: { allow: [repoRoot] },
  },
});
