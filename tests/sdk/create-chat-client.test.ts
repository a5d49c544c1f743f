/**
 * createChatClient with an injected fetch: what it sends, how it reads each kind of answer, and how it fails. Nothing
 * is mocked but fetch, which answers with real Responses; the server's side is proven by tests/integration.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatSdkError, createChatClient, type ErrorResponse, type Health, type MessageResponse } from "../../sdk/index.js";
import { completeFrame, frame, tokenFrame } from "../../fixtures/raw-sse-server.js";
import { collect, collectUntilThrow, tokenContents } from "../helpers/collect-events.js";
import { createFakeFetch, createScriptedBody, jsonResponse, sseResponse } from "../helpers/fake-fetch.js";

const BASE_URL = "https://chat.example/base";

const REPLY: MessageResponse = {
  message: { id: "msg_1", role: "assistant", content: "Hello!", createdAt: "2025-01-02T03:04:05.000Z" },
  finishReason: "stop",
  usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
  model: { provider: "openai-compatible", name: "fake-model", demo: false },
};
const HEALTH: Health = { status: "ok", model: { provider: "demo", name: "demo-echo", demo: true }, auth: "none" };
const OVERLOADED: ErrorResponse = { error: { code: "overloaded", message: "Too many replies are running; try again shortly." } };

/** A client whose every request is answered by `respond`, and the requests it made. */
function clientAnswering(respond: (request: Request) => Response | Promise<Response>, headers?: Record<string, string>) {
  const fake = createFakeFetch(respond);
  return { client: createChatClient({ baseUrl: BASE_URL, fetch: fake.fetch, headers }), requests: fake.requests };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("createChatClient requests", () => {
  it("posts the message as JSON to /api/v1/messages under the base URL, asking for JSON in sendMessage", async () => {
    const { client, requests } = clientAnswering(() => jsonResponse(200, REPLY));
    await client.sendMessage({ message: "hi", history: [{ role: "system", content: "be brief" }] });

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect([request!.method, request!.url]).toEqual(["POST", `${BASE_URL}/api/v1/messages`]);
    expect(request!.headers.get("accept")).toBe("application/json");
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(await request!.json()).toEqual({ message: "hi", history: [{ role: "system", content: "be brief" }] });
  });

  it("asks for SSE first and JSON second in streamMessage, since refusals before the stream are JSON", async () => {
    const { client, requests } = clientAnswering(() => sseResponse(createScriptedBody([completeFrame(1, "")])));
    await collect(client.streamMessage({ message: "hi" }));
    expect(requests[0]!.headers.get("accept")).toBe("text/event-stream, application/json;q=0.9");
  });

  it("sends the client's headers with every request, and a call's requestId as X-Request-Id", async () => {
    const { client, requests } = clientAnswering((request) => (request.method === "GET" ? jsonResponse(200, HEALTH) : jsonResponse(200, REPLY)), {
      authorization: "Bearer t0ken",
    });
    await client.getHealth({ requestId: "health-1" });
    await client.sendMessage({ message: "hi" });

    expect(
      requests.map((request) => [request.method, new URL(request.url).pathname, request.headers.get("authorization"), request.headers.get("x-request-id")]),
    ).toEqual([
      ["GET", "/base/api/v1/health", "Bearer t0ken", "health-1"],
      ["POST", "/base/api/v1/messages", "Bearer t0ken", null],
    ]);
  });

  it("sends apiKey as a bearer token with every call but getHealth, asking a function for it at each request", async () => {
    let key: string | undefined = "k-1";
    const fake = createFakeFetch((request) =>
      request.url.endsWith("/health")
        ? jsonResponse(200, HEALTH)
        : request.url.endsWith("/stop")
          ? jsonResponse(200, { messageId: "m", outcome: "stopping" })
          : jsonResponse(200, REPLY),
    );
    const client = createChatClient({ baseUrl: BASE_URL, fetch: fake.fetch, apiKey: () => key });
    await client.getHealth();
    await client.sendMessage({ message: "hi" });
    key = "k-2";
    await client.stopMessage("m");
    key = undefined;
    await client.sendMessage({ message: "hi" });

    expect(fake.requests.map((request) => [new URL(request.url).pathname, request.headers.get("authorization")])).toEqual([
      ["/base/api/v1/health", null],
      ["/base/api/v1/messages", "Bearer k-1"],
      ["/base/api/v1/messages/m/stop", "Bearer k-2"],
      ["/base/api/v1/messages", null],
    ]);
  });

  it("makes no request for a stream until iteration starts", async () => {
    const { client, requests } = clientAnswering(() => sseResponse(createScriptedBody([completeFrame(1, "")])));
    const events = client.streamMessage({ message: "hi" });
    expect(requests).toHaveLength(0);
    await collect(events);
    expect(requests).toHaveLength(1);
  });

  it("uses the global fetch of the moment of each call when no fetch is given, so one patched later is honoured", async () => {
    const client = createChatClient({ baseUrl: BASE_URL });
    const fake = createFakeFetch(() => jsonResponse(200, HEALTH));
    vi.stubGlobal("fetch", fake.fetch);
    await expect(client.getHealth()).resolves.toEqual(HEALTH);
    expect(fake.requests.map((request) => request.url)).toEqual([`${BASE_URL}/api/v1/health`]);
  });
});

describe("createChatClient answers", () => {
  it("resolves sendMessage with the MessageResponse and getHealth with the Health, as sent", async () => {
    const { client } = clientAnswering((request) => (request.method === "GET" ? jsonResponse(200, HEALTH) : jsonResponse(200, REPLY)));
    await expect(client.sendMessage({ message: "hi" })).resolves.toEqual(REPLY);
    await expect(client.getHealth()).resolves.toEqual(HEALTH);
  });

  it("streams the typed events of a text/event-stream answer, whatever the case of its content type", async () => {
    const body = createScriptedBody([tokenFrame(1, "Hel"), tokenFrame(2, "lo!"), completeFrame(3, "Hello!")]);
    const { client } = clientAnswering(() => sseResponse(body, { "content-type": "Text/Event-Stream; Charset=UTF-8" }));
    const events = await collect(client.streamMessage({ message: "hi" }));
    expect(events.map((event) => [event.type, event.id])).toEqual([
      ["token", "1"],
      ["token", "2"],
      ["complete", "3"],
    ]);
    expect(tokenContents(events)).toEqual(["Hel", "lo!"]);
    expect(body.cancelled, "the body is released once the reply is complete").toBe(true);
  });

  it("puts the answer's X-Request-Id on a stream error", async () => {
    const { client } = clientAnswering(() => sseResponse(createScriptedBody([tokenFrame(1, "cut")]), { "x-request-id": "req-from-server" }));
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "hi" }));
    expect(tokenContents(received)).toEqual(["cut"]);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "cut", requestId: "req-from-server" });
  });

  it("yields an error event as the stream's last event instead of throwing", async () => {
    const failed = { code: "upstream_unavailable", message: "The model stopped answering.", retryable: true, partialContent: "Hel" };
    const { client } = clientAnswering(() => sseResponse(createScriptedBody([tokenFrame(1, "Hel") + frame("error", 2, JSON.stringify(failed))])));
    const events = await collect(client.streamMessage({ message: "hi" }));
    expect(events.at(-1)).toEqual({ type: "error", id: "2", data: failed });
  });
});

describe("createChatClient failures", () => {
  it("throws http_error with the status, the contract's error body, the request id and Retry-After when a call is refused", async () => {
    const { client } = clientAnswering(() => jsonResponse(503, OVERLOADED, { "retry-after": "7", "x-request-id": "req-503" }));
    const error = await client.sendMessage({ message: "hi" }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ name: "ChatSdkError", type: "http_error", status: 503, body: OVERLOADED, requestId: "req-503", retryAfterSeconds: 7 });
    // A Response built by an injected fetch has no url: the message names the path the SDK called, under the base URL.
    expect((error as Error).message).toBe(
      "Request failed with status 503: POST /base/api/v1/messages (overloaded: Too many replies are running; try again shortly.)",
    );
  });

  it.each([
    ["an empty", "", undefined],
    ["a garbled", "soon", undefined],
    ["a negative", "-5", undefined],
    ["an HTTP-date", new Date(Date.now() + 30_000).toUTCString(), 30],
  ])("reads %s Retry-After as when to retry, never as 'now' by mistake", async (_kind, header, expected) => {
    const { client } = clientAnswering(() => jsonResponse(503, OVERLOADED, { "retry-after": header }));
    const error = (await client.sendMessage({ message: "hi" }).catch((caught: unknown) => caught)) as ChatSdkError;
    if (expected === undefined) expect(error.retryAfterSeconds).toBeUndefined();
    else expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(expected - 2);
    if (expected !== undefined) expect(error.retryAfterSeconds).toBeLessThanOrEqual(expected);
  });

  it("throws the same http_error from the first iteration of a refused stream, having yielded nothing", async () => {
    const { client } = clientAnswering(() => jsonResponse(503, OVERLOADED, { "retry-after": "1" }));
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "hi" }));
    expect(received).toEqual([]);
    expect(error).toMatchObject({ type: "http_error", status: 503, body: OVERLOADED, retryAfterSeconds: 1 });
  });

  it("leaves retryAfterSeconds out when the answer has no Retry-After", async () => {
    const { client } = clientAnswering(() => jsonResponse(400, { error: { code: "invalid_request", message: "message: must not be empty" } }));
    const error = await client.sendMessage({ message: "" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: "http_error", status: 400, retryAfterSeconds: undefined });
  });

  it("quotes the start of an error body that is not the contract's JSON, and sets no body", async () => {
    const page = `<html><body>502 Bad Gateway${" ".repeat(300)}</body></html>`;
    const { client } = clientAnswering(() => new Response(page, { status: 502, headers: { "content-type": "text/html" } }));
    const error = await client.getHealth().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: "http_error", status: 502, body: undefined });
    expect((error as Error).message).toContain(`(${page.slice(0, 200)})`);
    expect((error as Error).message).not.toContain("</html>");
  });

  it("throws http_error naming the content type when a stream is answered 200 with something else, and cancels that body", async () => {
    const body = createScriptedBody(["<!doctype html><p>an app shell</p>"], "hang");
    const { client } = clientAnswering(() => new Response(body.stream, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } }));
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "hi" }));
    expect(received).toEqual([]);
    expect(error).toMatchObject({ type: "http_error", status: 200, message: expect.stringContaining("got text/html; charset=utf-8") });
    expect(body.cancelled).toBe(true);
  });

  it("throws network_error carrying the cause from every method when fetch rejects", async () => {
    const cause = new TypeError("fetch failed");
    const { client } = clientAnswering(() => Promise.reject(cause));
    const errors = [
      await client.getHealth().catch((caught: unknown) => caught),
      await client.sendMessage({ message: "hi" }).catch((caught: unknown) => caught),
      (await collectUntilThrow(client.streamMessage({ message: "hi" }))).error,
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(ChatSdkError);
      expect(error).toMatchObject({ type: "network_error", cause, message: "The request did not complete: fetch failed" });
    }
  });

  it("rethrows the caller's abort as is, not as network_error, when the signal was aborted before the call", async () => {
    const { client, requests } = clientAnswering(() => jsonResponse(200, REPLY));
    const controller = new AbortController();
    controller.abort();
    const error = await client.sendMessage({ message: "hi" }, { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(requests[0]!.signal.aborted).toBe(true);
  });

  it("rethrows the abort and cancels the body when the signal aborts mid-stream, yielding nothing after it", async () => {
    const body = createScriptedBody([tokenFrame(1, "one"), tokenFrame(2, " two")], "hang");
    const { client } = clientAnswering(() => sseResponse(body));
    const controller = new AbortController();
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of client.streamMessage({ message: "hi" }, { signal: controller.signal })) {
        if (event.type === "token") received.push(event.data.content);
        if (received.length === 2) setTimeout(() => controller.abort(), 10);
      }
    })();

    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(received).toEqual(["one", " two"]);
    expect(body.cancelled, "the body is cancelled, which closes the connection").toBe(true);
  });
});
