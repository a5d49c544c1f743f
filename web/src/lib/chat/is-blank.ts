/**
 * True for text with nothing but whitespace: the one kind of message that is refused. Anything else is sent as it is,
 * never trimmed, because leading spaces and line breaks can be meaning (the first line of a pasted code block).
 */
export function isBlank(text: string): boolean {
  return text.trim() === "";
}
