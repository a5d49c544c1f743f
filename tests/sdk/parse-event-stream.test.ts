/**
 * parseEventStream on bodies cut exactly where a test says: SSE framing (line endings, chunk boundaries, comments,
 * fields and events it does not know), how a body ends, and aborts. No server: the bodies are scripted streams.
 */
import { describe, expect, it } from "vitest";
import { ChatSdkError, parseEventStream, type ErrorEvent, type StreamEvent } from "../../sdk/index.js";
import { completeFrame, frame, tokenFrame } from "../../fixtures/raw-sse-server.js";
import { collect, collectUntilThrow, tokenContents } from "../helpers/collect-events.js";
import { createScriptedBody, everySplitInTwo, type BodyEnd } from "../helpers/fake-fetch.js";

const parse = (chunks: readonly (string | Uint8Array)[], end?: BodyEnd, options?: Parameters<typeof parseEventStream>[1]) =>
  parseEventStream(createScriptedBody(chunks, end).stream, options);

const SHUTDOWN: ErrorEvent = {
  code: "server_shutdown",
  message: "The server is restarting.",
  retryable: true,
  retryAfterSeconds: 2,
  partialContent: "Grüße 🚀",
};

/** Two tokens with multi-byte characters, then complete, each event in its own frame. */
const TRANSCRIPT = tokenFrame(1, "Grüße ") + tokenFrame(2, "🚀 日本語") + completeFrame(3, "Grüße 🚀 日本語");

/** What {@link TRANSCRIPT} parses to, as `[type, id, token content or complete content]`. */
const TRANSCRIPT_EVENTS = [
  ["token", "1", "Grüße "],
  ["token", "2", "🚀 日本語"],
  ["complete", "3", "Grüße 🚀 日本語"],
];

const summarize = (events: StreamEvent[]) => events.map((event) => [event.type, event.id, event.type === "error" ? event.data.code : event.data.content]);

describe("parseEventStream with reasoning", () => {
  it("yields reasoning events before and between tokens, and ends only at complete", async () => {
    const reasoning = (id: number, content: string) => frame("reasoning", id, JSON.stringify({ content }));
    const events = await collect(parse([reasoning(1, "Think"), tokenFrame(2, "A"), reasoning(3, " more"), tokenFrame(4, "B"), completeFrame(5, "AB")]));
    expect(summarize(events)).toEqual([
      ["reasoning", "1", "Think"],
      ["token", "2", "A"],
      ["reasoning", "3", " more"],
      ["token", "4", "B"],
      ["complete", "5", "AB"],
    ]);
  });
});

describe("parseEventStream framing", () => {
  it("reads events whose lines end in LF", async () => {
    expect(summarize(await collect(parse([TRANSCRIPT])))).toEqual(TRANSCRIPT_EVENTS);
  });

  it("reads events whose lines end in CRLF", async () => {
    expect(summarize(await collect(parse([TRANSCRIPT.replaceAll("\n", "\r\n")])))).toEqual(TRANSCRIPT_EVENTS);
  });

  it("reads events whose lines end in a lone CR when more bytes follow the last one", async () => {
    // A trailing comment line ends the body, so the last CR of the complete event is not the body's last byte.
    const body = TRANSCRIPT.replaceAll("\n", "\r") + ": bye\n";
    expect(summarize(await collect(parse([body])))).toEqual(TRANSCRIPT_EVENTS);
  });

  it("reads the last event of a body written with lone CRs, whose final CR is the body's last byte", async () => {
    expect(summarize(await collect(parse([TRANSCRIPT.replaceAll("\n", "\r")])))).toEqual(TRANSCRIPT_EVENTS);
    expect(summarize(await collect(parse([...TRANSCRIPT.replaceAll("\n", "\r")])))).toEqual(TRANSCRIPT_EVENTS);
  });

  it("reads one stream that mixes LF, CRLF and lone CR line endings", async () => {
    const body = tokenFrame(1, "Grüße ").replaceAll("\n", "\r\n") + tokenFrame(2, "🚀 日本語").replaceAll("\n", "\r") + completeFrame(3, "Grüße 🚀 日本語");
    expect(summarize(await collect(parse([body])))).toEqual(TRANSCRIPT_EVENTS);
  });

  it.each([
    ["LF", TRANSCRIPT],
    ["CRLF", TRANSCRIPT.replaceAll("\n", "\r\n")],
    ["lone CR", TRANSCRIPT.replaceAll("\n", "\r") + ": bye\n"],
  ])("reads the same events wherever a body framed with %s is cut in two, inside a multi-byte character too", async (_endings, body) => {
    const splits = everySplitInTwo(body);
    // The transcript has 2- and 4-byte characters, so some cuts land inside one.
    const insideCharacter = splits.filter(({ chunks: [head] }) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(head);
        return false;
      } catch {
        return true;
      }
    });
    expect(insideCharacter.length).toBeGreaterThan(5);
    for (const { at, chunks } of splits) {
      expect(summarize(await collect(parse(chunks))), `cut after byte ${at}`).toEqual(TRANSCRIPT_EVENTS);
    }
  });

  it("reads the same events from a body that arrives one byte at a time", async () => {
    const bytes = new TextEncoder().encode(TRANSCRIPT.replaceAll("\n", "\r\n"));
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(summarize(await collect(parse(chunks)))).toEqual(TRANSCRIPT_EVENTS);
  });

  it("skips comment lines: heartbeats between events and a comment inside one", async () => {
    const body = [
      ": heartbeat\n\n",
      ":\n\n",
      'event: token\n: a comment inside the event\nid: 1\ndata: {"content":"a"}\n\n',
      ": heartbeat\n\n",
      completeFrame(2, "a"),
    ];
    expect(summarize(await collect(parse(body)))).toEqual([
      ["token", "1", "a"],
      ["complete", "2", "a"],
    ]);
  });

  it("ignores a byte order mark at the start of the body", async () => {
    const events = await collect(parse([Uint8Array.of(0xef, 0xbb, 0xbf), TRANSCRIPT]));
    expect(summarize(events)).toEqual(TRANSCRIPT_EVENTS);
  });

  it("ignores SSE fields it does not use, such as retry, and fields no spec defines", async () => {
    const body = "retry: 3000\n\n" + 'event: token\nid: 1\nretry: 10\nx-custom: yes\nnocolon\ndata: {"content":"kept"}\n\n' + completeFrame(2, "kept");
    expect(summarize(await collect(parse([body])))).toEqual([
      ["token", "1", "kept"],
      ["complete", "2", "kept"],
    ]);
  });

  it("joins an event's data lines with a newline before reading the JSON", async () => {
    const body = 'event: token\nid: 1\ndata: {"content":\ndata: "two lines"}\n\n' + completeFrame(2, "two lines");
    expect(tokenContents(await collect(parse([body])))).toEqual(["two lines"]);
  });
});

describe("parseEventStream events", () => {
  it("keeps payload fields the contract does not define, as they were sent", async () => {
    const token = { content: "a", index: 0, logprobs: [-0.1] };
    const body =
      frame("token", 1, JSON.stringify(token)) +
      frame("complete", 2, JSON.stringify({ content: "a", finishReason: "stop", model: { provider: "demo", name: "x", demo: true }, cached: true }));
    const [first, last] = await collect(parse([body]));
    expect(first).toEqual({ type: "token", id: "1", data: token });
    expect(last?.data).toMatchObject({ content: "a", cached: true });
  });

  it("skips events the contract does not name, and unnamed events, without reading their data", async () => {
    const body = [
      tokenFrame(1, "kept"),
      frame("typing", 2, "{not json"),
      frame(undefined, 3, "not json either"),
      frame("message", 4, "[]"),
      tokenFrame(5, " too"),
      completeFrame(6, "kept too"),
    ];
    expect(summarize(await collect(parse(body)))).toEqual([
      ["token", "1", "kept"],
      ["token", "5", " too"],
      ["complete", "6", "kept too"],
    ]);
  });

  it("gives each event the id of its own id field, and an empty id to an event that has none", async () => {
    const body = tokenFrame(41, "a") + 'event: token\ndata: {"content":"b"}\n\n' + completeFrame(43, "ab");
    expect((await collect(parse([body]))).map((event) => event.id)).toEqual(["41", "", "43"]);
  });

  it("yields an error event as the last event, with its payload as sent, and reads nothing after it", async () => {
    const body = createScriptedBody(
      [tokenFrame(1, "Grüße") + tokenFrame(2, " 🚀") + frame("error", 3, JSON.stringify(SHUTDOWN)) + tokenFrame(4, "after the end")],
      "hang",
    );
    const events = await collect(parseEventStream(body.stream));
    expect(events.map((event) => event.type)).toEqual(["token", "token", "error"]);
    expect(events.at(-1)).toEqual({ type: "error", id: "3", data: SHUTDOWN });
    expect(body.cancelled, "the body is cancelled, which closes the connection").toBe(true);
  });

  it("ends after the complete event without waiting for the body to end, and cancels it", async () => {
    const body = createScriptedBody([TRANSCRIPT, tokenFrame(4, "never read")], "hang");
    expect(summarize(await collect(parseEventStream(body.stream)))).toEqual(TRANSCRIPT_EVENTS);
    expect(body.delivered).toBe(1);
    expect(body.cancelled).toBe(true);
  });

  it("cancels the body when the caller leaves the loop early", async () => {
    const body = createScriptedBody([tokenFrame(1, "a"), tokenFrame(2, "b")], "hang");
    for await (const event of parseEventStream(body.stream)) if (event.type === "token") break;
    expect(body.cancelled).toBe(true);
  });

  it("throws invalid_event, with the text before it, when a token event's data is not JSON", async () => {
    const { received, error } = await collectUntilThrow(parse([tokenFrame(1, "fine"), frame("token", 2, "{not json")], "close", { requestId: "req-7" }));
    expect(tokenContents(received)).toEqual(["fine"]);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ type: "invalid_event", partialContent: "fine", requestId: "req-7", message: expect.stringContaining("{not json") });
  });
});

describe("parseEventStream at the end of the body", () => {
  it("throws stream_interrupted with the text so far when the body ends without a complete or error event", async () => {
    const { received, error } = await collectUntilThrow(parse([tokenFrame(1, "Grüße"), tokenFrame(2, " 🚀")], "close", { requestId: "req-1" }));
    expect(tokenContents(received)).toEqual(["Grüße", " 🚀"]);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "Grüße 🚀", requestId: "req-1" });
  });

  it.each([
    ["no newline", completeFrame(2, "cut").slice(0, -2)],
    ["one newline but no blank line", completeFrame(2, "cut").slice(0, -1)],
  ])("drops a last event that ends with %s, as the SSE spec says, and throws stream_interrupted", async (_case, last) => {
    const { received, error } = await collectUntilThrow(parse([tokenFrame(1, "cut"), last]));
    expect(summarize(received)).toEqual([["token", "1", "cut"]]);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "cut" });
  });

  it("throws stream_interrupted carrying the cause when the connection breaks mid-body", async () => {
    const { received, error } = await collectUntilThrow(parse([tokenFrame(1, "half"), 'event: token\nid: 2\ndata: {"con'], "break"));
    expect(tokenContents(received)).toEqual(["half"]);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "half", cause: expect.any(TypeError) });
  });

  it("throws stream_interrupted with no text when the body is empty", async () => {
    const { received, error } = await collectUntilThrow(parse([]));
    expect(received).toEqual([]);
    expect(error).toMatchObject({ type: "stream_interrupted", partialContent: "" });
  });
});

describe("parseEventStream and the caller's signal", () => {
  it("rethrows the abort as is, and cancels the body, when the signal aborts while waiting for bytes", async () => {
    const body = createScriptedBody([tokenFrame(1, "a")], "hang");
    const controller = new AbortController();
    const received: StreamEvent[] = [];
    const reading = (async () => {
      for await (const event of parseEventStream(body.stream, { signal: controller.signal })) {
        received.push(event);
        setTimeout(() => controller.abort(), 10);
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(received).toHaveLength(1);
    expect(body.cancelled).toBe(true);
  });

  it("rethrows a custom abort reason as is, not as a ChatSdkError", async () => {
    const controller = new AbortController();
    const reason = new Error("the user pressed Stop");
    controller.abort(reason);
    const { error } = await collectUntilThrow(parse([TRANSCRIPT], "close", { signal: controller.signal }));
    expect(error).toBe(reason);
  });

  it("hands out no more events from a chunk once the caller aborted", async () => {
    const controller = new AbortController();
    const received: StreamEvent[] = [];
    const reading = (async () => {
      for await (const event of parseEventStream(createScriptedBody([TRANSCRIPT]).stream, { signal: controller.signal })) {
        received.push(event);
        controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(summarize(received)).toEqual([TRANSCRIPT_EVENTS[0]]);
  });
});
