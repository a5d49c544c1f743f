/**
 * A resumable reply of a reasoning model, in the memory reply log and in Redis (two instances): reasoning events are
 * logged with their ids, a reader resuming mid-reasoning gets the rest byte for byte, and Stop while the model thinks
 * closes the upstream at once and ends with `complete` (cancelled) carrying the reasoning so far.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StopResult } from "../../contract/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { postJson } from "../helpers/post-json.js";
import { getSse, openSse, payloads, postForSse, type ReceivedEvent } from "../helpers/read-sse.js";
import { startAppOnFakeUpstream, type AppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let redis: RedisServerHandle;
let started: AppOnFakeUpstream<"memory" | "one" | "two">;
let upstream: FakeOpenAiUpstream;

beforeAll(async () => {
  redis = await startRedisServer();
  started = await startAppOnFakeUpstream({ apps: { memory: {}, one: { REDIS_URL: redis.url }, two: { REDIS_URL: redis.url } } });
  ({ upstream } = started);
});
afterAll(async () => {
  await started?.close();
  await redis?.stop();
});
beforeEach(() => upstream.reset());

const THINKING = Array.from({ length: 8 }, (_, index) => `thought ${index}. `);
const ANSWER = ["The", " answer", "."];
const messagesUrl = (target: TestApp) => `${target.baseUrl}/api/v1/messages`;
const eventsUrl = (target: TestApp, messageId: string) => `${target.baseUrl}/api/v1/messages/${messageId}/events`;
const frames = (events: readonly ReceivedEvent[]) => events.map((event) => `event: ${event.event}\nid: ${event.id}\ndata: ${event.data}\n\n`).join("");

/** Where the reply is generated, and where it is resumed and stopped (the same instance, or another one on Redis). */
const SETUPS = [
  { store: "memory", writer: () => started.apps.memory, reader: () => started.apps.memory },
  { store: "Redis", writer: () => started.apps.one, reader: () => started.apps.two },
] as const;

describe.each(SETUPS)("a resumable reasoning reply in $store", ({ writer, reader }) => {
  it("logs reasoning events with their ids: a reader resuming mid-reasoning gets every later event once, byte-identical", async () => {
    upstream.enqueue({ reasoning: THINKING, tokens: ANSWER, reasoningField: "reasoning", delayMs: 10 });
    const first = await postForSse(messagesUrl(writer()), { message: "hi", resumable: true, includeReasoning: true }, { disconnectAfterEvents: 3 });
    const messageId = String(first.headers["x-message-id"]);
    const whole = await getSse(eventsUrl(reader(), messageId));
    expect(whole.events.map((event) => event.event)).toEqual([...THINKING.map(() => "reasoning"), ...ANSWER.map(() => "token"), "complete"]);
    expect(whole.events.map((event) => Number(event.id))).toEqual(Array.from({ length: THINKING.length + ANSWER.length + 1 }, (_, index) => index + 1));
    expect(payloads(whole.events).at(-1)).toMatchObject({ event: "complete", data: { content: ANSWER.join(""), reasoning: THINKING.join("") } });
    expect(frames(whole.events).startsWith(frames(first.events))).toBe(true);
    for (const cut of [1, 3, THINKING.length, THINKING.length + 1]) {
      const resumed = await getSse(eventsUrl(reader(), messageId), { headers: { "last-event-id": String(cut) } });
      expect(frames(resumed.events), `after event ${cut}`).toBe(frames(whole.events.slice(cut)));
    }
  });

  it("logs no reasoning for a reader that did not ask for it", async () => {
    upstream.enqueue({ reasoning: THINKING, tokens: ANSWER });
    const first = await postForSse(messagesUrl(writer()), { message: "hi", resumable: true });
    const whole = await getSse(eventsUrl(reader(), String(first.headers["x-message-id"])));
    expect(whole.raw).not.toContain("reasoning");
    expect(frames(whole.events)).toBe(frames(first.events));
  });

  it("stops while the model thinks: the upstream closes at once, and complete (cancelled) carries the reasoning so far", async () => {
    upstream.enqueue({ reasoning: Array.from({ length: 200 }, (_, index) => `thought ${index}. `), tokens: ANSWER, delayMs: 25 });
    const before = upstream.requests.length;
    const first = openSse(messagesUrl(writer()), { message: "hi", resumable: true, includeReasoning: true });
    await expect.poll(() => first.events.length).toBeGreaterThanOrEqual(2);
    const messageId = String((await first.headers).headers["x-message-id"]);

    const stoppedAt = performance.now();
    const answer = await postJson(`${reader().baseUrl}/api/v1/messages/${messageId}/stop`, {});
    expect(JSON.parse(answer.raw) as StopResult).toEqual({ messageId, outcome: "stopping" });
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 2_000);
    // The 200 thoughts would take 5 s: closing well before shows the stop reached the model call while it thought.
    expect(request.closedAt! - stoppedAt).toBeLessThan(1_000);
    expect(request.finished).toBe(false);

    const ended = await first.finished;
    const last = payloads(ended.events).at(-1)!;
    expect(last).toMatchObject({ event: "complete", data: { messageId, content: "", finishReason: "cancelled" } });
    const reasoningSent = ended.events.filter((event) => event.event === "reasoning").map((event) => (JSON.parse(event.data) as { content: string }).content);
    expect((last.data as { reasoning: string }).reasoning).toBe(reasoningSent.join(""));
    expect(reasoningSent.length).toBeGreaterThanOrEqual(2);
  });
});
