import type { KnipConfig } from "knip";

/**
 * `npm run lint:unused`: files, exports and dependencies nothing uses. Knip's plugins find most entry points on
 * their own: the scripts package.json runs (server/main.ts, scripts/*.ts), the Vitest projects' test files and
 * global setup, the UI through web/vite.config.ts and web/index.html, and the ESLint, Prettier and Svelte configs.
 * Listed here is only what they cannot see.
 */
export default {
  entry: [
    // The published SDK: package.json "exports" points into dist/, which Knip cannot map back to sdk/.
    "sdk/index.ts",
    // Each benchmark is run by its npm script; bench/fake-upstream-process.ts, bench/compare/load-client.ts and the
    // relays bench:compare measures are started by path, each in a process of its own.
    "bench/*.ts",
    "bench/compare/load-client.ts",
    "bench/relays/*.ts",
  ],
  // openapi-typescript writes one export per root of the spec (`webhooks`, `$defs`, …); we do not choose them.
  ignore: ["generated/**"],
  // A type exported beside the function or class whose signature uses it (`ChatStoreDeps` for `new ChatStore(deps)`)
  // is part of that API, even while no caller names it.
  ignoreExportsUsedInFile: { interface: true, type: true },
  vite: { config: ["web/vite.config.ts"] },
  // Imported by name at run time, by LangChain's initChatModel (CHAT_MODEL=anthropic:…), never by a static import;
  // installed so the tests prove a second provider end to end (ADR-24).
  ignoreDependencies: ["@langchain/anthropic"],
} satisfies KnipConfig;
