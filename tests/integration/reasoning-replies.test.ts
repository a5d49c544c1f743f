/**
 * Reasoning through the real app, on the fake upstreams (OpenAI-compatible and Anthropic, each on both chunk paths)
 * and on the demo model: the order and ids of reasoning and tokens, JSON mode with and without `includeReasoning`, a
 * client leaving while the model thinks, failures and timeouts during thinking, no retry once reasoning was sent,
 * the demo model's canned thinking, and time to first reasoning in metrics and logs.
 */
import { describe, expect, it } from "vitest";
import type { ErrorResponse, MessageResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError, expectEventsMatchContract, expectMatchesSchema } from "../helpers/expect-contract.js";
import { postJson } from "../helpers/post-json.js";
import { payloads, postForSse, type ReceivedEvent } from "../helpers/read-sse.js";
import { describeSetup, MODEL_SETUPS, useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const THINKING = ["Let me", " think", " about", " this."];
const ANSWER = ["Hello", " there", "!"];
const TIMEOUT_MS = 400;

const messagesUrl = (target: TestApp) => `${target.baseUrl}/api/v1/messages`;
const contentOf = (events: ReceivedEvent[], kind: "token" | "reasoning") =>
  events
    .filter((event) => event.event === kind)
    .map((event) => (JSON.parse(event.data) as { content: string }).content)
    .join("");

describe.each(MODEL_SETUPS.map((setup) => [describeSetup(setup), setup] as const))("from %s", (_name, setup) => {
  let upstream: FakeOpenAiUpstream;
  let app: TestApp;
  let impatient: TestApp;
  let retrying: TestApp;

  useAppOnFakeUpstream(
    {
      setup,
      apps: {
        app: {},
        impatient: { UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: String(TIMEOUT_MS), UPSTREAM_IDLE_TIMEOUT_MS: String(TIMEOUT_MS) },
        retrying: { UPSTREAM_MAX_RETRIES: "2" },
      },
    },
    (started) =>
      ({
        upstream,
        apps: { app, impatient, retrying },
      } = started),
  );

  describe("a reply in JSON mode", () => {
    it("carries message.reasoning and usage.reasoningTokens when asked for reasoning", async () => {
      upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, reasoningField: "reasoning" });
      const answer = await postJson(messagesUrl(app), { message: "hi", includeReasoning: true });
      expect(answer.status, answer.raw).toBe(200);
      expectMatchesSchema("MessageResponse", answer.body);
      const { message, usage } = answer.body as MessageResponse;
      expect(message).toMatchObject({ content: ANSWER.join(""), reasoning: THINKING.join("") });
      // Anthropic counts thinking in output tokens without saying how many were thinking.
      expect(usage).toEqual({ inputTokens: 9, outputTokens: 7, totalTokens: 16, ...(setup.provider === "openai" ? { reasoningTokens: 4 } : {}) });
    });

    it("carries neither without the flag: the body a client that predates reasoning expects", async () => {
      upstream.enqueue({ reasoning: THINKING, tokens: ANSWER });
      const answer = await postJson(messagesUrl(app), { message: "hi" });
      expect(answer.status, answer.raw).toBe(200);
      expect(answer.raw).not.toContain("reasoning");
      const { message, usage } = answer.body as MessageResponse;
      expect(message.content).toBe(ANSWER.join(""));
      expect(usage).toEqual({ inputTokens: 9, outputTokens: 7, totalTokens: 16 });
    });

    it("answers a failure during thinking with the reasoning so far in partialReasoning", async () => {
      upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, fault: { kind: "error-chunk", afterReasoning: 3 } });
      const answer = await postJson(messagesUrl(app), { message: "hi", includeReasoning: true });
      const error = expectContractError(answer, 502, "upstream_error");
      expect(error.partialReasoning).toBe(THINKING.slice(0, 3).join(""));
      expect(error.partialContent).toBeUndefined();
      upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, fault: { kind: "error-chunk", afterReasoning: 3 } });
      const notAsked = await postJson(messagesUrl(app), { message: "hi" });
      expect((notAsked.body as ErrorResponse).error.partialReasoning).toBeUndefined();
    });
  });

  describe("a streamed reply while the model thinks", () => {
    it("closes the upstream request when the client leaves during thinking", async () => {
      const before = upstream.requests.length;
      upstream.enqueue({ reasoning: Array.from({ length: 100 }, (_, index) => `thought ${index}. `), delayMs: 20 });
      const result = await postForSse(messagesUrl(app), { message: "hi", includeReasoning: true }, { disconnectAfterEvents: 2 });
      const leftAt = performance.now();
      expect(result.events.map((event) => event.event)).toEqual(["reasoning", "reasoning"]);
      const request = upstream.requests[before]!;
      await upstream.waitForClose(request, 2_000);
      expect(request.finished).toBe(false);
      // Closed at once, not after the 100 thoughts (2 s) the upstream would still have sent.
      expect(request.closedAt! - leftAt).toBeLessThan(1_000);
      await expect.poll(async () => (await app.metrics()).includes('chat_streams_aborted_total{mode="sse",reason="client"}')).toBe(true);
    });

    it("ends with an error carrying partialReasoning when the upstream fails during thinking", async () => {
      upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, reasoningField: "reasoning", fault: { kind: "error-chunk", afterReasoning: 2 } });
      const result = await postForSse(messagesUrl(app), { message: "hi", includeReasoning: true });
      expect(payloads(result.events)).toEqual([
        { event: "reasoning", data: { content: THINKING[0] } },
        { event: "reasoning", data: { content: THINKING[1] } },
        {
          event: "error",
          data: { code: "upstream_error", message: expect.any(String), retryable: true, partialContent: "", partialReasoning: "Let me think" },
        },
      ]);
    });

    it("is not timed out while the model only thinks, however long, as long as it keeps sending", async () => {
      // Eight pauses of a quarter of the timeout: twice the timeout in all, before the first answer token.
      const thoughts = Array.from({ length: 8 }, (_, index) => `step ${index}. `);
      for (const includeReasoning of [true, false]) {
        upstream.enqueue({ reasoning: thoughts, tokens: ANSWER, delayMs: TIMEOUT_MS / 4 });
        const result = await postForSse(messagesUrl(impatient), { message: "hi", includeReasoning });
        expect(result.events.at(-1)!.event, result.raw).toBe("complete");
        expect(contentOf(result.events, "token")).toBe(ANSWER.join(""));
        expect(contentOf(result.events, "reasoning")).toBe(includeReasoning ? thoughts.join("") : "");
      }
    });

    it("times out with the reasoning so far when the model goes silent while thinking", async () => {
      upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, fault: { kind: "stall", afterReasoning: 2 } });
      const result = await postForSse(messagesUrl(impatient), { message: "hi", includeReasoning: true });
      expect(payloads(result.events).at(-1)).toEqual({
        event: "error",
        data: {
          code: "upstream_timeout",
          message: `The model provider went silent for ${TIMEOUT_MS} ms.`,
          retryable: true,
          partialContent: "",
          partialReasoning: "Let me think",
        },
      });
    });

    it("times out as before when a model asked for reasoning sends nothing at all", async () => {
      upstream.enqueue({ fault: { kind: "no-first-byte" } });
      const result = await postForSse(messagesUrl(impatient), { message: "hi", includeReasoning: true });
      expect(payloads(result.events)).toEqual([
        {
          event: "error",
          data: { code: "upstream_timeout", message: `The model provider sent nothing within ${TIMEOUT_MS} ms.`, retryable: true, partialContent: "" },
        },
      ]);
    });

    it("does not retry once reasoning was sent, since the client would see it twice; without the flag it retries as before", async () => {
      const script = { reasoning: THINKING, tokens: ANSWER, fault: { kind: "reset", afterReasoning: 2 } } as const;
      let before = upstream.requests.length;
      upstream.enqueue(script, {});
      const asked = await postForSse(messagesUrl(retrying), { message: "hi", includeReasoning: true });
      expect(payloads(asked.events).at(-1)).toMatchObject({ event: "error", data: { code: "upstream_unavailable", partialReasoning: "Let me think" } });
      expect(upstream.requests.length - before).toBe(1);

      upstream.reset();
      before = upstream.requests.length;
      upstream.enqueue(script, {});
      const notAsked = await postForSse(messagesUrl(retrying), { message: "hi" });
      expect(payloads(notAsked.events).at(-1)).toMatchObject({ event: "complete", data: { finishReason: "stop" } });
      expect(upstream.requests.length - before).toBe(2);
    });
  });

  describe("a streamed reply with includeReasoning", () => {
    it.each([false, true])(
      "sends reasoning and tokens in the model's order with ids 1..n, and complete joins each (interleaved: %s)",
      async (interleaveReasoning) => {
        upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, interleaveReasoning });
        const result = await postForSse(messagesUrl(app), { message: "hi", includeReasoning: true });
        expectEventsMatchContract(result.events);
        const pieces = result.events.slice(0, -1).map((event) => [event.event, (JSON.parse(event.data) as { content: string }).content]);
        const expected = interleaveReasoning
          ? THINKING.flatMap((thought, index) => [["reasoning", thought], ...(ANSWER[index] === undefined ? [] : [["token", ANSWER[index]]])])
          : [...THINKING.map((thought) => ["reasoning", thought]), ...ANSWER.map((token) => ["token", token])];
        expect(pieces).toEqual(expected);
        expect(result.events.map((event) => event.id)).toEqual(Array.from({ length: result.events.length }, (_, index) => String(index + 1)));
        expect(payloads(result.events).at(-1)).toMatchObject({
          event: "complete",
          data: { content: contentOf(result.events, "token"), reasoning: contentOf(result.events, "reasoning"), model: { provider: setup.modelInfoProvider } },
        });
        expect(contentOf(result.events, "reasoning")).toBe(THINKING.join(""));
      },
    );
  });
});

let demo: TestApp;

// No provider settings: the built-in demo model answers.
useAppOnFakeUpstream(
  { apps: { demo: { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined, OPENAI_MODEL: undefined, DEMO_TOKEN_DELAY_MS: "1" } } },
  (started) =>
    ({
      apps: { demo },
    } = started),
);

describe("the demo model", () => {
  it("thinks before it answers when asked, and only then", async () => {
    const asked = await postForSse(messagesUrl(demo), { message: "hi", includeReasoning: true });
    const kinds = asked.events.map((event) => event.event);
    const firstToken = kinds.indexOf("token");
    expect(firstToken).toBeGreaterThan(0);
    expect(kinds.slice(0, firstToken).every((kind) => kind === "reasoning")).toBe(true);
    expect(kinds.slice(firstToken, -1).every((kind) => kind === "token")).toBe(true);
    const complete = payloads(asked.events).at(-1)!.data as { content: string; reasoning: string; usage: { reasoningTokens: number } };
    expect(complete.reasoning).toBe(contentOf(asked.events, "reasoning"));
    expect(complete.reasoning).toContain("demo model");
    expect(complete.content).toBe(contentOf(asked.events, "token"));
    expect(complete.usage.reasoningTokens).toBe(firstToken);

    const notAsked = await postForSse(messagesUrl(demo), { message: "hi" });
    expect(notAsked.raw).not.toContain("reasoning");
    expect((payloads(notAsked.events).at(-1)!.data as { content: string }).content).toBe(complete.content);
  });
});

describe("time to first reasoning", () => {
  it("is observed and logged for a reply that sent reasoning, while time to first token stays the first answer token", async () => {
    const histogram = /^chat_time_to_first_reasoning_seconds_count\{mode="sse"\} (\d+)$/m;
    const countOf = async () => Number(histogram.exec(await demo.metrics())?.[1] ?? 0);
    const before = await countOf();
    const logsBefore = demo.logs.length;
    await postForSse(messagesUrl(demo), { message: "hi" });
    expect(await countOf()).toBe(before);
    await postForSse(messagesUrl(demo), { message: "hi", includeReasoning: true });
    expect(await countOf()).toBe(before + 1);

    const logs = demo.logs.slice(logsBefore);
    expect(logs.filter((line) => line.msg === "first reasoning")).toHaveLength(1);
    const [plain, thinking] = logs.filter((line) => line.msg === "stream complete");
    expect(plain).not.toHaveProperty("timeToFirstReasoningMs");
    expect(thinking).toMatchObject({ timeToFirstReasoningMs: expect.any(Number), reasoningPieces: expect.any(Number) });
    expect(thinking!.timeToFirstTokenMs as number).toBeGreaterThan(thinking!.timeToFirstReasoningMs as number);
  });
});
