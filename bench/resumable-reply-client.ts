/**
 * The client side of `resumable.ts`: opens resumable replies and replays them, keeping the raw bytes of every SSE
 * frame. Byte-identical means the bytes, so nothing here parses an event to compare it: frames are cut at the blank
 * line that ends each one (the server writes `data:` as one JSON line, so a blank line occurs nowhere else).
 */
import { request, type IncomingMessage } from "node:http";
import type { CompleteEvent, SendMessageRequest } from "../contract/index.js";

const FRAME_END = Buffer.from("\n\n");
const COMMENT = ":".charCodeAt(0);
const EVENT_FIELD = "event: ";
const TOKEN_FRAME = Buffer.from("event: token\n");
const COMPLETE_FRAME = Buffer.from("event: complete\n");

const now = () => performance.timeOrigin + performance.now();

/**
 * The frames of an SSE body, each with its terminating blank line, heartbeat comments left out. A trailing part
 * without its blank line is kept as a frame of its own, so a cut stream never compares equal to a whole one.
 */
export function splitFrames(body: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let start = 0; start < body.length;) {
    const end = body.indexOf(FRAME_END, start);
    const next = end === -1 ? body.length : end + FRAME_END.length;
    if (body[start] !== COMMENT) frames.push(body.subarray(start, next));
    start = next;
  }
  return frames;
}

export interface FirstRead {
  ok: boolean;
  /** `X-Message-Id`: where to resume. */
  messageId?: string;
  /** Epoch ms when the request was sent. */
  startedAt: number;
  timeToFirstTokenMs?: number;
  /** Epoch ms when the response ended. */
  endedAt?: number;
  /** Every frame as received, heartbeats left out: what every replay must repeat byte for byte. */
  frames: Buffer[];
  tokens: number;
  error?: string;
}

interface RawResponse {
  status: number;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** Epoch ms when the first byte of an event (not a heartbeat) arrived. */
  firstEventAt?: number;
  /** Epoch ms when the first `token` event arrived. */
  firstTokenAt?: number;
}

/** Sends one request and collects its body, noting when the first event and the first token arrived. */
function exchange(url: string, options: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let seen = "";
      let firstEventAt: number | undefined;
      let firstTokenAt: number | undefined;
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (firstTokenAt !== undefined) return;
        // Only until the first token: the text before it is a few frames at most.
        seen += chunk.toString("latin1");
        const at = now();
        if (firstEventAt === undefined && seen.includes(EVENT_FIELD)) firstEventAt = at;
        if (seen.includes("event: token")) firstTokenAt = at;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), firstEventAt, firstTokenAt }));
      res.on("error", reject);
    });
    req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms: ${options.method} ${url}`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Opens a resumable reply (`POST /api/v1/messages`, `resumable: true`) and reads it to its end. */
export async function readResumableReply(baseUrl: string, message: string, expectedTokens: number, timeoutMs: number): Promise<FirstRead> {
  const startedAt = now();
  const body = JSON.stringify({ message, resumable: true } satisfies SendMessageRequest);
  try {
    const res = await exchange(`${baseUrl}/api/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body,
      timeoutMs,
    });
    const endedAt = now();
    if (res.status !== 200)
      return { ok: false, startedAt, endedAt, frames: [], tokens: 0, error: `HTTP ${res.status}: ${res.body.toString("utf8").slice(0, 200)}` };
    const frames = splitFrames(res.body);
    const tokens = frames.filter((frame) => frame.subarray(0, TOKEN_FRAME.length).equals(TOKEN_FRAME)).length;
    const messageId = typeof res.headers["x-message-id"] === "string" ? res.headers["x-message-id"] : undefined;
    const read = {
      messageId,
      startedAt,
      endedAt,
      frames,
      tokens,
      timeToFirstTokenMs: res.firstTokenAt === undefined ? undefined : res.firstTokenAt - startedAt,
    };
    const problem = checkEnd(frames, tokens, expectedTokens) ?? (messageId ? undefined : "no X-Message-Id header");
    return problem ? { ok: false, ...read, error: problem } : { ok: true, ...read };
  } catch (error) {
    return { ok: false, startedAt, endedAt: now(), frames: [], tokens: 0, error: describe(error) };
  }
}

/** Why a reply did not end as a whole one (every token, then `complete` with finishReason `stop`), if it did not. */
function checkEnd(frames: Buffer[], tokens: number, expectedTokens: number): string | undefined {
  const last = frames.at(-1);
  if (!last?.subarray(0, COMPLETE_FRAME.length).equals(COMPLETE_FRAME)) return `ended with ${last?.toString("utf8").slice(0, 120) ?? "nothing"}`;
  if (tokens !== expectedTokens) return `${tokens} tokens of ${expectedTokens}`;
  const data = last.toString("utf8").split("\ndata: ")[1] ?? "";
  const { finishReason } = JSON.parse(data) as CompleteEvent;
  return finishReason === "stop" ? undefined : `finishReason ${finishReason}`;
}

export interface Replay {
  status: number;
  frames: Buffer[];
  /** From sending the request to the first replayed event. */
  latencyMs?: number;
  error?: string;
}

/** `GET /api/v1/messages/{id}/events`, with `Last-Event-ID: afterId` unless it is 0. */
export async function replayReply(baseUrl: string, messageId: string, afterId: number, timeoutMs: number): Promise<Replay> {
  const startedAt = now();
  try {
    const res = await exchange(`${baseUrl}/api/v1/messages/${encodeURIComponent(messageId)}/events`, {
      method: "GET",
      headers: { accept: "text/event-stream", ...(afterId > 0 ? { "last-event-id": String(afterId) } : {}) },
      timeoutMs,
    });
    if (res.status !== 200) return { status: res.status, frames: [], error: `HTTP ${res.status}: ${res.body.toString("utf8").slice(0, 200)}` };
    return { status: res.status, frames: splitFrames(res.body), latencyMs: res.firstEventAt === undefined ? undefined : res.firstEventAt - startedAt };
  } catch (error) {
    return { status: 0, frames: [], error: describe(error) };
  }
}

/** Where two frame lists first differ, or `undefined` when their bytes are the same. */
export function findMismatch(expected: Buffer[], actual: Buffer[]): string | undefined {
  if (Buffer.concat(expected).equals(Buffer.concat(actual))) return undefined;
  const at = expected.findIndex((frame, index) => !actual[index]?.equals(frame));
  if (at === -1) return `${actual.length - expected.length} frames too many`;
  const shown = (frame: Buffer | undefined) => JSON.stringify(frame?.toString("utf8").slice(0, 80) ?? "(none)");
  return `frame ${at + 1} of ${expected.length} differs: expected ${shown(expected[at])}, got ${shown(actual[at])} (${actual.length} frames)`;
}
