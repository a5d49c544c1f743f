/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * A reply that thinks, through ChatSession, the real SDK and the real app on a fake upstream that sends reasoning
 * deltas: what the request asks for under each setting, the statuses shown, what the reply keeps, and a connection
 * cut mid-thought, with the debug log's account of it.
 */
import { describe, expect, it } from "vitest";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { createStreamDebugLog } from "../../web/src/lib/debug/stream-debug-log.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { createPageFetch, pageClient } from "./page-fetch.js";
import { recordSession } from "./record-session.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;

useAppOnFakeUpstream({}, (started) => ({ upstream, app } = started));

const THOUGHTS = ["Let ", "me ", "think ", "about ", "**this**."];
const ANSWER = ["It ", "is ", "forty-two."];

/** The body of the page's first POST. */
const firstPost = (page: ReturnType<typeof createPageFetch>) => page.requests.find((request) => request.method === "POST")!.body!;

describe("with Show thinking on (the default)", () => {
  it("asks for the thinking, says Thinking… until the first token, and keeps the thinking and how long it took", async () => {
    upstream.enqueue({ reasoning: THOUGHTS, tokens: ANSWER, delayMs: 30 });
    const page = createPageFetch();
    const recorded = recordSession(pageClient(app.baseUrl, page));

    await recorded.session.send("What is the answer?");

    expect(firstPost(page)).toMatchObject({ includeReasoning: true });
    expect(recorded.statuses).toEqual(["sending", "thinking", "streaming", "ready"]);
    const reply = recorded.conversation.messages[1]!;
    expect(reply).toMatchObject({ state: "complete", content: ANSWER.join(""), reasoning: THOUGHTS.join("") });
    // Four pauses of 30 ms between the first thought and the first token, give or take the clocks.
    expect(reply.reasoningMs).toBeGreaterThanOrEqual(90);
    const stats = recorded.session.stats!;
    expect(stats.timeToFirstReasoningMs).toEqual(expect.any(Number));
    expect(stats.timeToFirstReasoningMs!).toBeLessThan(stats.timeToFirstTokenMs!);
  });

  it("shows a model that does not think as before: no Thinking… and no thinking fields", async () => {
    upstream.enqueue({ tokens: ANSWER, delayMs: 10 });
    const recorded = recordSession(pageClient(app.baseUrl, createPageFetch()));

    await recorded.session.send("What is the answer?");

    expect(recorded.statuses).toEqual(["sending", "streaming", "ready"]);
    expect(Object.keys(recorded.conversation.messages[1]!)).not.toEqual(expect.arrayContaining(["reasoning"]));
    expect(recorded.conversation.messages[1]!.reasoningMs).toBeUndefined();
  });
});

describe("with Show thinking off", () => {
  it("does not ask, so the server sends no thinking, and the request is what a page before reasoning sent", async () => {
    upstream.enqueue({ reasoning: THOUGHTS, tokens: ANSWER, delayMs: 10 });
    const page = createPageFetch();
    const recorded = recordSession(pageClient(app.baseUrl, page), { settings: { showThinking: false } });

    await recorded.session.send("What is the answer?");

    expect(firstPost(page)).not.toHaveProperty("includeReasoning");
    expect(recorded.statuses).toEqual(["sending", "streaming", "ready"]);
    expect(recorded.conversation.messages[1]).toMatchObject({ state: "complete", content: ANSWER.join("") });
    expect(recorded.conversation.messages[1]!.reasoning).toBeUndefined();
  });
});

describe("a connection cut while the model thinks", () => {
  it("reconnects and ends with every thought and token exactly once; the debug log tells each step", async () => {
    const thoughts = Array.from({ length: 12 }, (_, index) => `thought${index} `);
    upstream.enqueue({ reasoning: thoughts, tokens: ANSWER, delayMs: 40 });
    const page = createPageFetch({ cutAfterFrames: ({ method }) => (method === "POST" ? 4 : undefined) });
    const lines: string[] = [];
    const debugLog = createStreamDebugLog({ isOn: () => true, write: (line) => lines.push(line) });
    const recorded = recordSession(pageClient(app.baseUrl, page), { debugLog, reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });

    const sending = recorded.session.send("Think hard");
    await expect.poll(() => recorded.session.status, { timeout: 5_000, interval: 10 }).toBe("reconnecting");
    const cutAt = recorded.conversation.messages[1]!;
    expect(cutAt.content, "cut while it thought").toBe("");
    expect(cutAt.reasoning).not.toBe("");
    await sending;

    const reply = recorded.conversation.messages[1]!;
    expect(reply).toMatchObject({ state: "complete", reasoning: thoughts.join(""), content: ANSWER.join("") });
    expect(recorded.statuses.slice(-2)).toEqual(["streaming", "ready"]);
    expect(page.requests.filter((request) => request.method === "GET")).toHaveLength(1);

    // The end is logged once the connection is let go, a moment after the reply is shown complete.
    await expect.poll(() => lines.at(-1), { timeout: 2_000 }).toMatch(/^\[streaming-chat\] end /);
    const steps = lines.map((line) => /^\[streaming-chat\] (.+?) request=/.exec(line)?.[1]);
    expect(steps).toEqual(["start", "named", "first reasoning", "reconnect", "resume", "first token", "end"]);
    const requestIds = new Set(lines.map((line) => /request=(\S+)/.exec(line)![1]));
    expect(requestIds.size).toBe(1);
    expect(lines[3]).toMatch(/ attempt=1 wait=\d+ ms reason=\S+/);
    expect(lines[4]).toMatch(/ after=\d+$/);
    expect(lines.at(-1)).toMatch(/ outcome=complete$/);
  });
});
