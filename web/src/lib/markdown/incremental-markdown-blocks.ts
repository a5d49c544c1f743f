/** One top-level Markdown block: rendered on its own, it gives the same HTML as inside the whole text. */
export interface MarkdownBlock {
  /** Stable key for keyed rendering; never reused by one splitter, even after the text is replaced. */
  id: number;
  /** The block's Markdown, without the blank lines around it. */
  source: string;
}

/** A split of the text so far. */
export interface MarkdownBlocks {
  /** Blocks that will not change any more, in order (same objects across calls; a new array only when one is added). */
  stable: readonly MarkdownBlock[];
  /** The last block, still growing ("" if none): everything after the stable blocks. */
  tail: string;
}

/** A construct that swallows blank lines until its end condition: a fenced code block or an HTML block of kinds 1–5. */
type OpenConstruct = { kind: "fence"; char: string; length: number; column: number } | { kind: "html"; end: string };

const LIST_MARKER = /^(?:[*+-]|(\d{1,9})([.)]))(?:[ \t]+|$)/;
const ORDERED_MARKER = /^(\d{1,9})([.)])(?:[ \t]|$)/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;
const RAW_TAG_OPEN = /^<(script|pre|style|textarea)(?:[\s>]|$)/i;
const BLANK = /^[ \t]*$/;

/**
 * Splits a growing Markdown reply into blocks so a renderer re-parses only the last one.
 *
 * A block ends at a blank line outside a fenced code block (or an HTML block that spans blank lines), as soon as
 * the next line's first characters show that a new block starts there: a line indented under a list, or an indented code line, stays
 * in the same block, and so does an ordered item whose number does not continue the previous one (split off, it
 * would restart the numbering). Top-level items of a list separated by blank lines become separate blocks, each
 * rendered as its own list (`<ol start="3">` keeps the numbers).
 *
 * Only complete lines are classified (a partial one only to end the block before it), so the work of an append is
 * the new characters plus the partial last line.
 *
 * @example
 * const blocks = new IncrementalMarkdownBlocks();
 * blocks.update("# Title\n\nFirst para"); // { stable: [], tail: "# Title\n\nFirst para" }
 * blocks.update("# Title\n\nFirst paragraph.\n\nSec"); // stable: [{ id: 0, source: "# Title" }, …]
 */
export class IncrementalMarkdownBlocks {
  #text = "";
  #stable: MarkdownBlock[] = [];
  #stableView: readonly MarkdownBlock[] = [];
  #nextId = 0;
  /** Start of the first line not yet classified. */
  #lineStart = 0;
  /** Where the search for the next line break resumes: a long partial line is not searched again per call. */
  #searchFrom = 0;
  /** Start of the current block (or of the text after the last blank line, while the block has no line yet). */
  #blockStart = 0;
  /** End of the current block's last non-blank line, line break excluded. */
  #blockEnd = 0;
  #hasContent = false;
  #blankAfterContent = false;
  #open: OpenConstruct | null = null;
  #hasList = false;
  /** The last item at column 0 of the current block, when it is an ordered one. */
  #lastOrdered: { number: number; delimiter: string } | null = null;

  /** Takes the whole text so far; an extension of the previous text is scanned from where the last call stopped. */
  update(text: string): MarkdownBlocks {
    // A plain comparison (memcmp speed, ~10 µs at 80 KB) rather than a guess: a replaced text that happened to
    // share the unsettled part would otherwise keep stale blocks on screen.
    const extendsPrevious = text.length >= this.#text.length && text.slice(0, this.#text.length) === this.#text;
    if (!extendsPrevious) this.#reset();
    this.#text = text;
    let lineEnd = text.indexOf("\n", this.#searchFrom);
    while (lineEnd !== -1) {
      this.#classifyLine(this.#lineStart, lineEnd);
      this.#lineStart = lineEnd + 1;
      lineEnd = text.indexOf("\n", this.#lineStart);
    }
    this.#searchFrom = text.length;
    if (this.#blankAfterContent && this.#lineStart < text.length) {
      // Most lines show at their first character whether they start a block: do not wait for the line to end.
      const partial = text.slice(this.#lineStart, text.endsWith("\r") ? -1 : undefined);
      const startsBlock = this.#startsNewBlock(partial, false);
      if (startsBlock !== undefined) this.#afterBlankLine(startsBlock, this.#lineStart);
    }
    return { stable: this.#stableView, tail: text.slice(this.#blockStart) };
  }

  #reset(): void {
    this.#text = "";
    this.#stable = [];
    this.#stableView = [];
    this.#lineStart = this.#searchFrom = this.#blockStart = this.#blockEnd = 0;
    this.#startBlock();
  }

  #startBlock(): void {
    this.#hasContent = false;
    this.#blankAfterContent = false;
    this.#open = null;
    this.#hasList = false;
    this.#lastOrdered = null;
  }

  #classifyLine(start: number, lineEnd: number): void {
    const end = lineEnd > start && this.#text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const line = this.#text.slice(start, end);
    if (this.#open) {
      if (closes(this.#open, line)) this.#open = null;
      this.#blockEnd = end;
      return;
    }
    if (BLANK.test(line)) {
      if (this.#hasContent) this.#blankAfterContent = true;
      else this.#blockStart = lineEnd + 1;
      return;
    }
    if (this.#blankAfterContent) this.#afterBlankLine(this.#startsNewBlock(line, true) === true, start);
    this.#hasContent = true;
    this.#blockEnd = end;
    this.#noteStructure(line);
  }

  #afterBlankLine(startsBlock: boolean, lineStart: number): void {
    if (startsBlock) {
      this.#finishBlock();
      this.#blockStart = lineStart;
    }
    this.#blankAfterContent = false;
  }

  /**
   * Decides whether a line after a blank line begins a block that renders the same on its own; for a line still
   * arriving, undefined until its first characters decide (a blank line so far, or a number that may be a marker).
   */
  #startsNewBlock(line: string, complete: boolean): boolean | undefined {
    const { columns, offset } = measureIndent(line);
    if (offset === line.length) return undefined;
    // Indented code, or a paragraph, code block or sub-list that belongs to a list item above.
    if (columns >= 4 || (columns > 0 && this.#hasList)) return false;
    const last = this.#lastOrdered;
    if (columns > 0 || last === null) return true;
    if (!complete && /^\d{1,9}[.)]?$/.test(line)) return undefined;
    const marker = ORDERED_MARKER.exec(line);
    if (marker?.[1] === undefined || marker[2] !== last.delimiter) return true;
    return Number(marker[1]) === last.number + 1;
  }

  #finishBlock(): void {
    const block = { id: this.#nextId++, source: this.#text.slice(this.#blockStart, this.#blockEnd) };
    this.#stable.push(block);
    // A new array per added block lets keyed renderers compare by reference; appends are rare next to updates.
    this.#stableView = Object.freeze(this.#stable.slice());
    this.#startBlock();
  }

  /** Tracks the list context and opens fenced code or HTML blocks that may contain blank lines. */
  #noteStructure(line: string): void {
    const indent = measureIndent(line);
    if (indent.columns >= 4 && !this.#hasList) return; // indented code: nothing inside it opens anything
    let rest = line.slice(indent.offset);
    let column = indent.columns;
    let marker = LIST_MARKER.exec(rest);
    if (marker && column === 0) {
      this.#lastOrdered = marker[1] === undefined ? null : { number: Number(marker[1]), delimiter: marker[2] ?? "." };
    }
    // "- 1. ```js" opens a fence inside two list items: skip every marker to find it.
    while (marker && marker[0].length > 0) {
      this.#hasList = true;
      rest = rest.slice(marker[0].length);
      column += marker[0].length;
      marker = LIST_MARKER.exec(rest);
    }
    const fence = FENCE_OPEN.exec(rest);
    if (fence?.[1] !== undefined && !(fence[1][0] === "`" && fence[2]?.includes("`"))) {
      this.#open = { kind: "fence", char: fence[1][0] ?? "`", length: fence[1].length, column };
      return;
    }
    if (indent.columns < 4) this.#open = openHtmlBlock(rest);
  }
}

function measureIndent(line: string): { columns: number; offset: number } {
  let columns = 0;
  let offset = 0;
  for (; offset < line.length; offset++) {
    const code = line.charCodeAt(offset);
    if (code === 32) columns += 1;
    else if (code === 9) columns += 4 - (columns % 4);
    else break;
  }
  return { columns, offset };
}

/**
 * HTML blocks of CommonMark kinds 1–5 (`<pre>`, `<!--`, `<?`, `<!X`, `<![CDATA[`) run until an end marker, across
 * blank lines; marked follows the same rule. Kinds 6 and 7 end at a blank line like a paragraph.
 */
function openHtmlBlock(rest: string): OpenConstruct | null {
  const tag = RAW_TAG_OPEN.exec(rest);
  const html = (end: string, from: number): OpenConstruct | null => (rest.toLowerCase().includes(end, from) ? null : { kind: "html", end });
  if (tag?.[1] !== undefined) return html(`</${tag[1].toLowerCase()}>`, 1);
  if (rest.startsWith("<!--")) return html("-->", 2);
  if (rest.startsWith("<?")) return html("?>", 2);
  if (rest.startsWith("<![CDATA[")) return html("]]>", 9);
  if (/^<![A-Za-z]/.test(rest)) return html(">", 2);
  return null;
}

function closes(open: OpenConstruct, line: string): boolean {
  if (open.kind === "html") return line.toLowerCase().includes(open.end);
  const indent = measureIndent(line);
  // CommonMark allows three spaces before the closing fence, counted from the container the fence is in.
  if (indent.columns > open.column + 3) return false;
  const fence = FENCE_CLOSE.exec(line.slice(indent.offset));
  return fence?.[1] !== undefined && fence[1][0] === open.char && fence[1].length >= open.length;
}
