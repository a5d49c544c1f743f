import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  ChatSdkError,
  createChatClient,
  parseEventStream,
  type ChatClient,
  type ChatSdkErrorType,
  type CompleteEvent,
  type ErrorCode,
  type ErrorEvent,
  type Health,
  type MessageResponse,
  type SendMessageRequest,
  type StreamEvent,
  type TokenEvent,
} from "../../sdk/index.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../fixtures/fake-openai-upstream.js";
import { startTestApp, upstreamEnv, type TestApp } from "../helpers/start-test-app.js";

/** A raw SSE frame, written by hand so tests control every byte the SDK sees. */
function frame(event: string | undefined, id: number, data: string): string {
  return `${event === undefined ? "" : `event: ${event}\n`}id: ${id}\ndata: ${data}\n\n`;
}

function tokenFrame(id: number, content: string): string {
  return frame("token", id, JSON.stringify({ content }));
}

function completeFrame(id: number, content: string): string {
  const payload: CompleteEvent = { messageId: "msg_raw", content, finishReason: "stop", model: { provider: "demo", name: "demo-echo", demo: true } };
  return frame("complete", id, JSON.stringify(payload));
}

/** Cuts right after the lead byte of every multi-byte character, so each piece but the last ends mid-character. */
function cutInsideCharacters(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  bytes.forEach((byte, index) => {
    if (byte >= 0xc0) {
      pieces.push(bytes.subarray(start, index + 1));
      start = index + 1;
    }
  });
  return [...pieces, bytes.subarray(start)];
}

const SPLIT_TOKENS = ["Grüße ", "🚀 日本語", " é"];

/** Routes of the raw server: each misbehaves (or behaves) in one precise way the real app never would. */
const RAW_ROUTES: Record<string, (res: ServerResponse) => Promise<void>> = {
  async "/drop/api/v1/messages"(res) {
    res.write(tokenFrame(1, "Hello"));
    await sleep(10);
    res.write(tokenFrame(2, " world"));
    await sleep(30);
    res.socket?.destroy();
  },
  async "/end/api/v1/messages"(res) {
    res.write(tokenFrame(1, "cut"));
    res.end(tokenFrame(2, " short"));
  },
  async "/split"(res) {
    const transcript = SPLIT_TOKENS.map((content, index) => tokenFrame(index + 1, content)).join("") + completeFrame(4, SPLIT_TOKENS.join(""));
    for (const piece of cutInsideCharacters(Buffer.from(transcript, "utf8"))) {
      res.write(piece);
      await sleep(10);
    }
    res.end();
  },
  async "/unknown"(res) {
    res.end(
      [
        tokenFrame(1, "kept"),
        frame("typing", 2, JSON.stringify({ who: "assistant" })),
        ": heartbeat\n\n",
        frame(undefined, 3, "an unnamed message event"),
        tokenFrame(4, " too"),
        completeFrame(5, "kept too"),
      ].join(""),
    );
  },
  async "/invalid"(res) {
    res.end(tokenFrame(1, "fine so far") + frame("token", 2, "{not json") + completeFrame(3, "never reached"));
  },
  async "/not-object"(res) {
    res.end(tokenFrame(1, "fine") + frame("token", 2, "42"));
  },
  async "/html/api/v1/messages"(res) {
    res.end("<!doctype html><p>an app shell, not a stream</p>");
  },
  async "/token-without-content"(res) {
    res.end(tokenFrame(1, "ok") + frame("token", 2, JSON.stringify({ text: "wrong field" })) + completeFrame(3, "ok"));
  },
};

async function handleRaw(req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const route = RAW_ROUTES[req.url ?? ""];
  if (!route) return void res.writeHead(404).end();
  const contentType = req.url?.startsWith("/html/") ? "text/html" : "text/event-stream; charset=utf-8";
  res.writeHead(200, { "content-type": contentType, "x-request-id": "raw-request" });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  await route(res);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

// A user presses Stop long after the request started, so a garbage collection has run by then; force one to make that deterministic.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const received: StreamEvent[] = [];
  for await (const event of events) received.push(event);
  return received;
}

/** Collects until the stream throws, and returns both what arrived and what was thrown. */
async function collectUntilThrow(events: AsyncIterable<StreamEvent>): Promise<{ received: StreamEvent[]; error: unknown }> {
  const received: StreamEvent[] = [];
  try {
    for await (const event of events) received.push(event);
  } catch (error) {
    return { received, error };
  }
  throw new Error(`The stream ended without throwing, after ${received.length} events`);
}

function tokenContents(events: StreamEvent[]): string[] {
  return events.flatMap((event) => (event.type === "token" ? [event.data.content] : []));
}

/** GETs a raw route with global fetch and parses its body, so the SDK parser reads a real network stream. */
async function parseRaw(path: string, chunks: Uint8Array[] = []): Promise<AsyncGenerator<StreamEvent, void, undefined>> {
  const response = await fetch(`${rawUrl}${path}`);
  const recorded = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        chunks.push(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  return parseEventStream(recorded, { requestId: response.headers.get("x-request-id") ?? undefined });
}

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let client: ChatClient;
let rawServer: Server;
let rawUrl: string;
let deadUrl: string;

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream();
  app = await startTestApp(upstreamEnv(upstream.baseUrl));
  client = createChatClient({ baseUrl: app.baseUrl });
  rawServer = createServer((req, res) => void handleRaw(req, res).catch(() => res.destroy()));
  rawUrl = await listen(rawServer);
  // A port that was just released: nothing listens there, so connecting is refused.
  const released = createServer();
  deadUrl = await listen(released);
  await closeServer(released);
});
afterAll(async () => {
  await app.close();
  await upstream.close();
  await closeServer(rawServer);
});
beforeEach(() => upstream.setDefault({}));

describe("createChatClient against the real app", () => {
  it("streams typed token events, then one complete event whose content is the tokens joined", async () => {
    upstream.enqueue({ tokens: ["The", " quick", " brown", " fox"], delayMs: 10 });
    const events = await collect(client.streamMessage({ message: "hi" }));

    expect(events.map((event) => event.type)).toEqual(["token", "token", "token", "token", "complete"]);
    expect(tokenContents(events)).toEqual(["The", " quick", " brown", " fox"]);
    const complete = events.at(-1)!;
    expect(complete.type === "complete" && complete.data).toMatchObject({
      content: "The quick brown fox",
      finishReason: "stop",
      usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
      model: { provider: "openai-compatible", name: "fake-model", demo: false },
    });
  });

  it("gives each event an id that increases within the stream", async () => {
    const events = await collect(client.streamMessage({ message: "hi" }));
    const ids = events.map((event) => Number(event.id));
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.every((id, index) => Number.isInteger(id) && (index === 0 || id > ids[index - 1]!)), `ids: ${ids.join(", ")}`).toBe(true);
  });

  it("resolves sendMessage with the whole reply as the contract's MessageResponse", async () => {
    upstream.enqueue({ tokens: ["Whole", " reply"] });
    const reply = await client.sendMessage({ message: "hi", conversationId: "conv_sdk" });
    expect(reply).toEqual({
      message: { id: expect.stringMatching(/^msg_/), role: "assistant", content: "Whole reply", createdAt: expect.any(String) },
      finishReason: "stop",
      usage: { inputTokens: 9, outputTokens: 2, totalTokens: 11 },
      model: { provider: "openai-compatible", name: "fake-model", demo: false },
    });
    expect(new Date(reply.message.createdAt).toISOString()).toBe(reply.message.createdAt);
  });

  it("reads the health of the server and the model it uses", async () => {
    await expect(client.getHealth()).resolves.toEqual({ status: "ok", model: { provider: "openai-compatible", name: "fake-model", demo: false } });
  });

  it("throws an http_error carrying the status, the spec's error body and the request id when the request is invalid", async () => {
    const error = await client.sendMessage({ message: "" }, { requestId: "empty-message-1" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({
      name: "ChatSdkError",
      type: "http_error",
      status: 400,
      requestId: "empty-message-1",
      body: { error: { code: "invalid_request", message: expect.any(String), details: [{ path: "/message", message: expect.any(String) }] } },
      message: expect.stringContaining("Request failed with status 400: POST /api/v1/messages (invalid_request:"),
    });
  });

  it("throws the http_error from the first iteration of a stream that the server refuses", async () => {
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "" }));
    expect(received).toEqual([]);
    expect(error).toMatchObject({ type: "http_error", status: 400, body: { error: { code: "invalid_request" } }, requestId: expect.any(String) });
  });

  it("throws an http_error with the upstream's mapped code when JSON mode fails upstream", async () => {
    upstream.enqueue({ fault: { kind: "status", status: 401 } });
    await expect(client.sendMessage({ message: "hi" })).rejects.toMatchObject({ type: "http_error", status: 502, body: { error: { code: "upstream_auth" } } });
  });

  it("yields an error event with the tokens received as partialContent, rather than throwing, when the upstream fails mid-stream", async () => {
    upstream.enqueue({ tokens: ["one", " two", " three", " four"], fault: { kind: "reset", afterTokens: 2 } });
    const events = await collect(client.streamMessage({ message: "hi" }));
    expect(events.map((event) => event.type)).toEqual(["token", "token", "error"]);
    const last = events.at(-1)!;
    expect(last.type === "error" && last.data).toEqual({ code: "upstream_unavailable", message: expect.any(String), retryable: true, partialContent: "one two" });
    expect(last.type === "error" && last.data.partialContent).toBe(tokenContents(events).join(""));
  });

  it("rejects with an AbortError and closes the upstream request within 100 ms when the signal aborts mid-stream, even after a garbage collection", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 50 }, (_, index) => `t${index} `), delayMs: 20 });
    const before = upstream.requests.length;
    const controller = new AbortController();
    let tokens = 0;
    let abortedAt = 0;
    const reading = (async () => {
      for await (const event of client.streamMessage({ message: "hi" }, { signal: controller.signal })) {
        if (event.type === "token" && ++tokens === 3) {
          collectGarbage();
          abortedAt = performance.now();
          controller.abort();
        }
      }
    })();

    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(tokens, "no event is yielded after the abort").toBe(3);
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 1000);
    expect(request.closedAt! - abortedAt).toBeLessThan(100);
    expect(request.finished).toBe(false);
    expect(request.tokensSent).toBeLessThan(50);
  });

  it("closes the upstream request when the caller breaks out of the loop early", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 50 }, (_, index) => `t${index} `), delayMs: 20 });
    const before = upstream.requests.length;
    let tokens = 0;
    for await (const event of client.streamMessage({ message: "hi" })) {
      if (event.type === "token" && ++tokens === 3) break;
    }
    const leftAt = performance.now();
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 1000);
    expect(request.closedAt! - leftAt).toBeLessThan(100);
    expect(request.finished).toBe(false);
    await expect.poll(() => app.logs.some((line) => line.msg === "stream aborted by client")).toBe(true);
  });

  it("throws stream_interrupted with the text that arrived when the server drops the connection without a terminal event", async () => {
    const raw = createChatClient({ baseUrl: `${rawUrl}/drop` });
    const { received, error } = await collectUntilThrow(raw.streamMessage({ message: "hi" }));
    expect(tokenContents(received)).toEqual(["Hello", " world"]);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "Hello world", requestId: "raw-request" });
  });

  it("throws stream_interrupted when the server ends the response cleanly but without a terminal event", async () => {
    const raw = createChatClient({ baseUrl: `${rawUrl}/end` });
    const { received, error } = await collectUntilThrow(raw.streamMessage({ message: "hi" }));
    expect(received).toHaveLength(2);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "cut short" });
  });

  it("throws an http_error naming the content type when a stream request gets a 200 that is not SSE", async () => {
    const misrouted = createChatClient({ baseUrl: `${rawUrl}/html` });
    const { received, error } = await collectUntilThrow(misrouted.streamMessage({ message: "hi" }));
    expect(received).toEqual([]);
    expect(error).toMatchObject({ type: "http_error", status: 200, message: expect.stringContaining("text/html") });
  });

  it("throws network_error from every method when nothing listens at the base URL", async () => {
    const offline = createChatClient({ baseUrl: deadUrl });
    await expect(offline.getHealth()).rejects.toMatchObject({ name: "ChatSdkError", type: "network_error", cause: expect.any(Error) });
    await expect(offline.sendMessage({ message: "hi" })).rejects.toMatchObject({ type: "network_error" });
    const { error } = await collectUntilThrow(offline.streamMessage({ message: "hi" }));
    expect(error).toMatchObject({ type: "network_error", message: expect.stringContaining("The request did not complete") });
  });

  it("makes every request through the fetch option when one is given", async () => {
    const calls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      calls.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get("accept")}`);
      return fetch(request);
    };
    const counted = createChatClient({ baseUrl: app.baseUrl, fetch: countingFetch });

    await counted.getHealth();
    await counted.sendMessage({ message: "hi" });
    await collect(counted.streamMessage({ message: "hi" }));
    expect(calls).toEqual(["GET /api/v1/health application/json", "POST /api/v1/messages application/json", "POST /api/v1/messages text/event-stream, application/json;q=0.9"]);
  });

  it("sends the requestId option as X-Request-Id and receives the same id back", async () => {
    const seen: { sent: string | null; received: string | null }[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      seen.push({ sent: request.headers.get("x-request-id"), received: response.headers.get("x-request-id") });
      return response;
    };
    const recording = createChatClient({ baseUrl: app.baseUrl, fetch: recordingFetch, headers: { "x-client": "sdk-test" } });

    await recording.getHealth({ requestId: "health-7" });
    await collect(recording.streamMessage({ message: "hi" }, { requestId: "stream-7" }));
    expect(seen).toEqual([
      { sent: "health-7", received: "health-7" },
      { sent: "stream-7", received: "stream-7" },
    ]);
    await expect.poll(() => app.logs.some((line) => line.requestId === "stream-7" && line.msg === "stream complete")).toBe(true);
  });
});

describe("parseEventStream reading a real HTTP response body", () => {
  it("keeps multi-byte characters intact when they are split across chunks", async () => {
    const chunks: Uint8Array[] = [];
    const events = await collect(await parseRaw("/split", chunks));

    const strict = new TextDecoder("utf-8", { fatal: true });
    const splitChunks = chunks.filter((chunk) => {
      try {
        strict.decode(chunk);
        return false;
      } catch {
        return true;
      }
    });
    expect(splitChunks.length, "the body really arrived with characters cut between chunks").toBeGreaterThan(0);
    expect(tokenContents(events)).toEqual(SPLIT_TOKENS);
    expect(events.at(-1)).toMatchObject({ type: "complete", id: "4", data: { content: "Grüße 🚀 日本語 é" } });
  });

  it("ignores event names the contract does not document, comments and unnamed events", async () => {
    const events = await collect(await parseRaw("/unknown"));
    expect(events.map((event) => [event.type, event.id])).toEqual([
      ["token", "1"],
      ["token", "4"],
      ["complete", "5"],
    ]);
  });

  it("throws invalid_event, with the text before it, when an event's data is not JSON", async () => {
    const { received, error } = await collectUntilThrow(await parseRaw("/invalid"));
    expect(tokenContents(received)).toEqual(["fine so far"]);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ type: "invalid_event", partialContent: "fine so far", requestId: "raw-request", message: expect.stringContaining("{not json") });
  });

  it("throws invalid_event when an event's data is JSON but not an object", async () => {
    const { error } = await collectUntilThrow(await parseRaw("/not-object"));
    expect(error).toMatchObject({ type: "invalid_event", partialContent: "fine", message: expect.stringContaining("not a JSON object") });
  });

  it("throws invalid_event when a token event has no string content, instead of corrupting partialContent", async () => {
    const { received, error } = await collectUntilThrow(await parseRaw("/token-without-content"));
    expect(tokenContents(received)).toEqual(["ok"]);
    expect(error).toMatchObject({ type: "invalid_event", partialContent: "ok" });
  });
});

describe("SDK types", () => {
  it("narrows each event's data by its type", async () => {
    upstream.enqueue({ tokens: ["typed"] });
    const seen: string[] = [];
    for await (const event of client.streamMessage({ message: "hi" })) {
      expectTypeOf(event.id).toEqualTypeOf<string>();
      if (event.type === "token") {
        expectTypeOf(event.data).toEqualTypeOf<TokenEvent>();
        expectTypeOf(event.data.content).toEqualTypeOf<string>();
        seen.push(event.data.content);
      } else if (event.type === "complete") {
        expectTypeOf(event.data).toEqualTypeOf<CompleteEvent>();
        expectTypeOf(event.data.usage).toEqualTypeOf<CompleteEvent["usage"]>();
        seen.push(`complete:${event.data.content}`);
      } else {
        expectTypeOf(event.type).toEqualTypeOf<"error">();
        expectTypeOf(event.data).toEqualTypeOf<ErrorEvent>();
        expectTypeOf(event.data.code).toEqualTypeOf<ErrorCode>();
        seen.push(`error:${event.data.code}`);
      }
      // @ts-expect-error "typing" is not an event the contract documents, so this comparison can never be true
      if (event.type === "typing") seen.push("impossible");
    }
    expect(seen).toEqual(["typed", "complete:typed"]);
  });

  it("types each method's result with the contract's schemas", () => {
    expectTypeOf(client.sendMessage).parameter(0).toEqualTypeOf<SendMessageRequest>();
    expectTypeOf(client.sendMessage).returns.resolves.toEqualTypeOf<MessageResponse>();
    expectTypeOf(client.getHealth).returns.resolves.toEqualTypeOf<Health>();
    expectTypeOf(client.streamMessage).returns.toEqualTypeOf<AsyncIterable<StreamEvent>>();
    expectTypeOf<ChatSdkError["type"]>().toEqualTypeOf<ChatSdkErrorType>();
    expectTypeOf<ChatSdkErrorType>().toEqualTypeOf<"http_error" | "stream_interrupted" | "invalid_event" | "network_error">();
    expect(typeof client.sendMessage).toBe("function");
  });

  it("rejects at compile time, and the server rejects at run time, a request field the contract does not have", async () => {
    // @ts-expect-error SendMessageRequest has no `temperature`
    const extraField: SendMessageRequest = { message: "hi", temperature: 0.2 };
    // @ts-expect-error a history turn's role is user, assistant or system
    const wrongRole: SendMessageRequest = { message: "hi", history: [{ role: "robot", content: "beep" }] };

    await expect(client.sendMessage(extraField)).rejects.toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    await expect(client.sendMessage(wrongRole)).rejects.toMatchObject({
      status: 400,
      body: { error: { details: expect.arrayContaining([expect.objectContaining({ path: "/history/0/role" })]) } },
    });
  });
});
