/**
 * Resumable replies with an injected fetch: streamMessage's own reconnection (which request it makes, what it skips,
 * when it gives up), resumeMessage and stopMessage. Nothing is mocked but fetch, which answers with real Responses
 * whose bodies break exactly where a test says; the real server's side is in tests/integration/sdk-resumable.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatSdkError, createChatClient, type ErrorResponse, type ReconnectOptions, type StopResult } from "../../sdk/index.js";
import { completeFrame, tokenFrame } from "../../fixtures/raw-sse-server.js";
import { collect, collectUntilThrow, tokenContents } from "../helpers/collect-events.js";
import { createFakeFetch, createScriptedBody, jsonResponse, sseResponse, type BodyEnd } from "../helpers/fake-fetch.js";

const BASE_URL = "https://chat.example/base";
const MESSAGE_ID = "msg_resumable1";
const EVENTS_URL = `${BASE_URL}/api/v1/messages/${MESSAGE_ID}/events`;
const NOT_FOUND: ErrorResponse = { error: { code: "not_found", message: `No resumable reply ${MESSAGE_ID} is known here; it may have expired.` } };
/** Tiny waits, so a test that reconnects five times still takes milliseconds. */
const FAST: ReconnectOptions = { initialDelayMs: 1, maxDelayMs: 2 };

/** An SSE answer of the reply, with its id in `X-Message-Id`, that ends as `end` says once `frames` are read. */
const replyStream = (frames: string[], end: BodyEnd = "close", headers: Record<string, string> = {}) =>
  sseResponse(createScriptedBody(frames, end), { "x-message-id": MESSAGE_ID, ...headers });

const breaks = (...frames: string[]) => replyStream(frames, "break");

/**
 * A client whose POST is answered by `post` and whose GETs of the reply's events by `resumes`, one per request
 * (the last one again when they run out), and the requests it made.
 */
function clientOfReply(post: () => Response | Promise<Response>, resumes: (() => Response | Promise<Response>)[] = [], reconnect: ReconnectOptions = FAST) {
  let resumed = 0;
  const fake = createFakeFetch((request) => {
    if (request.method === "POST") return post();
    const answer = resumes[Math.min(resumed++, resumes.length - 1)];
    if (!answer) throw new Error(`Unexpected ${request.method} ${request.url}`);
    return answer();
  });
  const client = createChatClient({ baseUrl: BASE_URL, fetch: fake.fetch, reconnect });
  const resumeRequests = () => fake.requests.filter((request) => request.method === "GET");
  return { client, requests: fake.requests, resumeRequests };
}

const summarize = (events: { type: string; id: string }[]) => events.map((event) => `${event.type}:${event.id}`);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("streamMessage with resumable: true", () => {
  it("sends resumable: true in the body, the option winning over the request's own field", async () => {
    const { client, requests } = clientOfReply(() => replyStream([completeFrame(1, "")]));
    await collect(client.streamMessage({ message: "hi" }, { resumable: true }));
    await collect(client.streamMessage({ message: "hi", resumable: true }));
    await collect(client.streamMessage({ message: "hi", resumable: true }, { resumable: false }));
    await collect(client.streamMessage({ message: "hi" }));

    const bodies = await Promise.all(requests.map((request) => request.json() as Promise<unknown>));
    expect(bodies).toEqual([{ message: "hi", resumable: true }, { message: "hi", resumable: true }, { message: "hi", resumable: false }, { message: "hi" }]);
  });

  it("names its reply once the headers arrive, before the first event is handed out", async () => {
    const { client } = clientOfReply(() => replyStream([tokenFrame(1, "a"), completeFrame(2, "a")]));
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    expect(stream.messageId).toBeUndefined();
    const seen: (string | undefined)[] = [];
    for await (const event of stream) seen.push(`${event.type}:${stream.messageId}`);
    expect(seen).toEqual([`token:${MESSAGE_ID}`, `complete:${MESSAGE_ID}`]);
  });

  it("tells onOpen the reply's id and the request id once, when the headers arrive, before any event", async () => {
    const { client } = clientOfReply(() => replyStream([tokenFrame(1, "a"), completeFrame(2, "a")], "close", { "x-request-id": "req-1" }));
    const order: string[] = [];
    const stream = client.streamMessage({ message: "hi" }, { resumable: true, onOpen: (opened) => order.push(`open:${opened.messageId}:${opened.requestId}`) });
    for await (const event of stream) order.push(event.type);
    expect(order).toEqual([`open:${MESSAGE_ID}:req-1`, "token", "complete"]);
  });

  it("reconnects after the body breaks mid-stream, asking for the events after the last one it yielded", async () => {
    const { client, resumeRequests } = clientOfReply(
      () => breaks(tokenFrame(1, "Hel"), tokenFrame(2, "lo")),
      [() => replyStream([tokenFrame(3, " there"), completeFrame(4, "Hello there")])],
    );
    const events = await collect(client.streamMessage({ message: "hi" }, { resumable: true, requestId: "req-resume-1" }));

    expect(summarize(events)).toEqual(["token:1", "token:2", "token:3", "complete:4"]);
    expect(tokenContents(events).join("")).toBe("Hello there");
    const [resume] = resumeRequests();
    expect(resumeRequests()).toHaveLength(1);
    expect([resume!.method, resume!.url]).toEqual(["GET", EVENTS_URL]);
    expect(resume!.headers.get("last-event-id")).toBe("2");
    expect(resume!.headers.get("accept")).toBe("text/event-stream, application/json;q=0.9");
    expect(resume!.headers.get("x-request-id"), "a reconnection carries the call's request id").toBe("req-resume-1");
  });

  it("reconnects without Last-Event-ID, from the first event, when the body broke before any event", async () => {
    const { client, resumeRequests } = clientOfReply(() => breaks(), [() => replyStream([tokenFrame(1, "a"), completeFrame(2, "a")])]);
    const events = await collect(client.streamMessage({ message: "hi" }, { resumable: true }));
    expect(summarize(events)).toEqual(["token:1", "complete:2"]);
    expect(resumeRequests()[0]!.headers.has("last-event-id")).toBe(false);
  });

  it("reconnects when the body ends cleanly before the terminal event", async () => {
    const { client } = clientOfReply(() => replyStream([tokenFrame(1, "a")], "close"), [() => replyStream([completeFrame(2, "a")])]);
    expect(summarize(await collect(client.streamMessage({ message: "hi" }, { resumable: true })))).toEqual(["token:1", "complete:2"]);
  });

  it("skips the events a resumed answer repeats, so each reaches the loop exactly once", async () => {
    const { client } = clientOfReply(
      () => breaks(tokenFrame(1, "one"), tokenFrame(2, " two")),
      [() => replyStream([tokenFrame(1, "one"), tokenFrame(2, " two"), tokenFrame(3, " three"), completeFrame(4, "one two three")])],
    );
    const events = await collect(client.streamMessage({ message: "hi" }, { resumable: true }));
    expect(summarize(events)).toEqual(["token:1", "token:2", "token:3", "complete:4"]);
    expect(tokenContents(events)).toEqual(["one", " two", " three"]);
  });

  it("keeps reconnecting as long as each connection brings new events, however often it breaks", async () => {
    const { client, resumeRequests } = clientOfReply(
      () => breaks(tokenFrame(1, "a")),
      [() => breaks(tokenFrame(2, "b")), () => breaks(tokenFrame(3, "c")), () => replyStream([completeFrame(4, "abc")])],
      { ...FAST, maxAttempts: 1 },
    );
    const events = await collect(client.streamMessage({ message: "hi" }, { resumable: true }));
    expect(summarize(events)).toEqual(["token:1", "token:2", "token:3", "complete:4"]);
    expect(resumeRequests().map((request) => request.headers.get("last-event-id"))).toEqual(["1", "2", "3"]);
  });

  it("retries a resume that fails on the network or with a 5xx, and follows the one that answers", async () => {
    const { client, resumeRequests } = clientOfReply(
      () => breaks(tokenFrame(1, "a")),
      [
        () => Promise.reject(new TypeError("fetch failed")),
        () => jsonResponse(503, { error: { code: "server_shutdown", message: "Restarting." } }),
        () => replyStream([completeFrame(2, "a")]),
      ],
    );
    expect(summarize(await collect(client.streamMessage({ message: "hi" }, { resumable: true })))).toEqual(["token:1", "complete:2"]);
    expect(resumeRequests()).toHaveLength(3);
  });

  it("gives up after maxAttempts failed attempts in a row with stream_interrupted, carrying every token yielded and the reply's id", async () => {
    const { client, resumeRequests } = clientOfReply(
      () => breaks(tokenFrame(1, "Grüße"), tokenFrame(2, " from")),
      [() => breaks(tokenFrame(2, " from"), tokenFrame(3, " far")), () => breaks(tokenFrame(3, " far"))],
      { ...FAST, maxAttempts: 3 },
    );
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "hi" }, { resumable: true }));

    expect(summarize(received)).toEqual(["token:1", "token:2", "token:3"]);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "Grüße from far", cause: expect.any(ChatSdkError) });
    expect((error as Error).message).toContain(MESSAGE_ID);
    expect((error as Error).message).toContain("3 attempts in a row failed");
    // One attempt brought event 3 (and reset the count); the three after it brought nothing new.
    expect(resumeRequests().map((request) => request.headers.get("last-event-id"))).toEqual(["2", "3", "3", "3"]);
  });

  it("gives up at once with stream_interrupted, status 404 and the body, when the server no longer knows the reply", async () => {
    const { client, resumeRequests } = clientOfReply(() => breaks(tokenFrame(1, "lost")), [() => jsonResponse(404, NOT_FOUND, { "x-request-id": "req-404" })]);
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "hi" }, { resumable: true }));

    expect(tokenContents(received)).toEqual(["lost"]);
    expect(error).toMatchObject({ type: "stream_interrupted", status: 404, body: NOT_FOUND, partialContent: "lost", requestId: "req-404" });
    expect((error as Error).message).toContain(MESSAGE_ID);
    expect(resumeRequests()).toHaveLength(1);
  });

  it("throws stream_interrupted when a resume answers 204 though the last event it yielded was not terminal", async () => {
    const { client, resumeRequests } = clientOfReply(() => breaks(tokenFrame(1, "half")), [() => new Response(null, { status: 204 })]);
    const { error } = await collectUntilThrow(client.streamMessage({ message: "hi" }, { resumable: true }));
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "half", message: expect.stringContaining("ended without a complete or error") });
    expect(resumeRequests()).toHaveLength(1);
  });

  it("passes an invalid_event on without reconnecting, with the text of every connection", async () => {
    const { client, resumeRequests } = clientOfReply(
      () => breaks(tokenFrame(1, "a")),
      [() => replyStream([tokenFrame(2, "b"), 'event: token\nid: 3\ndata: {"content":\n\n'])],
    );
    const { error } = await collectUntilThrow(client.streamMessage({ message: "hi" }, { resumable: true }));
    expect(error).toMatchObject({ type: "invalid_event", partialContent: "ab" });
    expect(resumeRequests()).toHaveLength(1);
  });

  it("stops reconnecting when the signal aborts while it waits, rejecting with the abort and making no more requests", async () => {
    const { client, resumeRequests } = clientOfReply(() => breaks(tokenFrame(1, "a")), [() => replyStream([completeFrame(2, "a")])], {
      initialDelayMs: 60_000,
    });
    const controller = new AbortController();
    const reading = collectUntilThrow(client.streamMessage({ message: "hi" }, { resumable: true, signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);

    const { received, error } = await reading;
    expect(summarize(received)).toEqual(["token:1"]);
    expect(error).not.toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(resumeRequests()).toHaveLength(0);
  });

  it("stops reading a resumed answer when the signal aborts, and cancels its body", async () => {
    const resumed = createScriptedBody([tokenFrame(2, "b")], "hang");
    const { client } = clientOfReply(() => breaks(tokenFrame(1, "a")), [() => sseResponse(resumed, { "x-message-id": MESSAGE_ID })]);
    const controller = new AbortController();
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of client.streamMessage({ message: "hi" }, { resumable: true, signal: controller.signal })) {
        received.push(event.id);
        if (event.id === "2") setTimeout(() => controller.abort(), 10);
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(received).toEqual(["1", "2"]);
    expect(resumed.cancelled).toBe(true);
  });

  it.each([
    ["none of", 1, [250, 500, 1000, 2000, 4000, 4000]],
    ["half of", 0, [125, 250, 500, 1000, 2000, 2000]],
  ])("waits 250 ms, then twice as long after each failed attempt up to 4 s, by default, less %s it at random", async (_share, random, expected) => {
    vi.useFakeTimers();
    // Jitter takes a random part, up to half, off each wait, so clients cut off together do not all come back together.
    vi.spyOn(Math, "random").mockReturnValue(random);
    const resumedAt: number[] = [];
    const fake = createFakeFetch((request) => {
      if (request.method === "POST") return breaks(tokenFrame(1, "a"));
      resumedAt.push(Date.now());
      return Promise.reject(new TypeError("fetch failed"));
    });
    const client = createChatClient({ baseUrl: BASE_URL, fetch: fake.fetch, reconnect: { maxAttempts: 6 } });
    const startedAt = Date.now();
    const reading = collectUntilThrow(client.streamMessage({ message: "hi" }, { resumable: true }));
    await vi.runAllTimersAsync();

    expect((await reading).error).toMatchObject({ type: "stream_interrupted", message: expect.stringContaining("6 attempts in a row failed") });
    const waits = resumedAt.map((at, index) => at - (index === 0 ? startedAt : resumedAt[index - 1]!));
    expect(waits).toEqual(expected);
  });
});

describe("streams that are not resumable", () => {
  it("do not reconnect when the body breaks, throwing stream_interrupted as before", async () => {
    const { client, requests } = clientOfReply(() => breaks(tokenFrame(1, "cut")), [() => replyStream([completeFrame(2, "cut")])]);
    const { received, error } = await collectUntilThrow(client.streamMessage({ message: "hi" }));
    expect(tokenContents(received)).toEqual(["cut"]);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "cut" });
    expect(requests).toHaveLength(1);
  });

  it("do not reconnect when the answer names no reply to resume, though resumable was asked for", async () => {
    const { client, requests } = clientOfReply(() => sseResponse(createScriptedBody([tokenFrame(1, "cut")], "break")));
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    const { error } = await collectUntilThrow(stream);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "cut" });
    expect(stream.messageId).toBeUndefined();
    expect(requests).toHaveLength(1);
  });

  it("still name their reply", async () => {
    const { client } = clientOfReply(() => replyStream([completeFrame(1, "")]));
    const stream = client.streamMessage({ message: "hi" });
    await collect(stream);
    expect(stream.messageId).toBe(MESSAGE_ID);
  });
});

describe("resumeMessage", () => {
  it("asks for the reply's events after lastEventId, sent as Last-Event-ID, and yields them to the end", async () => {
    const { client, requests } = clientOfReply(() => jsonResponse(500, {}), [() => replyStream([tokenFrame(4, "d"), completeFrame(5, "abcd")])]);
    const events = await collect(client.resumeMessage(MESSAGE_ID, { lastEventId: "3", requestId: "req-follow" }));

    expect(summarize(events)).toEqual(["token:4", "complete:5"]);
    expect(requests.map((request) => [request.method, request.url, request.headers.get("last-event-id"), request.headers.get("x-request-id")])).toEqual([
      ["GET", EVENTS_URL, "3", "req-follow"],
    ]);
  });

  it("asks for every event without a lastEventId", async () => {
    const { client, requests } = clientOfReply(() => jsonResponse(500, {}), [() => replyStream([tokenFrame(1, "a"), completeFrame(2, "a")])]);
    expect(summarize(await collect(client.resumeMessage(MESSAGE_ID)))).toEqual(["token:1", "complete:2"]);
    expect(requests[0]!.headers.has("last-event-id")).toBe(false);
  });

  it("puts the id in the path encoded, whatever characters it has", async () => {
    const { client, requests } = clientOfReply(() => jsonResponse(500, {}), [() => replyStream([completeFrame(1, "")])]);
    await collect(client.resumeMessage("msg/../x y"));
    expect(new URL(requests[0]!.url).pathname).toBe("/base/api/v1/messages/msg%2F..%2Fx%20y/events");
  });

  it("ends cleanly, yielding nothing, when the server answers 204 because lastEventId was the reply's last event", async () => {
    const { client, requests } = clientOfReply(() => jsonResponse(500, {}), [() => new Response(null, { status: 204 })]);
    expect(await collect(client.resumeMessage(MESSAGE_ID, { lastEventId: "5" }))).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("reconnects as streamMessage does, after the last event it yielded", async () => {
    const { client, requests } = clientOfReply(
      () => jsonResponse(500, {}),
      [() => breaks(tokenFrame(3, "c")), () => replyStream([tokenFrame(3, "c"), completeFrame(4, "abc")])],
    );
    const events = await collect(client.resumeMessage(MESSAGE_ID, { lastEventId: "2" }));
    expect(summarize(events)).toEqual(["token:3", "complete:4"]);
    expect(requests.map((request) => request.headers.get("last-event-id"))).toEqual(["2", "3"]);
  });

  it("throws http_error 404 with the contract's body, from the first iteration, for a reply the server does not know", async () => {
    const { client, requests } = clientOfReply(() => jsonResponse(500, {}), [() => jsonResponse(404, NOT_FOUND)]);
    const { received, error } = await collectUntilThrow(client.resumeMessage(MESSAGE_ID));
    expect(received).toEqual([]);
    expect(error).toMatchObject({
      type: "http_error",
      status: 404,
      body: NOT_FOUND,
      message: expect.stringContaining(`GET /base/api/v1/messages/${MESSAGE_ID}/events`),
    });
    expect(requests).toHaveLength(1);
  });
});

describe("stopMessage", () => {
  it("posts to the reply's stop URL and resolves with the StopResult as sent", async () => {
    const stopped: StopResult = { messageId: MESSAGE_ID, outcome: "stopping" };
    const fake = createFakeFetch(() => jsonResponse(200, stopped));
    const client = createChatClient({ baseUrl: BASE_URL, fetch: fake.fetch });

    await expect(client.stopMessage(MESSAGE_ID, { requestId: "req-stop" })).resolves.toEqual(stopped);
    const [request] = fake.requests;
    expect([request!.method, request!.url, request!.headers.get("x-request-id"), request!.headers.get("accept")]).toEqual([
      "POST",
      `${BASE_URL}/api/v1/messages/${MESSAGE_ID}/stop`,
      "req-stop",
      "application/json",
    ]);
    expect(await request!.text()).toBe("");
  });

  it("throws http_error 404 with the contract's body for a reply the server does not know", async () => {
    const fake = createFakeFetch(() => jsonResponse(404, NOT_FOUND));
    const client = createChatClient({ baseUrl: BASE_URL, fetch: fake.fetch });
    const error = await client.stopMessage(MESSAGE_ID).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ type: "http_error", status: 404, body: NOT_FOUND });
    expect((error as Error).message).toBe(
      `Request failed with status 404: POST /base/api/v1/messages/${MESSAGE_ID}/stop (not_found: ${NOT_FOUND.error.message})`,
    );
  });
});
