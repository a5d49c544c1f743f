/**
 * Golden transcripts: the exact SSE bytes the real app writes for each scripted upstream behaviour, kept as
 * one `.sse` file per scenario under `transcripts/`. A change to framing, ids, payload fields or error
 * messages shows up as a diff of a file anyone can read as a stream. Each snapshot is checked against
 * invariants computed from the upstream script (not from the server's output), so a wrong transcript cannot
 * be blessed by running with `-u`.
 */
import { describe, expect, it } from "vitest";
import type { ErrorCode, ModelInfo } from "../../sdk/types.js";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { postForSse, type PostOptions, type ReceivedEvent, type SseResult } from "../helpers/read-sse.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { MESSAGE_ID, toGoldenTranscript } from "./to-golden-transcript.js";

/** Far above any test's length, so no heartbeat lands in a transcript (any that does is stripped anyway). */
const NO_HEARTBEAT = { SSE_HEARTBEAT_MS: "600000" };
const IDLE_TIMEOUT_MS = 250;
const MODEL: ModelInfo = { provider: "openai-compatible", name: "fake-model", demo: false };
/** The fake upstream reports 9 prompt tokens and one completion token per scripted delta. */
const PROMPT_TOKENS = 9;

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let idleApp: TestApp;

useAppOnFakeUpstream(
  { apps: { app: NO_HEARTBEAT, idleApp: { ...NO_HEARTBEAT, UPSTREAM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) } } },
  (started) =>
    ({
      upstream,
      apps: { app, idleApp },
    } = started),
);

/** Runs one scripted reply through `target`'s real SSE route. */
async function streamScripted(script: UpstreamScript, options: PostOptions = {}, target: TestApp = app): Promise<SseResult> {
  upstream.enqueue(script);
  const result = await postForSse(`${target.baseUrl}/api/v1/messages`, { message: "hi" }, options);
  expect(result.status).toBe(200);
  // A stream the server ended itself stops on a frame boundary: nothing unfinished is left out of the transcript.
  if (options.disconnectAfterEvents === undefined) expect(result.raw.endsWith("\n\n"), "the body ends with a whole frame").toBe(true);
  return result;
}

type Ending = { event: "complete"; finishReason: string; usageTokens: number } | { event: "error"; code: ErrorCode; retryable: boolean };

/**
 * What the contract promises for a stream in which the upstream delivered `delivered`: one token event per
 * delta with its exact text, ids 1..n, and a last event whose content (or partialContent) is those deltas joined.
 */
function expectContractPromises(events: ReceivedEvent[], delivered: string[], ending?: Ending): void {
  const expectedCount = delivered.length + (ending ? 1 : 0);
  expect(events.map((event) => event.id)).toEqual(Array.from({ length: expectedCount }, (_, index) => String(index + 1)));
  expect(events.slice(0, delivered.length).map((event) => [event.event, JSON.parse(event.data)])).toEqual(delivered.map((content) => ["token", { content }]));
  if (!ending) return;
  const last = events.at(-1)!;
  expect(last.event).toBe(ending.event);
  const data: unknown = JSON.parse(last.data);
  if (ending.event === "complete") {
    expect(data).toEqual({
      messageId: expect.stringMatching(MESSAGE_ID),
      content: delivered.join(""),
      finishReason: ending.finishReason,
      usage: { inputTokens: PROMPT_TOKENS, outputTokens: ending.usageTokens, totalTokens: PROMPT_TOKENS + ending.usageTokens },
      model: MODEL,
    });
  } else {
    expect(data).toEqual({ code: ending.code, message: expect.any(String), retryable: ending.retryable, partialContent: delivered.join("") });
  }
}

/** Markdown, code, quotes, backslashes, line breaks and SSE look-alikes that must stay inside one data line. */
const LONG_PIECES = [
  "# Heading\n",
  "Some ",
  "**bold**",
  " and ",
  "_italic_",
  " text.",
  "\n\n",
  '- a "quoted" item\n',
  "- `inline code`\n",
  "C:\\Users\\me\\file.txt",
  " tab\there",
  "\n```ts\n",
  'const path = "a\\\\b";\n',
  "```\n",
  "> a quote\r\n",
  "| a | b |\n|---|---|\n",
  '{"json": [1, 2]}',
  " 1 < 2 && 3 > 2",
  "\n\nevent: complete\ndata: {}\n\n",
  "id: 999\n",
  ": not a comment\n",
  "\u2028line\u2029separators",
  "'single'",
  " ",
  "\n",
];
// Every tenth token is numbered, so the 300 tokens are not one block repeated and a dropped or reordered token shows.
const LONG_TOKENS = Array.from({ length: 300 }, (_, index) => (index % 10 === 9 ? `[${index}]` : LONG_PIECES[index % LONG_PIECES.length]!));

/** Split where a real tokenizer may split: inside ZWJ sequences, flags and between a letter and its accent. */
const UNICODE_TOKENS = [
  "日本語",
  "と中文",
  "와 한국어 ",
  "👋🏽",
  " 👨‍👩",
  "‍👧‍👦",
  " 🏳️‍🌈 ",
  "🇯🇵",
  "🇫",
  "🇷",
  " cafe",
  "\u0301",
  " n\u0303",
  " مرحبا بالعالم",
  " שלום",
  " 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  " \u200b|\u200d|\ufeff",
];

describe("golden SSE transcripts of POST /api/v1/messages", () => {
  it("streams a short reply as three token events and a complete event", async () => {
    const tokens = ["Hello", " there", "!"];
    const result = await streamScripted({ tokens });
    expectContractPromises(result.events, tokens, { event: "complete", finishReason: "stop", usageTokens: 3 });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/short.sse");
  });

  it("keeps markdown, quotes, backslashes and line breaks of a 300-token reply inside one data line per event", async () => {
    const result = await streamScripted({ tokens: LONG_TOKENS });
    expectContractPromises(result.events, LONG_TOKENS, { event: "complete", finishReason: "stop", usageTokens: 300 });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/long.sse");
  });

  it("keeps multi-byte characters intact when the upstream splits them across writes", async () => {
    const result = await streamScripted({ tokens: UNICODE_TOKENS, splitWrites: true });
    expect(result.raw).not.toContain("\uFFFD");
    expectContractPromises(result.events, UNICODE_TOKENS, { event: "complete", finishReason: "stop", usageTokens: UNICODE_TOKENS.length });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/unicode.sse");
  });

  it("sends only a complete event with empty content when the reply has no tokens", async () => {
    const result = await streamScripted({ tokens: [] });
    expectContractPromises(result.events, [], { event: "complete", finishReason: "stop", usageTokens: 0 });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/empty.sse");
  });

  it("reports the upstream's finish reason when the reply was cut at the length limit", async () => {
    const tokens = ["This", " reply", " was", " cut"];
    const result = await streamScripted({ tokens, finishReason: "length" });
    expectContractPromises(result.events, tokens, { event: "complete", finishReason: "length", usageTokens: 4 });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/finish-length.sse");
  });

  it("ends with an upstream_unavailable error carrying the partial text when the upstream resets mid-reply", async () => {
    const tokens = ["one", " two", " three", " four", " five"];
    const result = await streamScripted({ tokens, fault: { kind: "reset", afterTokens: 3 } });
    expectContractPromises(result.events, tokens.slice(0, 3), { event: "error", code: "upstream_unavailable", retryable: true });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/upstream-reset.sse");
  });

  it("sends one retryable upstream_rate_limited error and no token when the upstream answers 429", async () => {
    const result = await streamScripted({ fault: { kind: "status", status: 429 } });
    expectContractPromises(result.events, [], { event: "error", code: "upstream_rate_limited", retryable: true });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/upstream-429.sse");
  });

  it("ends with an upstream_error carrying the partial text when the upstream sends a chunk that is not JSON", async () => {
    const tokens = ["good", " so", " far", " then"];
    const result = await streamScripted({ tokens, fault: { kind: "malformed", afterTokens: 2 } });
    expectContractPromises(result.events, tokens.slice(0, 2), { event: "error", code: "upstream_error", retryable: true });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/upstream-malformed.sse");
  });

  it("records exactly the three token events a client read before it disconnected", async () => {
    const tokens = Array.from({ length: 20 }, (_, index) => `t${index} `);
    const before = upstream.requests.length;
    const result = await streamScripted({ tokens, delayMs: 20 }, { disconnectAfterEvents: 3 });
    // Pacing makes one token per read, so the client stops at exactly three; anything more would not be in the transcript.
    expectContractPromises(result.events.slice(0, 3), tokens.slice(0, 3));
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 1000);
    expect(request.finished).toBe(false);
    await expect(toGoldenTranscript(result, 3)).toMatchFileSnapshot("./transcripts/client-abort.sse");
  });

  it("ends with an upstream_timeout error carrying the partial text when the upstream stalls between tokens", async () => {
    const tokens = ["slow", " and", " then", " stuck"];
    const result = await streamScripted({ tokens, fault: { kind: "stall", afterTokens: 2 } }, {}, idleApp);
    expectContractPromises(result.events, tokens.slice(0, 2), { event: "error", code: "upstream_timeout", retryable: true });
    expect(JSON.parse(result.events.at(-1)!.data)).toMatchObject({ message: expect.stringContaining(`${IDLE_TIMEOUT_MS} ms`) });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/upstream-idle-timeout.sse");
  });
});
