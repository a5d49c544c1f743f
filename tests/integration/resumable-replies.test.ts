/**
 * Resumable replies over real HTTP, on the in-memory reply log: a reply that outlives its connection, readers that
 * resume after any event id with the same bytes, Stop from a separate request, and the bounds on detached and ended
 * replies.
 */
import { describe, expect, it } from "vitest";
import type { StopResult } from "../../contract/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { postJson } from "../helpers/post-json.js";
import { getSse, openSse, payloads, postForSse, type ReceivedEvent } from "../helpers/read-sse.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let brief: TestApp;
useAppOnFakeUpstream({ apps: { app: {}, brief: { REPLY_MAX_DETACHED_MS: "1000", REPLY_RETENTION_MS: "1000" } } }, (started) => {
  ({ upstream, app } = started);
  brief = started.apps.brief;
});

const TOKENS = Array.from({ length: 12 }, (_, index) => `word${index} `);
const messagesUrl = (target: TestApp) => `${target.baseUrl}/api/v1/messages`;
const eventsUrl = (target: TestApp, messageId: string, query = "") => `${target.baseUrl}/api/v1/messages/${messageId}/events${query}`;
const stop = async (target: TestApp, messageId: string) => postJson(`${target.baseUrl}/api/v1/messages/${messageId}/stop`, {});

/** The frames of `events` as the wire carried them. */
const frames = (events: readonly ReceivedEvent[]) => events.map((event) => `event: ${event.event}\nid: ${event.id}\ndata: ${event.data}\n\n`).join("");

/** Starts a resumable reply and leaves after `keep` events; resolves with its id and what arrived. */
async function startAndLeave(target: TestApp, keep: number) {
  const first = await postForSse(messagesUrl(target), { message: "hi", resumable: true }, { disconnectAfterEvents: keep });
  return { messageId: String(first.headers["x-message-id"]), first };
}

describe("a resumable reply", () => {
  it("keeps generating after its reader leaves, and a reader resuming after any event gets the rest, byte for byte", async () => {
    upstream.enqueue({ tokens: TOKENS, delayMs: 15 });
    const { messageId, first } = await startAndLeave(app, 3);
    expect(first.events.map((event) => event.id)).toEqual(["1", "2", "3"]);

    const resumed = await getSse(eventsUrl(app, messageId), { headers: { "last-event-id": "3" } });
    expect(resumed.status).toBe(200);
    expect(resumed.headers["x-message-id"]).toBe(messageId);
    expect(resumed.events.map((event) => event.id)).toEqual(Array.from({ length: TOKENS.length + 1 - 3 }, (_, index) => String(index + 4)));
    expect(payloads(resumed.events).at(-1)).toMatchObject({ event: "complete", data: { messageId, content: TOKENS.join(""), finishReason: "stop" } });

    // From the start: exactly what an uninterrupted reader gets, and the first stream's bytes are its prefix.
    const whole = await getSse(eventsUrl(app, messageId));
    expect(whole.raw.startsWith(frames(first.events))).toBe(true);
    expect(frames(whole.events)).toBe(frames([...first.events, ...resumed.events]));
    for (const cut of [0, 1, 7, TOKENS.length]) {
      const fromCut = await getSse(eventsUrl(app, messageId, `?lastEventId=${cut}`));
      expect(frames(fromCut.events), `after event ${cut}`).toBe(frames(whole.events.slice(cut)));
    }
  });

  it("streams live to every reader at once, each from where it joined, all ending with the same complete", async () => {
    upstream.enqueue({ tokens: TOKENS, delayMs: 20 });
    const first = openSse(messagesUrl(app), { message: "hi", resumable: true });
    await expect.poll(() => first.events.length).toBeGreaterThanOrEqual(2);
    const messageId = await fetchMessageId(first);
    const second = getSse(eventsUrl(app, messageId));
    const third = getSse(eventsUrl(app, messageId), { headers: { "last-event-id": "1" } });
    const [one, two, three] = await Promise.all([first.finished, second, third]);
    expect(frames(two.events)).toBe(frames(one.events));
    expect(frames(three.events)).toBe(frames(one.events.slice(1)));
    expect(upstream.requests.filter((request) => request.body.stream === true).length).toBeGreaterThanOrEqual(1);
  });

  it("answers 204 to a reader that already has the last event, 404 to an unknown id, 400 to a bad Last-Event-ID", async () => {
    upstream.enqueue({ tokens: ["a", "b"] });
    const done = await postForSse(messagesUrl(app), { message: "hi", resumable: true });
    const messageId = String(done.headers["x-message-id"]);
    const last = done.events.at(-1)!.id!;
    const caughtUp = await fetch(eventsUrl(app, messageId), { headers: { "last-event-id": last } });
    expect(caughtUp.status).toBe(204);
    expect(await caughtUp.text()).toBe("");

    const unknown = await fetch(eventsUrl(app, "msg_nosuchreply"), { headers: { accept: "text/event-stream" } });
    expectContractError({ status: unknown.status, headers: unknown.headers, raw: await unknown.text() }, 404, "not_found");
    const bad = await fetch(eventsUrl(app, messageId), { headers: { "last-event-id": "two" } });
    expectContractError({ status: bad.status, headers: bad.headers, raw: await bad.text() }, 400, "invalid_request");
    const json = await fetch(eventsUrl(app, messageId), { headers: { accept: "application/json" } });
    expectContractError({ status: json.status, headers: json.headers, raw: await json.text() }, 406, "not_acceptable");
  });

  it("stops from a separate request: the model call closes, every reader ends with complete cancelled and the text so far", async () => {
    upstream.enqueue({ tokens: TOKENS, delayMs: 40 });
    const before = upstream.requests.length;
    const first = openSse(messagesUrl(app), { message: "hi", resumable: true });
    await expect.poll(() => first.events.length).toBeGreaterThanOrEqual(3);
    const messageId = await fetchMessageId(first);
    const second = openSse(eventsUrl(app, messageId), undefined, { method: "GET" });
    await expect.poll(() => second.events.length).toBeGreaterThanOrEqual(1);

    const stoppedAt = performance.now();
    const answer = await stop(app, messageId);
    expect(answer.status, answer.raw).toBe(200);
    expect(JSON.parse(answer.raw) as StopResult).toEqual({ messageId, outcome: "stopping" });
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 1_000);
    expect(request.closedAt! - stoppedAt).toBeLessThan(100);
    expect(request.finished).toBe(false);

    for (const reader of await Promise.all([first.finished, second.finished])) {
      const ended = payloads(reader.events).at(-1);
      const tokens = payloads(reader.events.filter((event) => event.event === "token")).map(({ data }) => (data as { content: string }).content);
      expect(ended).toMatchObject({ event: "complete", data: { messageId, finishReason: "cancelled" } });
      expect((ended!.data as { content: string }).content.startsWith(tokens.join(""))).toBe(true);
    }
    expect(JSON.parse((await stop(app, messageId)).raw) as StopResult).toEqual({ messageId, outcome: "already_ended" });
    await expect.poll(async () => (await app.metrics()).includes('chat_streams_aborted_total{mode="sse",reason="stop"} 1')).toBe(true);
  });

  it("answers 404 to a stop for an unknown reply", async () => {
    const answer = await stop(app, "msg_nosuchreply");
    expectContractError({ status: answer.status, headers: answer.headers as never, raw: answer.raw }, 404, "not_found");
  });

  it("is stopped after REPLY_MAX_DETACHED_MS with nobody reading, and expires REPLY_RETENTION_MS after it ended", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 200 }, () => "slow "), delayMs: 50 });
    const before = upstream.requests.length;
    const { messageId } = await startAndLeave(brief, 1);
    const request = upstream.requests[before]!;
    await upstream.waitForClose(request, 5_000);
    expect(request.finished).toBe(false);

    const kept = await getSse(eventsUrl(brief, messageId));
    expect(payloads(kept.events).at(-1)).toMatchObject({ event: "complete", data: { finishReason: "cancelled" } });
    expect(await brief.metrics()).toContain('chat_streams_aborted_total{mode="sse",reason="detached"} 1');
    await expect.poll(async () => (await fetch(eventsUrl(brief, messageId))).status, { timeout: 5_000 }).toBe(404);
  });

  it("holds its concurrency slot until it ends, not until its first reader leaves", async () => {
    upstream.enqueue({ tokens: TOKENS, delayMs: 30 });
    await startAndLeave(app, 1);
    expect(app.replies.active).toBe(1);
    await expect.poll(() => app.replies.active, { timeout: 5_000 }).toBe(0);
  });
});

describe("a reply sent without resumable", () => {
  it("carries X-Message-Id too, but cannot be followed or stopped: its events are not kept", async () => {
    upstream.enqueue({ tokens: ["plain"] });
    const result = await postForSse(messagesUrl(app), { message: "hi" });
    const messageId = String(result.headers["x-message-id"]);
    expect(payloads(result.events).at(-1)).toMatchObject({ event: "complete", data: { messageId } });
    expect((await fetch(eventsUrl(app, messageId))).status).toBe(404);
    expect((await stop(app, messageId)).status).toBe(404);
  });
});

/** The X-Message-Id of a stream still being read, from its headers. */
async function fetchMessageId(stream: ReturnType<typeof openSse>): Promise<string> {
  return String((await stream.headers).headers["x-message-id"]);
}
