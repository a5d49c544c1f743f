/**
 * Golden transcripts of a reasoning model: the exact SSE bytes with `includeReasoning` (reasoning events sharing the
 * id sequence with tokens, `complete.reasoning`, `usage.reasoningTokens`, `error.partialReasoning`) and without it
 * (the stream a client that predates reasoning has always read: `reasoning-not-asked.sse` was recorded by the server
 * before it knew about reasoning). As in `golden-transcripts.test.ts`, each snapshot is first checked against
 * invariants computed from the upstream script, so a wrong transcript cannot be blessed with `-u`.
 */
import { describe, expect, it } from "vitest";
import type { ErrorCode, ModelInfo } from "../../sdk/types.js";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { postForSse, type ReceivedEvent, type SseResult } from "../helpers/read-sse.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { MESSAGE_ID, toGoldenTranscript } from "./to-golden-transcript.js";

const MODEL: ModelInfo = { provider: "openai-compatible", name: "fake-model", demo: false };
/** The fake upstream reports 9 prompt tokens and one completion token per scripted delta, reasoning included. */
const PROMPT_TOKENS = 9;
const THINKING = ["The user", " greets me.", " A short", " greeting back fits."];
const ANSWER = ["Hello", " there", "!"];

let upstream: FakeOpenAiUpstream;
let app: TestApp;

useAppOnFakeUpstream({ apps: { app: { SSE_HEARTBEAT_MS: "600000" } } }, (started) => ({ upstream, app } = started));

async function streamScripted(script: UpstreamScript, includeReasoning?: boolean): Promise<SseResult> {
  upstream.enqueue(script);
  const result = await postForSse(`${app.baseUrl}/api/v1/messages`, { message: "hi", ...(includeReasoning === undefined ? {} : { includeReasoning }) });
  expect(result.status).toBe(200);
  expect(result.raw.endsWith("\n\n"), "the body ends with a whole frame").toBe(true);
  return result;
}

type Piece = ["reasoning" | "token", string];
type Ending = { event: "complete"; reasoningTokens?: number; outputTokens: number } | { event: "error"; code: ErrorCode; retryable: boolean };

/**
 * What the contract promises when the upstream delivered `pieces`: one event per piece, in order, with its exact
 * text and ids 1..n shared by both kinds, then a last event whose content is the tokens joined and whose reasoning
 * is the reasoning joined (left out when there was none).
 */
function expectContractPromises(events: ReceivedEvent[], pieces: Piece[], ending: Ending): void {
  expect(events.map((event) => event.id)).toEqual(Array.from({ length: pieces.length + 1 }, (_, index) => String(index + 1)));
  expect(events.slice(0, -1).map((event) => [event.event, JSON.parse(event.data)])).toEqual(pieces.map(([kind, content]) => [kind, { content }]));
  const joined = (kind: Piece[0]) =>
    pieces
      .filter(([each]) => each === kind)
      .map(([, text]) => text)
      .join("");
  const reasoning = joined("reasoning");
  const last = events.at(-1)!;
  expect(last.event).toBe(ending.event);
  const data: unknown = JSON.parse(last.data);
  if (ending.event === "complete") {
    const { outputTokens, reasoningTokens } = ending;
    expect(data).toEqual({
      messageId: expect.stringMatching(MESSAGE_ID),
      content: joined("token"),
      ...(reasoning ? { reasoning } : {}),
      finishReason: "stop",
      usage: {
        inputTokens: PROMPT_TOKENS,
        outputTokens,
        totalTokens: PROMPT_TOKENS + outputTokens,
        ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
      },
      model: MODEL,
    });
  } else {
    expect(data).toEqual({
      code: ending.code,
      message: expect.any(String),
      retryable: ending.retryable,
      partialContent: joined("token"),
      ...(reasoning ? { partialReasoning: reasoning } : {}),
    });
  }
}

const reasoningThenAnswer: Piece[] = [...THINKING.map((text): Piece => ["reasoning", text]), ...ANSWER.map((text): Piece => ["token", text])];

describe("golden SSE transcripts of a reasoning model", () => {
  it("streams reasoning events, then tokens, with one id sequence and all the reasoning in complete", async () => {
    const result = await streamScripted({ reasoning: THINKING, tokens: ANSWER }, true);
    expectContractPromises(result.events, reasoningThenAnswer, { event: "complete", outputTokens: 7, reasoningTokens: 4 });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/reasoning.sse");
  });

  it("writes the same bytes whether the upstream spells the delta reasoning_content or reasoning", async () => {
    const spelledContent = await streamScripted({ reasoning: THINKING, tokens: ANSWER, reasoningField: "reasoning_content" }, true);
    const spelledShort = await streamScripted({ reasoning: THINKING, tokens: ANSWER, reasoningField: "reasoning" }, true);
    expectContractPromises(spelledShort.events, reasoningThenAnswer, { event: "complete", outputTokens: 7, reasoningTokens: 4 });
    expect(toGoldenTranscript(spelledShort)).toBe(toGoldenTranscript(spelledContent));
  });

  it("keeps the upstream's order when reasoning and answer interleave", async () => {
    const result = await streamScripted({ reasoning: THINKING, tokens: ANSWER, reasoningField: "reasoning", interleaveReasoning: true }, true);
    const interleaved: Piece[] = [
      ["reasoning", THINKING[0]!],
      ["token", ANSWER[0]!],
      ["reasoning", THINKING[1]!],
      ["token", ANSWER[1]!],
      ["reasoning", THINKING[2]!],
      ["token", ANSWER[2]!],
      ["reasoning", THINKING[3]!],
    ];
    expectContractPromises(result.events, interleaved, { event: "complete", outputTokens: 7, reasoningTokens: 4 });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/reasoning-interleaved.sse");
  });

  it("ends with an error carrying the reasoning so far when the upstream resets while the model thinks", async () => {
    const result = await streamScripted({ reasoning: THINKING, tokens: ANSWER, fault: { kind: "reset", afterReasoning: 2 } }, true);
    expectContractPromises(result.events, reasoningThenAnswer.slice(0, 2), { event: "error", code: "upstream_unavailable", retryable: true });
    await expect(toGoldenTranscript(result)).toMatchFileSnapshot("./transcripts/reasoning-upstream-reset.sse");
  });

  it("sends a client that did not ask for reasoning exactly the stream it got before reasoning existed", async () => {
    for (const reasoningField of ["reasoning_content", "reasoning"] as const) {
      for (const includeReasoning of [undefined, false]) {
        const result = await streamScripted({ reasoning: THINKING, tokens: ANSWER, reasoningField }, includeReasoning);
        expect(result.raw).not.toContain("reasoning");
        expectContractPromises(result.events, reasoningThenAnswer.slice(THINKING.length), { event: "complete", outputTokens: 7 });
        await expect(toGoldenTranscript(result), `${reasoningField}, includeReasoning ${String(includeReasoning)}`).toMatchFileSnapshot(
          "./transcripts/reasoning-not-asked.sse",
        );
      }
    }
  });

  it("sends the same stream with or without the flag when the model does not reason", async () => {
    const asked = await streamScripted({ tokens: ANSWER }, true);
    const notAsked = await streamScripted({ tokens: ANSWER });
    expect(toGoldenTranscript(asked)).toBe(toGoldenTranscript(notAsked));
  });

  it("leaves reasoning out of an error that came before any reasoning", async () => {
    const result = await streamScripted({ reasoning: THINKING, tokens: ANSWER, fault: { kind: "error-chunk", afterReasoning: 0 } }, true);
    expectContractPromises(result.events, [], { event: "error", code: "upstream_error", retryable: true });
  });
});
