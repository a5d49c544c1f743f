/**
 * Every upstream fault the fake upstreams can inject, in both response modes, against the documented outcome
 * (architecture.md, "Failures and timeouts"): the contract's code, the JSON status, whether it is retryable,
 * `Retry-After`, and the exact text the model had produced before it failed. The same faults, the same outcomes,
 * from both providers' wire formats and on both ways of reading the model's chunks (ADR-24, ADR-26).
 */
import { describe, expect, it } from "vitest";
import type { ErrorCode, MessageResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError, expectMatchesSchema } from "../helpers/expect-contract.js";
import { payloads, postForSse } from "../helpers/read-sse.js";
import { postJson } from "../helpers/post-json.js";
import { describeSetup, MODEL_SETUPS, useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const SHORT_TIMEOUT_MS = 300;
const FOUR_TOKENS = ["Alpha", " beta", " gamma", " delta"];
const MULTI_BYTE_TOKENS = ["Grüße ", "🚀", " 日本語", " é", " 👩‍👩‍👧"];
const LONG_TOKENS = Array.from({ length: 5_000 }, (_, index) => (index % 10 === 9 ? ` ü${index}\n` : ` t${index}`));

type Outcome =
  | { kind: "complete"; content: string }
  | { kind: "error"; code: ErrorCode; status: number; retryable: boolean; partialContent: string; retryAfterSeconds?: number };

interface FaultCase {
  fault: string;
  /** The outcome in words, for the test name. */
  expected: string;
  script: UpstreamScript;
  /** The app with short upstream timeouts, for the cases that are about timing out. */
  impatient?: boolean;
  outcome: Outcome;
}

const failed = (code: ErrorCode, status: number, retryable: boolean, partialContent = "", retryAfterSeconds?: number): Outcome => ({
  kind: "error",
  code,
  status,
  retryable,
  partialContent,
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});
const status = (code: number, headers?: Record<string, string>): UpstreamScript => ({
  fault: { kind: "status", status: code, ...(headers ? { headers } : {}) },
});

function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === "complete") return "complete, with the exact text";
  const retry = outcome.retryAfterSeconds === undefined ? "" : `, retry after ${outcome.retryAfterSeconds} s`;
  const partial = outcome.partialContent === "" ? "" : ", keeping the partial text";
  return `${outcome.code} (${outcome.status}), ${outcome.retryable ? "retryable" : "not retryable"}${retry}${partial}`;
}

const FAULTS: FaultCase[] = (
  [
    { fault: "HTTP 401", script: status(401), outcome: failed("upstream_auth", 502, false) },
    { fault: "HTTP 403", script: status(403), outcome: failed("upstream_auth", 502, false) },
    { fault: "HTTP 404", script: status(404), outcome: failed("upstream_error", 502, false) },
    { fault: "HTTP 429 with Retry-After: 3", script: status(429, { "retry-after": "3" }), outcome: failed("upstream_rate_limited", 503, true, "", 3) },
    { fault: "HTTP 429 without Retry-After", script: status(429), outcome: failed("upstream_rate_limited", 503, true) },
    { fault: "HTTP 500", script: status(500), outcome: failed("upstream_unavailable", 503, true) },
    { fault: "HTTP 502", script: status(502), outcome: failed("upstream_unavailable", 503, true) },
    { fault: "HTTP 503", script: status(503), outcome: failed("upstream_unavailable", 503, true) },
    { fault: "headers but no first byte", script: { fault: { kind: "no-first-byte" } }, impatient: true, outcome: failed("upstream_timeout", 504, true) },
    {
      fault: "a stall after two tokens",
      script: { tokens: FOUR_TOKENS, fault: { kind: "stall", afterTokens: 2 } },
      impatient: true,
      outcome: failed("upstream_timeout", 504, true, "Alpha beta"),
    },
    {
      fault: "a reset after two tokens",
      script: { tokens: FOUR_TOKENS, fault: { kind: "reset", afterTokens: 2 } },
      outcome: failed("upstream_unavailable", 503, true, "Alpha beta"),
    },
    {
      fault: "a malformed chunk after two tokens",
      script: { tokens: FOUR_TOKENS, fault: { kind: "malformed", afterTokens: 2 } },
      outcome: failed("upstream_error", 502, true, "Alpha beta"),
    },
    {
      fault: "an error object in the stream after two tokens",
      script: { tokens: FOUR_TOKENS, fault: { kind: "error-chunk", afterTokens: 2 } },
      outcome: failed("upstream_error", 502, true, "Alpha beta"),
    },
    {
      fault: "an end without finish_reason after three tokens",
      script: { tokens: FOUR_TOKENS, fault: { kind: "truncate", afterTokens: 3 } },
      outcome: failed("upstream_unavailable", 503, true, "Alpha beta gamma"),
    },
    {
      fault: "multi-byte characters split across writes",
      script: { tokens: MULTI_BYTE_TOKENS, splitWrites: true },
      outcome: { kind: "complete", content: MULTI_BYTE_TOKENS.join("") },
    },
    { fault: "a 5,000-token reply", script: { tokens: LONG_TOKENS }, outcome: { kind: "complete", content: LONG_TOKENS.join("") } },
  ] satisfies Omit<FaultCase, "expected">[]
).map((fault) => ({ ...fault, expected: describeOutcome(fault.outcome) }));

describe.each(MODEL_SETUPS.map((setup) => [describeSetup(setup), setup] as const))("from %s", (_name, setup) => {
  let upstream: FakeOpenAiUpstream;
  /** No retries, default timeouts. */
  let app: TestApp;
  /** No retries, and gives up after SHORT_TIMEOUT_MS of silence. */
  let impatient: TestApp;
  /** One retry before the first token. */
  let retrying: TestApp;

  const messagesUrl = (target: TestApp) => `${target.baseUrl}/api/v1/messages`;

  useAppOnFakeUpstream(
    {
      setup,
      apps: {
        app: {},
        impatient: { UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: String(SHORT_TIMEOUT_MS), UPSTREAM_IDLE_TIMEOUT_MS: String(SHORT_TIMEOUT_MS) },
        retrying: { UPSTREAM_MAX_RETRIES: "1" },
      },
    },
    (started) =>
      ({
        upstream,
        apps: { app, impatient, retrying },
      } = started),
  );

  describe("an upstream fault during an SSE reply", () => {
    it.each(FAULTS.map((fault) => [`after ${fault.fault}, the stream ends with ${fault.expected}`, fault] as const))(
      "%s",
      async (_name, { script, impatient: useImpatient, outcome }) => {
        upstream.enqueue(script);
        const before = upstream.requests.length;
        const result = await postForSse(messagesUrl(useImpatient ? impatient : app), { message: "hi" });

        expect(result.status).toBe(200);
        expect(upstream.requests.length - before, "no retry with UPSTREAM_MAX_RETRIES=0").toBe(1);
        const events = payloads(result.events);
        const tokens = events.filter((event) => event.event === "token").map((event) => (event.data as { content: string }).content);
        expect(
          events.slice(0, -1).every((event) => event.event === "token"),
          "only tokens before the last event",
        ).toBe(true);
        const last = events.at(-1)!;

        if (outcome.kind === "complete") {
          expect(last).toMatchObject({ event: "complete", data: { content: outcome.content, finishReason: "stop" } });
          expect(tokens.join("")).toBe(outcome.content);
          expect(result.raw).not.toContain("\uFFFD");
          return;
        }
        expect(last).toEqual({
          event: "error",
          data: {
            code: outcome.code,
            message: expect.any(String),
            retryable: outcome.retryable,
            ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }),
            partialContent: outcome.partialContent,
          },
        });
        expect(tokens.join(""), "partialContent is every token sent").toBe(outcome.partialContent);
      },
    );
  });

  describe("an upstream fault during a JSON reply", () => {
    it.each(FAULTS.map((fault) => [`after ${fault.fault}, the JSON answer is ${fault.expected}`, fault] as const))(
      "%s",
      async (_name, { script, impatient: useImpatient, outcome }) => {
        upstream.enqueue(script);
        const result = await postJson(messagesUrl(useImpatient ? impatient : app), { message: "hi" });

        expect(result.headers["content-type"]).toBe("application/json; charset=utf-8");
        expect(result.headers["x-request-id"]).toEqual(expect.any(String));
        if (outcome.kind === "complete") {
          expect(result.status, result.raw).toBe(200);
          expectMatchesSchema("MessageResponse", result.body);
          expect((result.body as MessageResponse).message.content).toBe(outcome.content);
          expect(result.raw).not.toContain("\uFFFD");
          return;
        }
        const error = expectContractError(result, outcome.status, outcome.code);
        expect(error.details).toBeUndefined();
        // No text produced means no partialContent at all, rather than an empty string.
        expect(error.partialContent).toBe(outcome.partialContent === "" ? undefined : outcome.partialContent);
        expect(result.headers["retry-after"]).toBe(outcome.retryAfterSeconds === undefined ? undefined : String(outcome.retryAfterSeconds));
      },
    );
  });

  describe("retrying after an upstream 429 with UPSTREAM_MAX_RETRIES=1", () => {
    it.each(["sse", "json"] as const)("waits the upstream's Retry-After before the retry, then succeeds (%s)", async (mode) => {
      upstream.enqueue(status(429, { "retry-after": "1" }), { tokens: ["after", " the", " wait"] });
      const before = upstream.requests.length;
      let content: string | undefined;
      if (mode === "sse") {
        const result = await postForSse(messagesUrl(retrying), { message: "hi" });
        const last = payloads(result.events).at(-1)!;
        expect(last.event).toBe("complete");
        content = (last.data as { content: string }).content;
      } else {
        const result = await postJson(messagesUrl(retrying), { message: "hi" });
        expect(result.status, result.raw).toBe(200);
        content = (result.body as MessageResponse).message.content;
      }

      expect(content).toBe("after the wait");
      expect(upstream.requests.length - before).toBe(2);
      const [first, second] = [upstream.requests[before]!, upstream.requests[before + 1]!];
      // Timers may fire a millisecond early relative to performance.now() in another module; 1 s is what was asked.
      expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(990);
      expect(second.receivedAt - first.receivedAt).toBeLessThan(3_000);
    });
  });

  describe("after every fault", () => {
    it("is still healthy and still answers a plain request", async () => {
      const health = await fetch(`${app.baseUrl}/api/v1/health`);
      expect(health.status).toBe(200);
      expectMatchesSchema("Health", await health.json());

      upstream.enqueue({ tokens: ["still", " here"] });
      const result = await postForSse(messagesUrl(app), { message: "hi" });
      expect(payloads(result.events).at(-1)).toMatchObject({ event: "complete", data: { content: "still here" } });
      expect(app.replies.active).toBe(0);
      expect(impatient.replies.active).toBe(0);
    });
  });
});
