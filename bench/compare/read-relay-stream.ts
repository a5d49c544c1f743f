/**
 * One request to a relay, read to its end by `load-client.ts`: when each token arrived, and whether the reply was
 * whole. Two wire formats: ours (`event: token` with `{"content"}`, then `event: complete`), which the server and the
 * raw relay write, and the AI SDK's UI message stream (`data: {"type":"text-delta","delta"}`, then `finish`).
 */
import { request } from "node:http";
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type RelayWireFormat = "contract" | "ui-message";

export interface RelayStreamResult {
  /** The message sent: how the upstream's record of the same request is found. */
  message: string;
  /** Every token arrived, in order and unaltered, and the reply ended with its terminal event. */
  ok: boolean;
  error?: string;
  tokens: number;
  /** Epoch ms when the request was sent. */
  startedAt: number;
  /** Epoch ms of each token's arrival (only the first when the caller does not keep them all). */
  arrivals: number[];
}

const now = () => performance.timeOrigin + performance.now();

/** What one SSE event means, whatever the format: a token's text, the end, a failure, or nothing to count. */
type Reading = { token: string } | { end: true } | { failure: string } | undefined;

const READERS: Record<RelayWireFormat, (event: EventSourceMessage) => Reading> = {
  contract(event) {
    if (event.event === "token") return { token: (JSON.parse(event.data) as { content: string }).content };
    if (event.event === "complete") return { end: true };
    if (event.event === "error") return { failure: event.data };
    return undefined;
  },
  "ui-message"(event) {
    if (event.data === "[DONE]") return undefined;
    const chunk = JSON.parse(event.data) as { type: string; delta?: string; errorText?: string };
    if (chunk.type === "text-delta") return { token: chunk.delta ?? "" };
    if (chunk.type === "finish") return { end: true };
    if (chunk.type === "error") return { failure: chunk.errorText ?? "error chunk" };
    return undefined;
  },
};

export interface RelayRequest {
  url: string;
  format: RelayWireFormat;
  body: Record<string, unknown>;
  message: string;
  /** The upstream sends ` token0`, ` token1`, … : exactly these must arrive, one per event. */
  expectedTokens: number;
  keepArrivals: boolean;
  timeoutMs: number;
}

/** Sends one message and reads the reply; never rejects (a failure is a result with `ok: false`). */
export function readRelayStream({ url, format, body, message, expectedTokens, keepArrivals, timeoutMs }: RelayRequest): Promise<RelayStreamResult> {
  return new Promise((resolve) => {
    const result: RelayStreamResult = { message, ok: false, tokens: 0, startedAt: now(), arrivals: [] };
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      if (error !== undefined) result.error ??= error;
      else if (result.error === undefined && result.tokens !== expectedTokens) result.error = `${result.tokens} of ${expectedTokens} tokens arrived`;
      result.ok = result.error === undefined;
      resolve(result);
    };
    let ended = false;
    const read = READERS[format];
    const parser = createParser({
      onEvent(event) {
        const reading = read(event);
        if (reading === undefined) return;
        if ("failure" in reading) return void (result.error ??= `error event: ${reading.failure}`);
        if ("end" in reading) return void (ended = true);
        if (ended) result.error ??= "a token after the terminal event";
        if (reading.token !== ` token${result.tokens}`) result.error ??= `token ${result.tokens} was ${JSON.stringify(reading.token)}`;
        if (keepArrivals || result.tokens === 0) result.arrivals.push(now());
        result.tokens += 1;
      },
    });
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream" }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return finish(`HTTP ${res.statusCode}`);
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => parser.feed(chunk));
      res.on("end", () => finish(ended ? undefined : "the stream ended without its terminal event"));
      res.on("error", (error) => finish(error.message));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no end within ${timeoutMs} ms`)));
    req.on("error", (error) => finish(error.message));
    req.end(JSON.stringify({ ...body, message }));
  });
}
