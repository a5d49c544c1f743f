import { describe, expect, it } from "vitest";
import { formatSseComment, formatSseFrame } from "../../server/sse/format-sse-frame.js";

describe("formatSseFrame", () => {
  it("writes event, id and one JSON data line, ended by a blank line", () => {
    expect(formatSseFrame({ event: "token", id: 1, data: { content: "Hi" } })).toBe('event: token\nid: 1\ndata: {"content":"Hi"}\n\n');
  });

  it("keeps line breaks inside the payload escaped, so data stays on one line", () => {
    const frame = formatSseFrame({ event: "token", id: 2, data: { content: "a\nb\r\nc\n\nevent: fake" } });
    expect(frame).toBe('event: token\nid: 2\ndata: {"content":"a\\nb\\r\\nc\\n\\nevent: fake"}\n\n');
    expect(frame.split("\n\n")).toHaveLength(2);
  });

  it("writes multi-byte characters as themselves", () => {
    expect(formatSseFrame({ event: "token", id: 3, data: { content: "日本 🚀" } })).toBe('event: token\nid: 3\ndata: {"content":"日本 🚀"}\n\n');
  });

  it("refuses an event name or id with a line break, which would inject fields", () => {
    expect(() => formatSseFrame({ event: "token\ndata: x", id: 1, data: {} })).toThrow(/line breaks/);
    expect(() => formatSseFrame({ event: "token", id: "1\r", data: {} })).toThrow(/line breaks/);
  });
});

describe("formatSseComment", () => {
  it("writes a comment line that parsers ignore, folding line breaks", () => {
    expect(formatSseComment("heartbeat")).toBe(": heartbeat\n\n");
    expect(formatSseComment("a\nb")).toBe(": a b\n\n");
  });
});
