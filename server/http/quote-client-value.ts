/**
 * A value the client sent, as an error message may quote it: cut to `maxLength` characters, and every character but
 * printable ASCII replaced by `?`. Messages are answered and logged (as JSON, so nothing could break a line), but a
 * decoded path or query parameter can hold CR, LF or ANSI escapes, which have no business in a message a person reads
 * in a terminal or a log viewer.
 */
export function quoteClientValue(value: string, maxLength: number): string {
  const cut = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return `"${cut.replace(/[^\x20-\x7e…]/g, "?")}"`;
}
