import type { HLJSApi, LanguageFn } from "highlight.js";

type LoadLanguage = () => Promise<{ default: LanguageFn }>;

/**
 * The languages we highlight (highlight.js's "common" set, plus Dockerfile and PowerShell), by the name highlight.js
 * registers. Each is a chunk of its own, fetched the first time a reply has code in it: a reply without code
 * downloads none of this, and one with Python downloads the core and Python only.
 */
const LANGUAGES: Record<string, LoadLanguage> = {
  bash: () => import("highlight.js/lib/languages/bash"),
  c: () => import("highlight.js/lib/languages/c"),
  cpp: () => import("highlight.js/lib/languages/cpp"),
  csharp: () => import("highlight.js/lib/languages/csharp"),
  css: () => import("highlight.js/lib/languages/css"),
  diff: () => import("highlight.js/lib/languages/diff"),
  dockerfile: () => import("highlight.js/lib/languages/dockerfile"),
  go: () => import("highlight.js/lib/languages/go"),
  graphql: () => import("highlight.js/lib/languages/graphql"),
  ini: () => import("highlight.js/lib/languages/ini"),
  java: () => import("highlight.js/lib/languages/java"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  json: () => import("highlight.js/lib/languages/json"),
  kotlin: () => import("highlight.js/lib/languages/kotlin"),
  less: () => import("highlight.js/lib/languages/less"),
  lua: () => import("highlight.js/lib/languages/lua"),
  makefile: () => import("highlight.js/lib/languages/makefile"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  objectivec: () => import("highlight.js/lib/languages/objectivec"),
  perl: () => import("highlight.js/lib/languages/perl"),
  php: () => import("highlight.js/lib/languages/php"),
  powershell: () => import("highlight.js/lib/languages/powershell"),
  python: () => import("highlight.js/lib/languages/python"),
  r: () => import("highlight.js/lib/languages/r"),
  ruby: () => import("highlight.js/lib/languages/ruby"),
  rust: () => import("highlight.js/lib/languages/rust"),
  scss: () => import("highlight.js/lib/languages/scss"),
  sql: () => import("highlight.js/lib/languages/sql"),
  swift: () => import("highlight.js/lib/languages/swift"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  xml: () => import("highlight.js/lib/languages/xml"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
};

/** Fence names models write, to the language that highlights them (before it is loaded, its own aliases are unknown). */
const ALIASES: Record<string, string> = {
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  "c++": "cpp",
  cc: "cpp",
  h: "c",
  hpp: "cpp",
  cs: "csharp",
  "c#": "csharp",
  docker: "dockerfile",
  golang: "go",
  gql: "graphql",
  toml: "ini",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  node: "javascript",
  jsonc: "json",
  kt: "kotlin",
  make: "makefile",
  md: "markdown",
  objc: "objectivec",
  pl: "perl",
  ps1: "powershell",
  pwsh: "powershell",
  py: "python",
  python3: "python",
  rb: "ruby",
  rs: "rust",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  html: "xml",
  svg: "xml",
  xhtml: "xml",
  yml: "yaml",
};

/** Highlights code once its language is loaded, and loads languages on first use. */
export interface CodeHighlighter {
  /**
   * The code as highlighted HTML (spans with `hljs-*` classes, text escaped), or undefined while its language is
   * loading (this starts the load) or when it is not one we highlight.
   */
  highlight(code: string, language: string): string | undefined;
  /** Whether `language` is on its way: a block with it shown plain now will be highlighted once it is ready. */
  isLoading(language: string): boolean;
  /** Calls `listener` each time a language is ready; returns the unsubscribe. */
  onReady(listener: () => void): () => void;
}

/** What `import("highlight.js/lib/core")` gives. */
type LoadCore = () => Promise<{ default: HLJSApi }>;

const loadCore: LoadCore = () => import("highlight.js/lib/core");

/**
 * Creates a highlighter that downloads highlight.js's core and each language the first time a block asks for it.
 * A failed download leaves that language plain (the code is still there, escaped) and is not retried.
 *
 * @example
 * const highlighter = createCodeHighlighter();
 * highlighter.highlight("let a = 1", "ts"); // undefined: loading
 * highlighter.onReady(() => highlighter.highlight("let a = 1", "ts")); // '<span class="hljs-keyword">let</span> a = …'
 */
export function createCodeHighlighter({
  core = loadCore,
  languages = LANGUAGES,
}: { core?: LoadCore; languages?: Record<string, LoadLanguage> } = {}): CodeHighlighter {
  let hljs: HLJSApi | undefined;
  let corePromise: Promise<HLJSApi> | undefined;
  const states = new Map<string, "loading" | "ready" | "failed">();
  const listeners = new Set<() => void>();

  const nameOf = (language: string): string | undefined => {
    const lower = language.toLowerCase();
    const name = ALIASES[lower] ?? lower;
    return Object.hasOwn(languages, name) ? name : undefined;
  };

  const load = (name: string): void => {
    states.set(name, "loading");
    corePromise ??= core().then((module) => module.default);
    void Promise.all([corePromise, languages[name]!()])
      .then(([api, language]) => {
        api.registerLanguage(name, language.default);
        hljs = api;
        states.set(name, "ready");
      })
      .catch(() => states.set(name, "failed"))
      .finally(() => {
        for (const listener of listeners) listener();
      });
  };

  return {
    highlight(code, language) {
      const name = nameOf(language);
      if (name === undefined) return undefined;
      const state = states.get(name);
      if (state === undefined) load(name);
      if (state !== "ready" || !hljs) return undefined;
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    },
    isLoading(language) {
      const name = nameOf(language);
      return name !== undefined && states.get(name) === "loading";
    },
    onReady(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let shared: CodeHighlighter | undefined;

/** The page's one highlighter, so each language is loaded once for every reply (created on first use). */
export function sharedCodeHighlighter(): CodeHighlighter {
  shared ??= createCodeHighlighter();
  return shared;
}
