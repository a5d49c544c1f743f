/**
 * Titles are plain text: a new conversation is named by the words of its first message without Markdown syntax,
 * and a title stored with syntax (by an earlier version) is shown without it, while text that only looks like
 * syntax stays as typed.
 */
import { describe, expect, it } from "vitest";
import { titleFromText, toPlainTitle } from "../../web/src/lib/conversations/conversation-title.js";
import { stripMarkdown } from "../../web/src/lib/markdown/strip-markdown.js";

describe("stripping Markdown", () => {
  it.each([
    ["**Fix** the `bug`", "Fix the bug"],
    ["# Heading with _emphasis_ and ~~strike~~", "Heading with emphasis and strike"],
    ["[the docs](https://example.com) and ![a chart](chart.png)", "the docs and a chart"],
    ["> quoted *text*", "quoted text"],
    ["- first item\n- second item", "first item\nsecond item"],
    ["1. step one", "step one"],
    ["```ts\nconst x = 1;\n```", "const x = 1;"],
    ["| Name | Age |\n| --- | --- |\n| Ann | 3 |", "Name Age\nAnn 3"],
    ["\\*not emphasis\\*", "*not emphasis*"],
    ["https://example.com/a_b", "https://example.com/a_b"],
  ])("%j reads %j", (markdown, plain) => {
    expect(stripMarkdown(markdown)).toBe(plain);
  });

  it.each(["snake_case_name", "2 * 3 * 4 = 24", "C# and F#", "a < b > c", "#hashtag", "Café ☕ — naïve 日本語", "price: $5 & up"])(
    "leaves %j as typed: it is text, not syntax",
    (text) => {
      expect(stripMarkdown(text)).toBe(text);
    },
  );
});

describe("titling a new conversation", () => {
  it("takes the plain words of the first line", () => {
    expect(titleFromText("**Fix** the `bug`\nin the parser, please")).toBe("Fix the bug");
    expect(titleFromText("  ## How do I *sort* a list?  ")).toBe("How do I sort a list?");
  });

  it("names a message that opens with a code block by its first line of code", () => {
    expect(titleFromText("```python\nprint('hi')\n```\nWhy does this fail?")).toBe("print('hi')");
  });

  it("cuts a long first line to 48 characters with an ellipsis, after the syntax is gone", () => {
    const title = titleFromText(`**${"word ".repeat(20).trim()}**`);
    expect(title).toHaveLength(48);
    expect(title.endsWith("…")).toBe(true);
    expect(title).not.toContain("*");
  });

  it("is New chat when there are no words at all", () => {
    expect(titleFromText("   \n  ")).toBe("New chat");
    expect(titleFromText("***")).toBe("New chat");
  });
});

describe("showing a stored title", () => {
  it("shows a title saved with Markdown without its syntax, on one line", () => {
    expect(toPlainTitle("**Fix** the `bug`")).toBe("Fix the bug");
    expect(toPlainTitle("- a\n- b")).toBe("a b");
  });

  it("shows plain titles unchanged", () => {
    for (const title of ["Renamed topic", "snake_case_name", "New chat", "A very long title that does not fit…"]) expect(toPlainTitle(title)).toBe(title);
  });

  it("shows a title that is nothing but syntax as stored rather than as nothing", () => {
    expect(toPlainTitle("***")).toBe("***");
  });
});
