// @ts-check
import js from "@eslint/js";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import tseslint from "typescript-eslint";
import svelteConfig from "./web/svelte.config.js";

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
    // Benchmarks may share fixtures/ with the tests but never reach into tests/, so the suite can change freely.
    files: ["bench/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/tests/**"], message: "Benchmarks import fixtures/, never tests/." }] }],
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
