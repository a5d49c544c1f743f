// @vitest-environment jsdom
import DOMPurify from "dompurify";
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../web/src/lib/markdown/render-markdown.js";

/** Parses rendered HTML the way `{@html}` will insert it. */
function toDom(html: string): HTMLDivElement {
  const root = document.createElement("div");
  root.innerHTML = html;
  return root;
}

/** Asserts nothing in the output can run, load or take input. */
function expectInert(html: string): void {
  const root = toDom(html);
  expect(root.querySelectorAll("script, img, iframe, svg, math, form, input, style, object, embed")).toHaveLength(0);
  for (const element of root.querySelectorAll("*")) {
    for (const { name } of element.attributes) expect(name).not.toMatch(/^(?:on|style$|src$)/i);
  }
  for (const link of root.querySelectorAll("a")) expect(link.getAttribute("href")).toMatch(/^(?:https?|mailto):/);
}

describe("renderMarkdown", () => {
  it.each([
    ["a script element", "hello <script>alert(1)</script>", "hello <script>alert(1)</script>"],
    ["an image with an error handler", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"],
    ["an iframe", '<iframe src="https://evil.example"></iframe>', '<iframe src="https://evil.example"></iframe>'],
    ["an svg with onload", "<svg onload=alert(1)>", "<svg onload=alert(1)>"],
    ["a style element", "<style>body{display:none}</style>", "<style>body{display:none}</style>"],
    ["an inline tag among Markdown", "**bold** <b onclick=alert(1)>x</b>", "bold <b onclick=alert(1)>x</b>"],
  ])("shows %s written in the Markdown as text", (_name, source, text) => {
    const html = renderMarkdown(source);
    expectInert(html);
    expect(toDom(html).textContent?.trim()).toBe(text);
  });

  it("decodes entities to text without ever turning them into elements", () => {
    const html = renderMarkdown("&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;");
    expectInert(html);
    expect(toDom(html).textContent?.trim()).toBe("<script>alert(1)</script> <img src=x onerror=alert(1)>");
  });

  it.each([
    ["a javascript: link", "[click](javascript:alert(1))"],
    ["a JaVaScRiPt: link", "[click](JaVaScRiPt:alert(1))"],
    ["a javascript: link hidden by an entity", "[click](&#106;avascript:alert(1))"],
    ["a javascript: link split by a tab entity", "[click](java&#9;script:alert(1))"],
    ["a javascript: autolink", "<javascript:alert(1)>"],
    ["a data: link", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
    ["a vbscript: link", "[click](vbscript:msgbox)"],
    ["a link to a relative path", "[click](/settings)"],
  ])("turns %s into plain text", (_name, source) => {
    const html = renderMarkdown(source);
    expectInert(html);
    expect(toDom(html).querySelector("a")).toBeNull();
  });

  it("keeps a quoted attribute in a link destination inside the href", () => {
    const html = renderMarkdown('[x](<https://a.example/" onmouseover="alert(1)>)');
    expectInert(html);
    expect(toDom(html).querySelector("a")?.getAttribute("href")).toBe("https://a.example/%22%20onmouseover=%22alert(1)");
  });

  it("escapes quotes and angle brackets in a link title", () => {
    const link = toDom(renderMarkdown('[x](https://a.example "say \\"hi\\" <b>")')).querySelector("a");
    expect(link?.getAttribute("title")).toBe('say "hi" <b>');
    expect(link?.attributes).toHaveLength(4);
  });

  it("opens http, https and mailto links in a new tab without referrer or opener", () => {
    const root = toDom(renderMarkdown("[a](https://a.example) [b](http://b.example) [c](mailto:c@c.example) www.d.example"));
    const links = [...root.querySelectorAll("a")];
    expect(links.map((link) => link.getAttribute("href"))).toEqual(["https://a.example/", "http://b.example/", "mailto:c@c.example", "http://www.d.example/"]);
    for (const link of links) {
      expect(link.getAttribute("target")).toBe("_blank");
      expect(link.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    }
  });

  it("renders an image as a link labelled with its alt text, or its URL, and never loads it", () => {
    const root = toDom(renderMarkdown("![chart](https://img.example/c.png?secret=1) ![](https://img.example/d.png)"));
    expect(root.querySelector("img")).toBeNull();
    expect([...root.querySelectorAll("a")].map((link) => [link.textContent, link.getAttribute("href")])).toEqual([
      ["chart", "https://img.example/c.png?secret=1"],
      ["https://img.example/d.png", "https://img.example/d.png"],
    ]);
    expect(toDom(renderMarkdown("![x](javascript:alert(1))")).querySelector("a")).toBeNull();
  });

  it("keeps code escaped, with a sanitised language class, under a bar with its language, Wrap and Copy", () => {
    const root = toDom(renderMarkdown('```js" onmouseover="alert(1)\nconst a = "<b>&amp;</b>";\n\nlet b;\n```'));
    const code = root.querySelector(".code-block > pre > code");
    expect(code?.className).toBe("language-js");
    expect(code?.textContent).toBe('const a = "<b>&amp;</b>";\n\nlet b;\n');
    expect(root.querySelector(".code-block > .code-header > .code-language")?.textContent).toBe("js");
    const buttons = [...root.querySelectorAll(".code-header > button")].map((button) => [button.className, button.getAttribute("aria-label")]);
    expect(buttons).toEqual([
      ["wrap-code", "Wrap long lines"],
      ["copy-code", "Copy code"],
    ]);
    expect(root.querySelector(".wrap-code")?.getAttribute("aria-pressed")).toBe("false");
    expect(root.querySelectorAll("b, [onmouseover]")).toHaveLength(0);
  });

  it("names code without a language 'text' and never asks to highlight it", () => {
    const asked: string[] = [];
    const root = toDom(renderMarkdown("```\nplain <i>x</i>\n```\n\n    indented", { highlight: (_code, language) => (asked.push(language), undefined) }));
    expect([...root.querySelectorAll(".code-language")].map((label) => label.textContent)).toEqual(["text", "text"]);
    expect([...root.querySelectorAll("pre > code")].map((code) => code.textContent)).toEqual(["plain <i>x</i>\n", "indented\n"]);
    expect(asked).toEqual([]);
  });

  it("puts a highlighter's spans in the code, and shows the code plain when it has none", () => {
    const highlight = (code: string, language: string) =>
      language === "ts" ? `<span class="hljs-keyword">${code.slice(0, 5)}</span>${code.slice(5)}` : undefined;
    const root = toDom(renderMarkdown("```ts\nconst a = 1;\n```\n\n```cobol\nDISPLAY 'x'.\n```", { highlight }));
    const [ts, cobol] = root.querySelectorAll("pre > code");
    expect(ts?.innerHTML).toBe('<span class="hljs-keyword">const</span> a = 1;\n');
    expect(cobol?.innerHTML).toBe("DISPLAY 'x'.\n");
  });

  it("sanitises what a highlighter returns like everything else", () => {
    const hostile = () => '<span class="hljs-string evil" onclick="alert(1)">x</span><img src=x onerror=alert(2)><script>alert(3)</script>';
    const html = renderMarkdown("```js\nx\n```", { highlight: hostile });
    expectInert(html);
    const span = toDom(html).querySelector("pre > code > span");
    expect(span?.className).toBe("hljs-string");
    expect(span?.hasAttribute("onclick")).toBe(false);
  });

  it("keeps highlight.js's scope classes, sub-scopes included", () => {
    const highlight = () => '<span class="hljs-title class_ inherited__">A</span><span class="hljs-meta hljs-keyword">B</span>';
    const spans = toDom(renderMarkdown("```ts\nx\n```", { highlight })).querySelectorAll("pre span");
    expect([...spans].map((span) => span.className)).toEqual(["hljs-title class_ inherited__", "hljs-meta hljs-keyword"]);
  });

  it("renders inline code escaped", () => {
    expect(renderMarkdown("use `<div>` here")).toBe("<p>use <code>&lt;div&gt;</code> here</p>\n");
  });

  it("renders GFM tables with their alignment", () => {
    const root = toDom(renderMarkdown("| a | b |\n|:--|--:|\n| 1 | **2** |"));
    expect([...root.querySelectorAll("th")].map((cell) => cell.getAttribute("align"))).toEqual(["left", "right"]);
    expect(root.querySelector("td strong")?.textContent).toBe("2");
  });

  it("puts each table in its own sideways-scrolling box", () => {
    const root = toDom(renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nafter"));
    expect(root.firstElementChild?.className).toBe("table-scroll");
    expect(root.querySelector(".table-scroll > table > thead > tr > th")?.textContent).toBe("a");
    expect(root.querySelector(".table-scroll + p")?.textContent).toBe("after");
  });

  it("renders nested lists, ordered lists keeping their first number, and task items as glyphs", () => {
    const root = toDom(renderMarkdown("3. three\n4. four\n   - nested\n\n- [x] done\n- [ ] todo"));
    expect(root.querySelector("ol")?.getAttribute("start")).toBe("3");
    expect(root.querySelector("ol ul li")?.textContent).toBe("nested");
    expect([...root.querySelectorAll("ul:not(ol ul) > li")].map((item) => item.textContent?.trim())).toEqual(["☑ done", "☐ todo"]);
  });

  it("renders headings, block quotes and emphasis", () => {
    expect(renderMarkdown("## Title\n\n> *quoted* ~~old~~")).toBe("<h2>Title</h2>\n<blockquote>\n<p><em>quoted</em> <del>old</del></p>\n</blockquote>\n");
  });

  it("leaves the global marked and DOMPurify untouched", () => {
    renderMarkdown("[a](https://a.example) <b>x</b>");
    expect(marked.parse("<b>x</b>", { async: false })).toBe("<p><b>x</b></p>\n");
    expect(DOMPurify.sanitize('<a href="https://a.example">a</a>')).toBe('<a href="https://a.example">a</a>');
  });
});
