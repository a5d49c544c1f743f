/**
 * The per-client limits (per address here: no keys are configured): requests per minute, concurrent replies and
 * tokens per day each answer the contract's 429 `rate_limited` with `Retry-After` and the RateLimit headers, every
 * `sendMessage` answer carries the headers, and a concurrency slot comes back however a reply ends.
 */
import { describe, expect, it } from "vitest";
import type { MessageResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { getSse, openSse, payloads, postForSse, type SseResult } from "../helpers/read-sse.js";
import { postJson, type HttpResult } from "../helpers/post-json.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let upstream: FakeOpenAiUpstream;
let requests: TestApp;
let concurrent: TestApp;
let tokens: TestApp;
let open: TestApp;

useAppOnFakeUpstream(
  {
    apps: {
      requests: { RATE_LIMIT_REQUESTS_PER_MINUTE: "3" },
      concurrent: { RATE_LIMIT_CONCURRENT_REPLIES: "1", REPLY_MAX_DETACHED_MS: "60000" },
      tokens: { RATE_LIMIT_TOKENS_PER_DAY: "40" },
      open: {},
    },
  },
  (started) =>
    ({
      upstream,
      apps: { requests, concurrent, tokens, open },
    } = started),
);

const messagesUrl = (app: TestApp) => `${app.baseUrl}/api/v1/messages`;
const sendJson = (app: TestApp, message: string) => postJson(messagesUrl(app), { message });
const header = (answer: Pick<HttpResult, "headers">, name: string) => answer.headers[name] as string | undefined;

/** A 429 as the contract has it, refused by `policy`; returns Retry-After in seconds. */
function expectRateLimited(answer: HttpResult, policy: string): number {
  const error = expectContractError(answer, 429, "rate_limited");
  const retryAfter = Number(header(answer, "retry-after"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After: ${header(answer, "retry-after")}`).toBe(true);
  expect(header(answer, "ratelimit-policy")).toContain(`"${policy}";q=`);
  expect(header(answer, "ratelimit")).toBe(`"${policy}";r=0;t=${retryAfter}`);
  expect(error.message).toMatch(new RegExp(`try again in \\d+ (s|min|h)`));
  return retryAfter;
}

function completedContent(result: SseResult): string {
  const last = payloads(result.events).at(-1);
  expect(last?.event, JSON.stringify(last)).toBe("complete");
  return (last!.data as { content: string }).content;
}

const slow = (label: string, count: number, delayMs = 20): UpstreamScript => ({ tokens: Array.from({ length: count }, (_, i) => `${label}${i} `), delayMs });

describe("RATE_LIMIT_REQUESTS_PER_MINUTE", () => {
  it("answers the fourth request of the minute 429 with Retry-After and both RateLimit headers, without calling the model", async () => {
    const answers = [await sendJson(requests, "one"), await postForSse(messagesUrl(requests), { message: "two" }), await sendJson(requests, "three")];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    // Both response modes carry the headers; the remaining count goes down with each request.
    expect(answers.map((answer) => header(answer, "ratelimit"))).toEqual([
      expect.stringMatching(/^"requests";r=2;t=\d+$/),
      expect.stringMatching(/^"requests";r=1;t=\d+$/),
      expect.stringMatching(/^"requests";r=0;t=\d+$/),
    ]);
    for (const answer of answers) expect(header(answer, "ratelimit-policy")).toBe('"requests";q=3;w=60');

    const before = upstream.requests.length;
    const refused = await sendJson(requests, "four");
    const retryAfter = expectRateLimited(refused, "requests");
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((refused.body as { error: { message: string } }).error.message).toMatch(
      /^This address has sent its 3 requests for this minute; try again in \d+ s\.$/,
    );
    expect(upstream.requests.length, "a refused request never reaches the model").toBe(before);
    expectRateLimited(await postJson(messagesUrl(requests), { message: "five" }, { accept: "text/event-stream" }), "requests");
    expect(await requests.metrics()).toMatch(/^chat_rate_limited_total\{limit="requests"\} 2$/m);
  });

  it("sends no RateLimit headers when no limit is configured", async () => {
    const answer = await sendJson(open, "hello");
    expect(answer.status).toBe(200);
    expect(header(answer, "ratelimit-policy")).toBeUndefined();
    expect(header(answer, "ratelimit")).toBeUndefined();
  });
});

describe("RATE_LIMIT_CONCURRENT_REPLIES", () => {
  const url = () => messagesUrl(concurrent);
  /** Resolves once the client's only slot is free again: a plain reply is admitted. */
  const expectSlotFree = async () => {
    await expect.poll(async () => (await sendJson(concurrent, "probe")).status, { timeout: 10_000, interval: 50 }).toBe(200);
  };

  it("refuses a second reply while one runs, then admits again once it completed", async () => {
    upstream.enqueue(slow("a", 20));
    const running = openSse(url(), { message: "a" });
    expect((await running.headers).headers["ratelimit"]).toBe('"concurrent";r=0');
    const refused = await sendJson(concurrent, "b");
    expectRateLimited(refused, "concurrent");
    expect(header(refused, "retry-after")).toBe("1");
    expect(header(refused, "ratelimit-policy")).toBe('"concurrent";q=1;qu="concurrent-requests"');
    expect(completedContent(await running.finished)).toBe(slow("a", 20).tokens!.join(""));
    await expectSlotFree();
  });

  it("gives the slot back after a failure, a client abort and a Stop, so replies beyond the limit all succeed one after another", async () => {
    // Failures, in both modes.
    upstream.enqueue({ fault: { kind: "status", status: 500 } });
    expect((await sendJson(concurrent, "fails")).status).toBe(503);
    upstream.enqueue({ tokens: ["a", "b"], fault: { kind: "reset", afterTokens: 1 } });
    expect((await postForSse(url(), { message: "fails mid-reply" })).raw).toContain('"code":"upstream_unavailable"');
    // A client that leaves mid-reply.
    upstream.enqueue(slow("gone", 200));
    const before = upstream.requests.length;
    await postForSse(url(), { message: "leaves" }, { disconnectAfterEvents: 2 });
    await upstream.waitForRequests(before + 1, 10_000);
    await expectSlotFree();
    // A resumable reply stopped by its client.
    upstream.enqueue(slow("stopped", 400));
    const stopped = openSse(url(), { message: "stop me", resumable: true });
    const messageId = (await stopped.headers).headers["x-message-id"] as string;
    expect((await postJson(`${url()}/${messageId}/stop`, {})).status).toBe(200);
    expect(payloads((await stopped.finished).events).at(-1)?.data).toMatchObject({ finishReason: "cancelled" });
    await expectSlotFree();
    // Ten more in a row: nothing leaked.
    for (let index = 0; index < 10; index += 1) expect((await sendJson(concurrent, `again ${index}`)).status).toBe(200);
  });

  it("keeps a resumable reply's slot after its reader leaves, until the reply itself ends", async () => {
    upstream.enqueue(slow("detached", 60, 30));
    const first = await postForSse(url(), { message: "read a little", resumable: true }, { disconnectAfterEvents: 2 });
    const messageId = first.headers["x-message-id"] as string;
    // Nobody reads it now, but it still runs: the client's one slot is still taken.
    expectRateLimited(await sendJson(concurrent, "while detached"), "concurrent");
    // Follow it to its end; then the slot is free.
    const rest = await getSse(`${url()}/${messageId}/events`, { headers: { "last-event-id": "2" } });
    expect(payloads(rest.events).at(-1)?.event).toBe("complete");
    await expectSlotFree();
  });
});

describe("RATE_LIMIT_TOKENS_PER_DAY", () => {
  it("lets a running reply finish when the budget runs out meanwhile, then refuses new ones until 00:00 UTC", async () => {
    // The long reply starts first and is still running when the short one spends the budget (9 + 35 tokens > 40).
    upstream.enqueue(slow("long", 40, 60), { tokens: Array.from({ length: 35 }, (_, i) => `s${i}`) });
    const long = openSse(messagesUrl(tokens), { message: "long" });
    await expect.poll(() => long.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const short = await sendJson(tokens, "short");
    expect(short.status, short.raw).toBe(200);
    expect((short.body as MessageResponse).usage?.totalTokens).toBe(44);

    expect(completedContent(await long.finished), "the running reply was not cut").toBe(slow("long", 40).tokens!.join(""));

    const refused = await sendJson(tokens, "more");
    const retryAfter = expectRateLimited(refused, "tokens");
    const now = new Date();
    const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
    expect(Math.abs(retryAfter - toMidnight), `Retry-After ${retryAfter} s, midnight UTC in ${toMidnight} s`).toBeLessThan(30);
    expect(header(refused, "ratelimit-policy")).toBe('"tokens";q=40;w=86400');
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/^This address has used its 40 tokens for today; try again in /);
    expect(await tokens.metrics()).toMatch(/^chat_rate_limited_total\{limit="tokens"\} 1$/m);
  });
});
