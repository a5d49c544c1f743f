/** parseEventStream reading real HTTP response bodies written byte by byte by a raw server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatSdkError, parseEventStream, type StreamEvent } from "../../sdk/index.js";
import { SPLIT_TOKENS, startRawSseServer, type RawSseServer } from "../../fixtures/raw-sse-server.js";
import { collect, collectUntilThrow, tokenContents } from "../helpers/collect-events.js";

let raw: RawSseServer;
let rawUrl: string;

beforeAll(async () => {
  raw = await startRawSseServer();
  rawUrl = raw.url;
});
afterAll(() => raw.close());

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
    expect(error).toMatchObject({
      type: "invalid_event",
      partialContent: "fine so far",
      requestId: "raw-request",
      message: expect.stringContaining("{not json"),
    });
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
