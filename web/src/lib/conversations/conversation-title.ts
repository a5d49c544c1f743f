import { stripMarkdown } from "../markdown/strip-markdown.js";

/** Titles longer than this are cut, with an ellipsis, when the app derives them. */
const DERIVED_TITLE_LENGTH = 48;
/** Only the start of a message can name it; parsing all of a very long one would be wasted. */
const TITLE_SOURCE_LENGTH = 2000;

/**
 * A conversation title from its first user message, as chat apps do before the user renames it: the first line of
 * its plain text, so "**Fix** the `bug`" is titled "Fix the bug", and a message that opens with a code block is
 * titled by its first line of code.
 */
export function titleFromText(text: string): string {
  const line = stripMarkdown(text.slice(0, TITLE_SOURCE_LENGTH)).split("\n", 1)[0]!.trim();
  if (line === "") return "New chat";
  return line.length > DERIVED_TITLE_LENGTH ? `${line.slice(0, DERIVED_TITLE_LENGTH - 1)}…` : line;
}

/**
 * A stored title as shown: without Markdown syntax, on one line. Titles saved before titles were derived as plain
 * text keep their stored form (data is never rewritten on load); only their display changes. A title that is
 * nothing but syntax ("```") is shown as stored rather than as nothing.
 */
export function toPlainTitle(title: string): string {
  const plain = stripMarkdown(title).replace(/\s+/g, " ").trim();
  return plain === "" ? title : plain;
}
