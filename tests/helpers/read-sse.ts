import { request } from "node:http";
import { createParser } from "eventsource-parser";
import { expectSseResponseMatchesContract } from "./expect-contract.js";

export interface ReceivedEvent {
  event: string | undefined;
  id: string | undefined;
  data: string;
  /** `performance.now()` when the chunk holding the end of this event arrived. */
  receivedAt: number;
}

export interface SseResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as bytes arrived, decoded once at the end. */
  raw: string;
  events: ReceivedEvent[];
  /** Comment lines (heartbeats). */
  comments: string[];
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** Destroy the connection once this many events arrived. */
  disconnectAfterEvents?: number;
  /** Called at each event; may destroy the request. */
  body?: string | Buffer;
}

/**
 * POSTs with Node's raw http client (no SDK in the way) and records every SSE event with its arrival
 * time, so tests can see that tokens arrive over time and assert the exact bytes on the wire.
 * Every SSE response is checked against the contract (headers, event names, payload schemas, ids)
 * before it is returned, so no integration test can read a frame the spec does not allow.
 */
export async function postForSse(url: string, json: unknown, options: PostOptions = {}): Promise<SseResult> {
  const result = await readSse(url, json, options);
  if (result.status === 200) expectSseResponseMatchesContract(result);
  return result;
}

function readSse(url: string, json: unknown, options: PostOptions): Promise<SseResult> {
  const payload = options.body ?? JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const events: ReceivedEvent[] = [];
    const comments: string[] = [];
    const chunks: Buffer[] = [];
    const decoder = new TextDecoder();
    let now = 0;
    const parser = createParser({
      onEvent: (message) => events.push({ event: message.event, id: message.id, data: message.data, receivedAt: now }),
      onComment: (comment) => comments.push(comment),
    });
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...options.headers },
      },
      (res) => {
        const finish = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks).toString("utf8"), events, comments });
        res.on("data", (chunk: Buffer) => {
          now = performance.now();
          chunks.push(chunk);
          parser.feed(decoder.decode(chunk, { stream: true }));
          if (options.disconnectAfterEvents !== undefined && events.length >= options.disconnectAfterEvents) {
            req.destroy();
            finish();
          }
        });
        res.on("end", finish);
        res.on("error", () => finish());
      },
    );
    req.on("error", (error) => {
      if (options.disconnectAfterEvents === undefined) reject(error);
    });
    req.end(payload);
  });
}

/** Parses each event's `data` as JSON. */
export function payloads(events: ReceivedEvent[]): { event: string | undefined; data: unknown }[] {
  return events.map((event) => ({ event: event.event, data: JSON.parse(event.data) as unknown }));
}
