/** One SSE frame: `event:`, `id:` and a single JSON `data:` line, ended by a blank line. */
export interface SseFrame {
  event: string;
  id: string | number;
  data: unknown;
}

const LINE_BREAK = /[\r\n]/;

/**
 * Serialises a frame. JSON.stringify escapes every line break inside strings, so `data` always stays one
 * line; `event` and `id` are refused if they contain one, since that would inject fields into the stream.
 */
export function formatSseFrame({ event, id, data }: SseFrame): string {
  return formatSerializedSseFrame(event, id, JSON.stringify(data));
}

/**
 * The same frame from `data` already serialised as JSON (a reply log keeps that text, so a replay is byte-identical
 * to the first stream). The JSON must be one line, as JSON.stringify writes it.
 */
export function formatSerializedSseFrame(event: string, id: string | number, json: string): string {
  const idText = String(id);
  if (LINE_BREAK.test(event) || LINE_BREAK.test(idText) || LINE_BREAK.test(json)) throw new Error("SSE event, id and data must not contain line breaks");
  return `event: ${event}\nid: ${idText}\ndata: ${json}\n\n`;
}

/** A comment line: ignored by parsers, used as a heartbeat. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}
