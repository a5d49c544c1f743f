/**
 * Resumable replies through the SDK against the real app on the fake upstream, over real HTTP: the stream names its
 * reply, survives its connection being cut, can be followed again from any event, and can be stopped from outside.
 * Connections are cut by a fetch wrapper that errors the body after some chunks; the network under it is real.
 */
import { describe, expect, it } from "vitest";
import { ChatSdkError, createChatClient, type ChatClient, type StreamEvent } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { collect, tokenContents } from "../helpers/collect-events.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let client: ChatClient;

useAppOnFakeUpstream({}, (started) => ({ upstream, app, client } = started));

const tokensOf = (count: number, prefix = "t") => Array.from({ length: count }, (_, index) => `${prefix}${index} `);

/** One request as the app saw it, with the whole body it answered as text (heartbeat comments included). */
interface Exchange {
  method: string;
  path: string;
  lastEventId: string | null;
  status: number;
  text: string;
}

/**
 * A fetch over the real network that records every exchange and, for each response whose `cutAfterChunks` says a
 * number, errors the body after that many chunks and closes the connection under it, as a dropped network would.
 */
function createCuttingFetch(cutAfterChunks: (exchange: Exchange, index: number) => number | undefined = () => undefined) {
  const exchanges: Exchange[] = [];
  const fetchThatCuts: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const exchange: Exchange = {
      method: request.method,
      path: new URL(request.url).pathname,
      lastEventId: request.headers.get("last-event-id"),
      status: response.status,
      text: "",
    };
    const cutAt = cutAfterChunks(exchange, exchanges.length);
    exchanges.push(exchange);
    if (!response.body) return response;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let chunks = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (chunks === cutAt) {
          await reader.cancel();
          return controller.error(new TypeError("terminated: the test cut the connection"));
        }
        const { done, value } = await reader.read();
        if (done) return controller.close();
        chunks += 1;
        exchange.text += decoder.decode(value, { stream: true });
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { fetch: fetchThatCuts, exchanges };
}

/** The SSE frames of a body, exactly as written, without heartbeat comments. */
const framesOf = (text: string) => text.split("\n\n").filter((frame) => frame !== "" && !frame.startsWith(":"));

const idsOf = (events: StreamEvent[]) => events.map((event) => Number(event.id));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe("a resumable stream through the SDK", () => {
  it("names its reply with the id its complete event carries", async () => {
    upstream.enqueue({ tokens: ["Named", " reply"], delayMs: 5 });
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    const events = await collect(stream);
    const complete = events.at(-1)!;
    expect(complete.type).toBe("complete");
    expect(stream.messageId).toMatch(/^msg_/);
    expect(complete.type === "complete" && complete.data.messageId).toBe(stream.messageId);
  });

  it("hands the loop every event exactly once, in order, when its connections are cut mid-reply", async () => {
    const tokens = tokensOf(16);
    upstream.enqueue({ tokens, delayMs: 25 });
    const before = upstream.requests.length;
    // Every connection is cut after 3 chunks until three have been, so the reply is resumed while it is still generating.
    const cutting = createCuttingFetch((_exchange, index) => (index < 3 ? 3 : undefined));
    const cut = createChatClient({ baseUrl: app.baseUrl, fetch: cutting.fetch, reconnect: { initialDelayMs: 10 } });

    const events = await collect(cut.streamMessage({ message: "hi" }, { resumable: true }));

    expect(idsOf(events), "ids 1..n, each once, in order").toEqual(range(1, tokens.length + 1));
    expect(events.map((event) => event.type)).toEqual([...tokens.map(() => "token"), "complete"]);
    expect(tokenContents(events)).toEqual(tokens);
    const complete = events.at(-1)!;
    expect(complete.type === "complete" && complete.data).toMatchObject({ content: tokens.join(""), finishReason: "stop" });
    expect(cutting.exchanges.map(({ method, path }) => `${method} ${path}`)).toEqual([
      "POST /api/v1/messages",
      ...Array.from({ length: 3 }, () => `GET /api/v1/messages/${complete.type === "complete" && complete.data.messageId}/events`),
    ]);
    // Each resume asked for the events after the last one the loop had been handed by then.
    const lastIds = cutting.exchanges.slice(1).map((exchange) => Number(exchange.lastEventId));
    expect(lastIds.every((id, index) => id > 0 && (index === 0 || id > lastIds[index - 1]!))).toBe(true);
    expect(lastIds.at(-1)!, "the reply was resumed before it ended").toBeLessThan(tokens.length);
    expect(upstream.requests.length - before, "the model was asked once: resuming never sends the message again").toBe(1);
  });

  it("keeps the reply going when the caller aborts, so resumeMessage finds the rest", async () => {
    const tokens = tokensOf(12);
    upstream.enqueue({ tokens, delayMs: 20 });
    const before = upstream.requests.length;
    const controller = new AbortController();
    const stream = client.streamMessage({ message: "hi" }, { resumable: true, signal: controller.signal });
    const received: StreamEvent[] = [];
    await expect(
      (async () => {
        for await (const event of stream) {
          received.push(event);
          if (received.length === 2) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: "AbortError" });

    const rest = await collect(client.resumeMessage(stream.messageId!, { lastEventId: received.at(-1)!.id }));
    expect(idsOf([...received, ...rest])).toEqual(range(1, tokens.length + 1));
    expect(rest.at(-1)).toMatchObject({ type: "complete", data: { content: tokens.join(""), finishReason: "stop" } });
    expect(upstream.requests[before]!.finished).toBe(true);
  });
});

describe("resumeMessage through the SDK", () => {
  it("yields exactly the events after lastEventId, each byte for byte as the first stream sent it", async () => {
    const tokens = ["Grüße", " 🚀", " from", " the", " log", "!"];
    upstream.enqueue({ tokens, delayMs: 5 });
    const recording = createCuttingFetch();
    const recorded = createChatClient({ baseUrl: app.baseUrl, fetch: recording.fetch });
    const stream = recorded.streamMessage({ message: "hi" }, { resumable: true });
    const original = await collect(stream);
    const lastEventId = 2;

    const resumed = await collect(recorded.resumeMessage(stream.messageId!, { lastEventId: String(lastEventId) }));

    expect(idsOf(resumed)).toEqual(range(lastEventId + 1, tokens.length + 1));
    expect(resumed).toEqual(original.slice(lastEventId));
    const [first, again] = recording.exchanges;
    expect(again).toMatchObject({ method: "GET", lastEventId: String(lastEventId), status: 200 });
    expect(framesOf(again!.text)).toEqual(framesOf(first!.text).slice(lastEventId));
  });

  it("yields every event without a lastEventId, and nothing once given the last one", async () => {
    upstream.enqueue({ tokens: ["all", " of", " it"] });
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    const original = await collect(stream);
    await expect(collect(client.resumeMessage(stream.messageId!))).resolves.toEqual(original);
    await expect(collect(client.resumeMessage(stream.messageId!, { lastEventId: original.at(-1)!.id }))).resolves.toEqual([]);
  });

  it("throws http_error 404 for a reply the server does not know", async () => {
    const { error } = await collect(client.resumeMessage("msg_unknown"))
      .then(() => ({ error: undefined }))
      .catch((caught: unknown) => ({ error: caught }));
    expect(error).toMatchObject({ type: "http_error", status: 404, body: { error: { code: "not_found" } } });
  });
});

describe("stopMessage through the SDK", () => {
  it("ends the stream with complete, finishReason cancelled and the text so far, and closes the upstream request", async () => {
    const tokens = tokensOf(50);
    upstream.enqueue({ tokens, delayMs: 20 });
    const before = upstream.requests.length;
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    const events: StreamEvent[] = [];
    let stoppedAt = 0;
    for await (const event of stream) {
      events.push(event);
      if (events.length !== 3) continue;
      await expect(client.stopMessage(stream.messageId!)).resolves.toEqual({ messageId: stream.messageId, outcome: "stopping" });
      stoppedAt = performance.now();
    }

    const complete = events.at(-1)!;
    expect(complete.type === "complete" && complete.data).toMatchObject({ messageId: stream.messageId, finishReason: "cancelled" });
    expect(complete.type === "complete" && complete.data.content).toBe(tokenContents(events).join(""));
    expect(tokenContents(events).length).toBeLessThan(tokens.length);
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 1000);
    expect(request.closedAt! - stoppedAt).toBeLessThan(100);
    expect(request.finished).toBe(false);

    await expect(client.stopMessage(stream.messageId!)).resolves.toEqual({ messageId: stream.messageId, outcome: "already_ended" });
  });

  it("throws http_error 404 with the contract's body for a reply the server does not know", async () => {
    const error = await client.stopMessage("msg_unknown", { requestId: "stop-unknown-1" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({
      type: "http_error",
      status: 404,
      requestId: "stop-unknown-1",
      body: { error: { code: "not_found", message: expect.stringContaining("msg_unknown") } },
      message: expect.stringContaining("Request failed with status 404: POST /api/v1/messages/msg_unknown/stop"),
    });
  });
});
