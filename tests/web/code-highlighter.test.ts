import { describe, expect, it } from "vitest";
import { createCodeHighlighter, type CodeHighlighter } from "../../web/src/lib/markdown/code-highlighter.js";

/** Resolves once the highlighter says a language became ready (or failed). */
const nextReady = (highlighter: CodeHighlighter) => new Promise<void>((resolve) => highlighter.onReady(resolve));

/** The real highlight.js core and languages, counting what is downloaded. */
function countingLoaders() {
  const loaded: string[] = [];
  const core = () => (loaded.push("core"), import("highlight.js/lib/core"));
  const languages = {
    python: () => (loaded.push("python"), import("highlight.js/lib/languages/python")),
    typescript: () => (loaded.push("typescript"), import("highlight.js/lib/languages/typescript")),
  };
  return { loaded, core, languages };
}

describe("createCodeHighlighter", () => {
  it("loads nothing until code asks, then the core and that language once, and highlights once they are ready", async () => {
    const { loaded, core, languages } = countingLoaders();
    const highlighter = createCodeHighlighter({ core, languages });
    expect(loaded).toEqual([]);

    const ready = nextReady(highlighter);
    expect(highlighter.highlight("def f(): pass", "python")).toBeUndefined();
    expect(highlighter.isLoading("python")).toBe(true);
    expect(highlighter.highlight("def g(): pass", "py")).toBeUndefined();
    await ready;

    expect(loaded).toEqual(["core", "python"]);
    expect(highlighter.isLoading("python")).toBe(false);
    expect(highlighter.highlight("def f(): pass", "py")).toBe(
      '<span class="hljs-keyword">def</span> <span class="hljs-title function_">f</span>(): <span class="hljs-keyword">pass</span>',
    );
    expect(highlighter.highlight("x < 1 && '<b>'", "python")).toContain("&lt;");
  });

  it("shares one core between languages and loads each language on its own first use", async () => {
    const { loaded, core, languages } = countingLoaders();
    const highlighter = createCodeHighlighter({ core, languages });
    let ready = nextReady(highlighter);
    highlighter.highlight("x = 1", "python");
    await ready;
    ready = nextReady(highlighter);
    expect(highlighter.highlight("let a = 1", "ts")).toBeUndefined();
    await ready;

    expect(loaded).toEqual(["core", "python", "typescript"]);
    expect(highlighter.highlight("let a = 1", "TypeScript")).toContain('<span class="hljs-keyword">let</span>');
  });

  it("leaves languages it does not know plain and loads nothing for them", () => {
    const { loaded, core, languages } = countingLoaders();
    const highlighter = createCodeHighlighter({ core, languages });
    expect(highlighter.highlight("IDENTIFICATION DIVISION.", "cobol")).toBeUndefined();
    expect(highlighter.isLoading("cobol")).toBe(false);
    expect(loaded).toEqual([]);
  });

  it("leaves a language plain, and stops waiting for it, when its download fails", async () => {
    const highlighter = createCodeHighlighter({
      core: () => import("highlight.js/lib/core"),
      languages: { python: () => Promise.reject(new Error("offline")) },
    });
    const ready = nextReady(highlighter);
    expect(highlighter.highlight("x = 1", "python")).toBeUndefined();
    await ready;
    expect(highlighter.isLoading("python")).toBe(false);
    expect(highlighter.highlight("x = 1", "python")).toBeUndefined();
  });
});
