import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

const sdkSource = fileURLToPath(new URL("./sdk/index.ts", import.meta.url));

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on random ports, so files can run in parallel.
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: { name: "server", include: ["tests/{unit,integration,contract}/**/*.test.ts"] },
      },
      {
        // Attacks on the real server process (slow and flooding clients, hostile headers and bodies, the provider
        // key, fuzzing): its own project so that it can be run alone (`--project security`) and named in CI.
        extends: true,
        test: { name: "security", include: ["tests/security/**/*.test.ts"] },
      },
      {
        // The SDK on its own: an injected fetch answers with real Responses, so no server and no port.
        extends: true,
        test: { name: "sdk", include: ["tests/sdk/**/*.test.ts"] },
      },
      {
        // Type tests (`*.test-d.ts`). `expectTypeOf` does nothing at run time, so running these files would pass
        // whatever the types say: `only` keeps them out of the runner, and tsc checks them instead. They fail twice,
        // on purpose: `npm run typecheck` (tsc over tsconfig.json, whose include has tests/) fails `npm test` before
        // vitest starts, and this project fails `vitest run` too, naming the broken assertion. Vitest reports tsc's
        // errors file by file, so a test-d file that tsc never compiled would pass silently: the tsconfig below
        // includes exactly the files typecheck.include names.
        extends: true,
        test: {
          name: "types",
          include: [],
          typecheck: { enabled: true, only: true, include: ["tests/**/*.test-d.ts"], tsconfig: "tests/tsconfig.types.json" },
        },
      },
      {
        // The UI's state classes and helpers: compiled by Svelte (runes) and resolved as in a browser.
        extends: true,
        plugins: [svelte({ configFile: fileURLToPath(new URL("./web/svelte.config.js", import.meta.url)) })],
        resolve: { conditions: ["browser"], alias: { "streaming-chat/sdk": sdkSource } },
        test: { name: "web", include: ["tests/web/**/*.test.ts"] },
      },
      {
        // The built UI in real Chromium against the real server; the build happens once, before any file runs.
        extends: true,
        test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], globalSetup: ["tests/e2e/build-web-once.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
