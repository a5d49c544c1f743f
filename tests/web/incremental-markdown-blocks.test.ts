import fc from "fast-check";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { IncrementalMarkdownBlocks, type MarkdownBlocks } from "../../web/src/lib/markdown/incremental-markdown-blocks.js";
import { createMarkdownRenderer } from "../../web/src/lib/markdown/render-markdown.js";

const dom = new JSDOM("");
const render = createMarkdownRenderer(dom.window as unknown as Parameters<typeof createMarkdownRenderer>[0]);

/** Replies shaped like real model output: what the per-block rendering must not change. */
const CORPUS: Record<string, string> = {
  "headings and paragraphs": [
    "# Setting up the project",
    "",
    "This guide walks through the **setup**, with `npm` and a few *optional* steps.",
    "It spans two lines.",
    "",
    "## Requirements",
    "",
    "Node 20 or later.",
    "Setext heading",
    "--------------",
    "",
    "---",
    "",
    'Final words with a [link](https://example.com/docs "The docs") and www.example.org.',
  ].join("\n"),
  "fenced code with blank lines": [
    "Here is the function:",
    "",
    "```ts",
    "export function add(a: number, b: number): number {",
    "",
    "  return a + b;",
    "",
    "}",
    "```",
    "",
    "And a shell session:",
    "",
    "~~~bash",
    "npm install",
    "",
    "```",
    "not a closing fence",
    "```",
    "",
    "npm test",
    "~~~",
    "",
    "````markdown",
    "```js",
    "",
    "nested",
    "```",
    "````",
    "",
    "Done.",
  ].join("\n"),
  "tight and loose lists": [
    "Steps:",
    "",
    "1. Install the dependencies.",
    "",
    "2. Configure the server:",
    "",
    "   ```yaml",
    "   port: 8080",
    "",
    "   host: localhost",
    "   ```",
    "",
    "3. Start it.",
    "",
    "   It listens on the port above.",
    "",
    "Notes:",
    "",
    "- first",
    "- second",
    "  - nested one",
    "",
    "    nested paragraph",
    "  - nested two",
    "- third",
    "",
    "* another list",
    "",
    "* loose item",
  ].join("\n"),
  "numbering that does not continue": ["1. one", "", "1. also one", "", "1. still one", "", "7) seven", "", "8) eight", "", "After the list."].join("\n"),
  "tables and block quotes": [
    "| Model | Tokens/s | Notes |",
    "|:------|--------:|:-----:|",
    "| small | 120 | `fast` |",
    "| large | 35 | **slow** |",
    "",
    "> A quote that spans",
    "> two lines.",
    ">",
    "> With a second paragraph.",
    "",
    "> Another quote",
    "",
    "> - quoted list",
    "> - second item",
    "",
    "Task list:",
    "",
    "- [x] done",
    "- [ ] todo",
  ].join("\n"),
  "raw HTML shown as text": [
    "Use <kbd>Ctrl</kbd> and avoid <script>alert(1)</script>.",
    "",
    "<!--",
    "",
    "a comment with a blank line",
    "-->",
    "",
    "<pre>",
    "",
    "preformatted",
    "</pre>",
    "",
    "<div>",
    "block html",
    "</div>",
    "",
    "End.",
  ].join("\n"),
  "indented code and odd spacing": [
    "Paragraph before.",
    "",
    "    indented code",
    "",
    "    more indented code",
    "",
    "   Three spaces before a paragraph.",
    "",
    "",
    "",
    "Tabs:",
    "",
    "\tcode with a tab",
    "",
    "Trailing spaces  ",
    "make a line break.",
  ].join("\n"),
};

/** Splits a text into blocks at once. */
function splitAtOnce(text: string): MarkdownBlocks {
  return new IncrementalMarkdownBlocks().update(text);
}

function renderBlocks({ stable, tail }: MarkdownBlocks): string {
  return stable.map((block) => render(block.source)).join("") + render(tail);
}

/**
 * The documented difference: list items split into blocks render as separate lists (numbered on with `start`),
 * each tight, where the whole text renders one loose list. Numbers are written into each item, adjacent lists of
 * the same kind are merged and paragraphs directly inside items unwrapped, so anything else still shows.
 */
function normaliseListSplits(html: string): string {
  const root = dom.window.document.createElement("div");
  root.innerHTML = html;
  for (const list of root.querySelectorAll("ol")) {
    const start = Number(list.getAttribute("start") ?? "1");
    [...list.children].forEach((item, index) => item.setAttribute("data-number", String(start + index)));
    list.removeAttribute("start");
  }
  for (const list of [...root.querySelectorAll("ol, ul")]) {
    let next = list.nextElementSibling;
    while (next && next.tagName === list.tagName && isOnlyWhitespaceBetween(list, next)) {
      list.append(...next.childNodes);
      next.remove();
      next = list.nextElementSibling;
    }
  }
  for (const paragraph of [...root.querySelectorAll("li > p")]) paragraph.replaceWith(...paragraph.childNodes);
  return root.innerHTML.replace(/\s*(<[^>]+>)\s*/g, "$1").trim();
}

function isOnlyWhitespaceBetween(first: Element, second: Element): boolean {
  for (let node = first.nextSibling; node && node !== second; node = node.nextSibling) {
    if (node.nodeType !== 3 || node.textContent?.trim()) return false;
  }
  return true;
}

function feedInChunks(text: string, cuts: number[]): MarkdownBlocks {
  const blocks = new IncrementalMarkdownBlocks();
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) blocks.update(text.slice(0, cut));
  return blocks.update(text);
}

const sourcesOf = (blocks: MarkdownBlocks): string[] => blocks.stable.map((block) => block.source);

describe("IncrementalMarkdownBlocks", () => {
  it("splits paragraphs and headings at blank lines and keeps the last block as the tail", () => {
    const blocks = splitAtOnce("# Title\n\nFirst paragraph\non two lines.\n\n\nSecond\n\nThird, still arriving");
    expect(sourcesOf(blocks)).toEqual(["# Title", "First paragraph\non two lines.", "Second"]);
    expect(blocks.tail).toBe("Third, still arriving");
  });

  it("makes a block stable as soon as the next line's first characters show a new block", () => {
    const blocks = new IncrementalMarkdownBlocks();
    expect(blocks.update("Para\n\n").stable).toEqual([]);
    expect(blocks.update("Para\n\n  ").stable).toEqual([]);
    expect(blocks.update("Para\n\n  N")).toEqual({ stable: [{ id: 0, source: "Para" }], tail: "  N" });
  });

  it("waits for the marker of a number after a numbered item before deciding", () => {
    const blocks = new IncrementalMarkdownBlocks();
    expect(blocks.update("1. one\n\n2").tail).toBe("1. one\n\n2");
    expect(blocks.update("1. one\n\n2.").tail).toBe("1. one\n\n2.");
    expect(blocks.update("1. one\n\n2. t")).toEqual({ stable: [{ id: 0, source: "1. one" }], tail: "2. t" });
  });

  it("keeps a fenced code block with blank lines in one block until the fence closes", () => {
    const text = "```python\ndef f():\n\n    return 1\n\n```\n\nAfter\n";
    const blocks = new IncrementalMarkdownBlocks();
    expect(blocks.update(text.slice(0, 30)).stable).toEqual([]);
    expect(sourcesOf(blocks.update(text))).toEqual(["```python\ndef f():\n\n    return 1\n\n```"]);
  });

  it("closes a fence only with the same character, at least as long, indented at most three spaces", () => {
    const text = "````\n```\n\n~~~~\n\n    ````\n\n   `````\n\nout\n";
    expect(sourcesOf(splitAtOnce(text))).toEqual(["````\n```\n\n~~~~\n\n    ````\n\n   `````"]);
  });

  it("keeps a table in one block", () => {
    const table = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |";
    expect(sourcesOf(splitAtOnce(`${table}\n\nnext\n`))).toEqual([table]);
  });

  it("splits numbered items separated by blank lines and each renders with its own number", () => {
    const blocks = splitAtOnce("1. one\n\n2. two\n\n3. three\n");
    expect([...sourcesOf(blocks), blocks.tail]).toEqual(["1. one", "2. two", "3. three\n"]);
    expect(render(blocks.tail)).toContain('<ol start="3">');
  });

  it("keeps numbered items together when their numbers do not continue, so the list counts on", () => {
    const blocks = splitAtOnce("1. one\n\n1. two\n\n1. three\n\nAfter.\n");
    expect(sourcesOf(blocks)).toEqual(["1. one\n\n1. two\n\n1. three"]);
  });

  it("keeps indented continuations and nested code with their list item", () => {
    const item = "- item\n\n  continued\n\n  ```sh\n  npm i\n\n  ```\n\n      indented code in the item";
    expect(sourcesOf(splitAtOnce(`${item}\n\nAfter.\n`))).toEqual([item]);
  });

  it("keeps an HTML comment or <pre> block that contains blank lines in one block", () => {
    const text = "<!--\n\nhidden\n-->\n\n<PRE>\n\nx\n</pre>\n\nend\n";
    expect(sourcesOf(splitAtOnce(text))).toEqual(["<!--\n\nhidden\n-->", "<PRE>\n\nx\n</pre>"]);
  });

  it("splits \\r\\n text at the same places as \\n text", () => {
    for (const text of Object.values(CORPUS)) {
      const crlf = splitAtOnce(text.replaceAll("\n", "\r\n"));
      const lf = splitAtOnce(text);
      expect(sourcesOf(crlf).map((source) => source.replaceAll("\r\n", "\n"))).toEqual(sourcesOf(lf));
      expect(crlf.tail.replaceAll("\r\n", "\n")).toBe(lf.tail);
    }
  });

  it("returns the same block objects, and the same array until a block is added", () => {
    const blocks = new IncrementalMarkdownBlocks();
    const first = blocks.update("a\n\nb\n");
    const second = blocks.update("a\n\nb\nmore");
    expect(second.stable).toBe(first.stable);
    const third = blocks.update("a\n\nb\nmore\n\nc\n");
    expect(third.stable).not.toBe(first.stable);
    expect(third.stable[0]).toBe(first.stable[0]);
  });

  it("re-splits from scratch when the text is replaced, without reusing ids", () => {
    const blocks = new IncrementalMarkdownBlocks();
    blocks.update("old one\n\nold two\n\nold three\n");
    expect(blocks.update("new one\n\nnew two, longer than anything before it\n")).toEqual({
      stable: [{ id: 2, source: "new one" }],
      tail: "new two, longer than anything before it\n",
    });
    expect(blocks.update("")).toEqual({ stable: [], tail: "" });
  });

  it.each(Object.entries(CORPUS))("renders %s block by block as the whole text renders", (_name, text) => {
    for (const variant of [text, text.replaceAll("\n", "\r\n")]) {
      const whole = normaliseListSplits(render(variant));
      expect(normaliseListSplits(renderBlocks(splitAtOnce(variant)))).toBe(whole);
      expect(normaliseListSplits(renderBlocks(splitAtOnce(`${variant}\n\nTail paragraph.\n`)))).toBe(
        normaliseListSplits(render(`${variant}\n\nTail paragraph.\n`)),
      );
    }
  });

  it("differs from whole rendering only by list splits: without normalising, loose lists do differ", () => {
    const text = CORPUS["tight and loose lists"] ?? "";
    expect(renderBlocks(splitAtOnce(text))).not.toBe(render(text));
  });

  const markdownish = fc
    .array(
      fc.oneof(
        fc.constantFrom("\n", "\n\n", "\r\n", " ", "   ", "    ", "\t", "```", "~~~", "````", "`", "1. ", "2. ", "2) "),
        fc.constantFrom("- ", "* ", "> ", "| a |", "<!--", "-->", "<pre>", "</pre>", "<?", "?>", "# ", "x", "word"),
        fc.string({ maxLength: 3, unit: "binary" }),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(""));

  it("gives the same blocks for any chunking of any text as for the text at once", () => {
    fc.assert(
      fc.property(markdownish, fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
        const expected = splitAtOnce(text);
        const chunked = feedInChunks(
          text,
          cuts.map((cut) => cut % (text.length + 1)),
        );
        expect(chunked).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("covers the whole text: blocks in order, separated only by blank lines, the rest in the tail", () => {
    fc.assert(
      fc.property(markdownish, (text) => {
        const { stable, tail } = splitAtOnce(text);
        expect(text.endsWith(tail)).toBe(true);
        let position = 0;
        for (const { source } of stable) {
          const at = text.indexOf(source, position);
          expect(text.slice(position, at)).toMatch(/^(?:[ \t]*\r?\n)*$/);
          position = at + source.length;
        }
        expect(text.slice(position, text.length - tail.length)).toMatch(/^(?:[ \t]*\r?\n)*$/);
      }),
      { numRuns: 500 },
    );
  });

  it("streams an 80 KB reply in 20,000 tokens with a tail no longer than one block and its next line", () => {
    const replies = Object.values(CORPUS);
    let reply = "";
    for (let index = 0; reply.length < 80_000; index++) reply += `${replies[index % replies.length]}\n\n`;
    const tokens = reply.match(/[\s\S]{1,4}/g) ?? [];
    const atOnce = splitAtOnce(reply);
    const longestBlock = Math.max(...atOnce.stable.map((block) => block.source.length), atOnce.tail.length);
    const longestLine = Math.max(...reply.split("\n").map((line) => line.length));
    const blocks = new IncrementalMarkdownBlocks();
    let text = "";
    let longestTail = 0;
    for (const token of tokens) {
      text += token;
      longestTail = Math.max(longestTail, blocks.update(text).tail.length);
    }
    expect(tokens.length).toBeGreaterThanOrEqual(20_000);
    expect(longestTail).toBeLessThanOrEqual(longestBlock + longestLine + 4);
    expect(longestTail).toBeLessThan(reply.length / 50);
    expect(blocks.update(text)).toEqual(atOnce);
  });
});
