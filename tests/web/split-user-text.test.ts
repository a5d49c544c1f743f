import { describe, expect, it } from "vitest";
import { splitUserText } from "../../web/src/lib/chat/split-user-text.js";

describe("splitting a user's message into prose and code", () => {
  it("leaves a message without code as one run of prose, exactly as typed", () => {
    expect(splitUserText("  first line\nsecond line\n")).toEqual([{ kind: "prose", text: "  first line\nsecond line\n" }]);
  });

  it("takes a fenced block's lines, indentation and blank lines included, as code", () => {
    const text = "Why does this fail?\n```python\n    x = 1\n\n\tprint(x)\n```\nThanks";
    expect(splitUserText(text)).toEqual([
      { kind: "prose", text: "Why does this fail?" },
      { kind: "code", text: "    x = 1\n\n\tprint(x)" },
      { kind: "prose", text: "Thanks" },
    ]);
  });

  it("closes a fence only with the same character at least as long, and an unclosed fence runs to the end", () => {
    expect(splitUserText("~~~~\n~~~\n```\n~~~~~\nafter")).toEqual([
      { kind: "code", text: "~~~\n```" },
      { kind: "prose", text: "after" },
    ]);
    expect(splitUserText("```js\nconst a = 1;\n")).toEqual([{ kind: "code", text: "const a = 1;\n" }]);
  });

  it("takes lines indented by four spaces or a tab as code, even right under a line of prose, with the blank lines between them", () => {
    const text = "Here is my code:\n    def greet(name):\n\n\treturn name\n\nDoes it work?";
    expect(splitUserText(text)).toEqual([
      { kind: "prose", text: "Here is my code:" },
      { kind: "code", text: "    def greet(name):\n\n\treturn name" },
      { kind: "prose", text: "\nDoes it work?" },
    ]);
  });

  it("does not take a list's shallower indentation for code", () => {
    expect(splitUserText("Steps:\n  - one\n   - two")).toEqual([{ kind: "prose", text: "Steps:\n  - one\n   - two" }]);
  });
});
