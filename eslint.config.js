// @ts-check
import js from "@eslint/js";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import tseslint from "typescript-eslint";
import svelteConfig from "./web/svelte.config.js";

const LANGCHAIN_ONLY_IN_CHAT = { group: ["@langchain/*", "langchain", "langchain/*"], message: "Only server/chat/ imports LangChain." };
const NO_SDK_IN_SERVER = { group: ["**/sdk/*", "**/sdk", "streaming-chat/sdk"], message: "The server imports contract types from contract/, never the SDK." };

export default tseslint.config(
  { ignores: ["node_modules", "dist", "generated", "tmp", "coverage"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    rules: {
      // Unused names are already errors in tsc (noUnusedLocals); a leading underscore marks a deliberate one.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Express and Node augment the global Express namespace this way.
      "@typescript-eslint/no-namespace": ["error", { allowDeclarations: true }],
    },
  },
  {
    // LangChain stays behind the model port (server/chat/model-info.ts), so a provider change touches one folder; and
    // the server speaks the contract (contract/), not the client, so it never imports the SDK.
    files: ["**/*.{ts,svelte}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [LANGCHAIN_ONLY_IN_CHAT] }],
    },
  },
  {
    files: ["server/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [LANGCHAIN_ONLY_IN_CHAT, NO_SDK_IN_SERVER] }] },
  },
  {
    files: ["server/chat/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_SDK_IN_SERVER] }] },
  },
  {
    // Benchmarks may share fixtures/ with the tests but never reach into tests/, so the suite can change freely.
    files: ["bench/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [LANGCHAIN_ONLY_IN_CHAT, { group: ["**/tests/**"], message: "Benchmarks import fixtures/, never tests/." }] },
      ],
    },
  },
  {
    files: ["web/**/*.{ts,svelte}"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"], svelteConfig },
    },
  },
);
