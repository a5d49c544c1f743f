import { Lexer, type Token, type Tokens } from "marked";

/** Tokens that end a line of their own (raw HTML does when it stands as a block). */
const BLOCKS = new Set(["paragraph", "heading", "code", "blockquote", "list_item", "table", "hr", "space"]);
/** Tokens whose words are their `text`: an image is its alt text; raw HTML and code are kept as written. */
const LEAVES = new Set(["text", "codespan", "escape", "html", "code", "image"]);

function appendText(tokens: readonly Token[], out: string[]): void {
  for (const token of tokens) {
    if (token.type === "list") appendText(token.items as Token[], out);
    else if (token.type === "table") {
      for (const row of [token.header, ...token.rows] as Tokens.TableCell[][]) {
        out.push(row.map((cell) => stripTokens(cell.tokens)).join(" "), "\n");
      }
    } else if (token.type === "br") out.push("\n");
    else if ("tokens" in token && Array.isArray(token.tokens)) appendText(token.tokens, out);
    else if (LEAVES.has(token.type)) out.push((token as { text: string }).text);
    if (BLOCKS.has(token.type) || (token.type === "html" && token.block)) out.push("\n");
  }
}

function stripTokens(tokens: readonly Token[]): string {
  const out: string[] = [];
  appendText(tokens, out);
  return out.join("");
}

/**
 * The words of a Markdown text without its syntax: "**Fix** the `bug`" becomes "Fix the bug". Parsed by the parser
 * that renders replies (marked, GFM), so only what would show as formatting goes: `a_b_c` and `2 * 3 * 4` stay as
 * typed. Each block (paragraph, heading, list item, line of code, table row) is a line of its own.
 */
export function stripMarkdown(markdown: string): string {
  return stripTokens(Lexer.lex(markdown, { gfm: true }))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join("\n");
}
