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
  /** True when the response ended normally; false when the connection broke, or was dropped by `disconnectAfterEvents`. */
  endedCleanly: boolean;
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** Destroy the connection once this many events arrived. */
  disconnectAfterEvents?: number;
  /** Bytes to send as the body instead of `json` serialized. */
  body?: string | Buffer;
  /** Open a connection of its own rather than reuse a pooled one (for a server that is closing its listener). */
  newConnection?: boolean;
  /** `GET` sends no body (following a resumable reply); default `POST`. */
  method?: "GET" | "POST";
}

/** A response being read: its events so far, as they arrive, and the whole result once it is over. */
export interface SseStream {
  /** Every event so far, in arrival order; grows while the response is read. */
  readonly events: readonly ReceivedEvent[];
  /**
   * Resolves when the response ended or broke, after the same contract checks as {@link postForSse}; rejects when
   * the request failed before a response (unless `disconnectAfterEvents` is set).
   */
  readonly finished: Promise<SseResult>;
  /** The status and headers, as soon as they arrive (before the first event). */
  readonly headers: Promise<Pick<SseResult, "status" | "headers">>;
}

/**
 * POSTs with Node's raw http client (no SDK in the way) and records every SSE event with its arrival
 * time, so tests can see that tokens arrive over time and assert the exact bytes on the wire.
 * Every SSE response is checked against the contract (headers, event names, payload schemas, ids)
 * before it is returned, so no integration test can read a frame the spec does not allow.
 */
export async function postForSse(url: string, json: unknown, options: PostOptions = {}): Promise<SseResult> {
  return openSse(url, json, options).finished;
}

/**
 * Like {@link postForSse}, for a test that acts while the response is still streaming (e.g. signals the server
 * once every stream has two tokens): the events are readable as they arrive, the checked result comes at the end.
 */
export function openSse(url: string, json: unknown, options: PostOptions = {}): SseStream {
  const events: ReceivedEvent[] = [];
  let onHeaders: (head: Pick<SseResult, "status" | "headers">) => void = () => {};
  const headers = new Promise<Pick<SseResult, "status" | "headers">>((resolve) => (onHeaders = resolve));
  const finished = readSse(url, json, options, events, onHeaders).then((result) => {
    if (result.status === 200) expectSseResponseMatchesContract(result);
    return result;
  });
  return { events, finished, headers };
}

function readSse(
  url: string,
  json: unknown,
  options: PostOptions,
  events: ReceivedEvent[],
  onHeaders: (head: Pick<SseResult, "status" | "headers">) => void,
): Promise<SseResult> {
  const get = options.method === "GET";
  const payload = get ? undefined : (options.body ?? JSON.stringify(json));
  return new Promise((resolve, reject) => {
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
        method: get ? "GET" : "POST",
        headers: { ...(get ? {} : { "content-type": "application/json" }), accept: "text/event-stream", ...options.headers },
        ...(options.newConnection ? { agent: false } : {}),
      },
      (res) => {
        onHeaders({ status: res.statusCode ?? 0, headers: res.headers });
        let settled = false;
        // The first of end, error and close decides: a response that closes without `end` was cut.
        const finish = (endedCleanly: boolean) => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks).toString("utf8"), events, comments, endedCleanly });
        };
        res.on("data", (chunk: Buffer) => {
          now = performance.now();
          chunks.push(chunk);
          parser.feed(decoder.decode(chunk, { stream: true }));
          if (options.disconnectAfterEvents !== undefined && events.length >= options.disconnectAfterEvents) {
            req.destroy();
            finish(false);
          }
        });
        res.on("end", () => finish(true));
        res.on("error", () => finish(false));
        res.on("close", () => finish(false));
      },
    );
    req.on("error", (error) => {
      if (options.disconnectAfterEvents === undefined) reject(error);
    });
    req.end(payload);
  });
}

/** GETs an SSE response (a resumable reply's events), recorded and checked as {@link postForSse} does. */
export async function getSse(url: string, options: Omit<PostOptions, "method" | "body"> = {}): Promise<SseResult> {
  return openSse(url, undefined, { ...options, method: "GET" }).finished;
}

/** Parses each event's `data` as JSON. */
export function payloads(events: readonly ReceivedEvent[]): { event: string | undefined; data: unknown }[] {
  return events.map((event) => ({ event: event.event, data: JSON.parse(event.data) as unknown }));
}
