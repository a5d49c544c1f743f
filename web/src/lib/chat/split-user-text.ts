/** A run of a user's message: prose, or code to show in a monospace block. */
export interface UserTextPart {
  kind: "prose" | "code";
  /** The lines of this run, exactly as typed (for a fenced block: the lines between its fences). */
  text: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** Four spaces or a tab: where Markdown starts indented code, and what editors and pasted code use. */
const INDENTED = /^( {4}|\t)/;

/**
 * Splits what the user wrote into prose and code, so code can keep its line breaks and indentation in a monospace
 * block. Code is a fenced block (``` or ~~~, closed by the same fence or by the end of the message) or a run of
 * lines indented by four spaces or a tab; blank lines inside such a run belong to it. Unlike Markdown, an indented
 * run needs no blank line before it: people paste code right under "Here is my code:". Nothing else is interpreted:
 * a user's message is shown as they typed it, not rendered as Markdown.
 */
export function splitUserText(text: string): UserTextPart[] {
  const lines = text.split("\n");
  const parts: UserTextPart[] = [];
  const push = (kind: UserTextPart["kind"], from: number, to: number) => {
    if (to > from) parts.push({ kind, text: lines.slice(from, to).join("\n") });
  };
  let prose = 0;
  let index = 0;
  while (index < lines.length) {
    const fence = FENCE.exec(lines[index]!)?.[1];
    if (fence) {
      push("prose", prose, index);
      // Closed by a fence of the same character, at least as long, with nothing after it (as in CommonMark).
      const closing = new RegExp(`^ {0,3}\\${fence[0]}{${fence.length},}[ \t]*$`);
      const close = lines.findIndex((line, at) => at > index && closing.test(line));
      const end = close < 0 ? lines.length : close;
      parts.push({ kind: "code", text: lines.slice(index + 1, end).join("\n") });
      index = prose = end + 1;
    } else if (INDENTED.test(lines[index]!)) {
      push("prose", prose, index);
      let end = index + 1;
      for (let next = end; next < lines.length; next++) {
        if (INDENTED.test(lines[next]!)) end = next + 1;
        else if (lines[next]!.trim() !== "") break;
      }
      push("code", index, end);
      index = prose = end;
    } else {
      index++;
    }
  }
  push("prose", prose, lines.length);
  return parts;
}
