/** The SDK's client against the real app over real HTTP, and against a raw server for what the app never does. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatSdkError, createChatClient, type ChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { findDeadUrl, startRawSseServer, type RawSseServer } from "../../fixtures/raw-sse-server.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { collect, collectUntilThrow, tokenContents } from "../helpers/collect-events.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

// A user presses Stop long after the request started, so a garbage collection has run by then; force one to make that deterministic.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let client: ChatClient;
let raw: RawSseServer;
let rawUrl: string;
let deadUrl: string;

useAppOnFakeUpstream({}, (started) => ({ upstream, app, client } = started));
beforeAll(async () => {
  raw = await startRawSseServer();
  rawUrl = raw.url;
  deadUrl = await findDeadUrl();
});
afterAll(() => raw?.close());

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
    expect(
      ids.every((id, index) => Number.isInteger(id) && (index === 0 || id > ids[index - 1]!)),
      `ids: ${ids.join(", ")}`,
    ).toBe(true);
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
    await expect(client.getHealth()).resolves.toEqual({
      status: "ok",
      model: { provider: "openai-compatible", name: "fake-model", demo: false },
      auth: "none",
    });
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
    expect(last.type === "error" && last.data).toEqual({
      code: "upstream_unavailable",
      message: expect.any(String),
      retryable: true,
      partialContent: "one two",
    });
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
    expect(calls).toEqual([
      "GET /api/v1/health application/json",
      "POST /api/v1/messages application/json",
      "POST /api/v1/messages text/event-stream, application/json;q=0.9",
    ]);
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
