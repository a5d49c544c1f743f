/// <reference types="svelte" />
/**
 * The wait before sending again: the countdown on an injected clock, and a ChatSession that gets a 429 from the real
 * server with RATE_LIMIT_REQUESTS_PER_MINUTE=1 and then refuses to send, retry or regenerate until the wait passed.
 */
import { describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { ChatSession } from "../../web/src/lib/chat/chat-session.svelte.js";
import { Conversation } from "../../web/src/lib/chat/conversation.svelte.js";
import { SendCountdown, type CountdownClock } from "../../web/src/lib/chat/send-countdown.svelte.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

/** A clock that moves only when told, running the countdown's timer as a browser would. */
function createManualClock(): CountdownClock & { advance(ms: number): void; timers: number } {
  let now = Date.UTC(2026, 11, 1, 12);
  const callbacks = new Map<number, () => void>();
  let nextId = 1;
  return {
    now: () => now,
    setInterval(callback) {
      callbacks.set(nextId, callback);
      return nextId++;
    },
    clearInterval: (handle) => void callbacks.delete(handle as number),
    advance(ms) {
      for (let step = 0; step < ms; step += 250) {
        now += Math.min(250, ms - step);
        for (const callback of [...callbacks.values()]) callback();
      }
    },
    get timers() {
      return callbacks.size;
    },
  };
}

describe("SendCountdown", () => {
  it("counts whole seconds down, announcing the wait once when it starts and once when it ends", () => {
    const clock = createManualClock();
    const countdown = new SendCountdown(clock);
    expect(countdown.active).toBe(false);
    countdown.start(3);
    expect([countdown.active, countdown.secondsLeft, countdown.announcement]).toEqual([true, 3, "You can send again in 3 seconds."]);
    clock.advance(1_000);
    expect(countdown.secondsLeft).toBe(2);
    clock.advance(1_000);
    expect([countdown.secondsLeft, countdown.announcement], "no announcement per tick").toEqual([1, "You can send again in 3 seconds."]);
    clock.advance(1_000);
    expect([countdown.active, countdown.secondsLeft, countdown.announcement]).toEqual([false, 0, "You can send again now."]);
    expect(clock.timers, "the timer stops with the wait").toBe(0);
  });

  it("keeps the longer of two waits", () => {
    const clock = createManualClock();
    const countdown = new SendCountdown(clock);
    countdown.start(10);
    countdown.start(2);
    expect(countdown.secondsLeft).toBe(10);
    countdown.start(30);
    expect([countdown.secondsLeft, countdown.announcement]).toEqual([30, "You can send again in 30 seconds."]);
    expect(clock.timers).toBe(1);
  });
});

let upstream: FakeOpenAiUpstream;
let app: TestApp;
useAppOnFakeUpstream({ apps: { app: { RATE_LIMIT_REQUESTS_PER_MINUTE: "1" } } }, (started) => ({ upstream, app } = started));

describe("a ChatSession told to wait", () => {
  it("starts the countdown from the 429's Retry-After, and sends, retries or regenerates nothing until it has passed", async () => {
    const clock = createManualClock();
    const countdown = new SendCountdown(clock);
    const conversation = new Conversation();
    const session = new ChatSession({ client: createChatClient({ baseUrl: app.baseUrl }), conversation, onChange: () => {}, countdown });

    await session.send("first");
    expect(conversation.messages.at(-1)?.state).toBe("complete");
    await session.send("second");
    const failure = conversation.messages.at(-1)?.failure;
    expect(failure).toMatchObject({ code: "rate_limited", retryable: true, retryAfterSeconds: expect.any(Number) });
    expect(countdown.secondsLeft).toBe(failure!.retryAfterSeconds);
    expect(session.waiting).toBe(true);

    const requestsBefore = upstream.requests.length;
    const messagesBefore = conversation.messages.length;
    expect(await session.send("third")).toBe(false);
    expect(await session.regenerate()).toBe(false);
    expect(conversation.messages).toHaveLength(messagesBefore);

    clock.advance(failure!.retryAfterSeconds! * 1_000);
    expect(session.waiting).toBe(false);
    // The server's own minute has not passed (the clock here is a fake), so the retry is refused again: and waits again.
    expect(await session.regenerate()).toBe(true);
    expect(conversation.messages.at(-1)?.failure?.code).toBe("rate_limited");
    expect(session.waiting).toBe(true);
    expect(upstream.requests.length, "no refused request reached the model").toBe(requestsBefore);
  });
});
