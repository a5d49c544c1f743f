/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Replies under the browser's cap on open streams, through the state classes, the real SDK and the real app on the
 * fake upstream, in simulated tabs sharing one storage and one set of Web Locks: queued when no slot is free
 * (generating on the server meanwhile), let go out of view and re-attached when shown, followed live from another tab,
 * and ten at once over three tabs.
 */
import { describe, expect, it } from "vitest";
import type { ChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createMemoryLocks, type Locks } from "../../web/src/lib/slots/create-memory-locks.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { openBrowser } from "./open-tabs.js";

let upstream: FakeOpenAiUpstream;
let client: ChatClient;

useAppOnFakeUpstream({}, (started) => ({ upstream, client } = started));

const words = (count: number, prefix = "w") => Array.from({ length: count }, (_, index) => `${prefix}${index} `);
const lastOf = (tab: ChatStore, conversationId = tab.active.id) => tab.conversations.find((c) => c.id === conversationId)!.messages.at(-1)!;

/** Web Locks that also count how many stream slots are held at once. */
function countingLocks() {
  const locks = createMemoryLocks();
  const counts = { held: 0, most: 0 };
  const counting: Locks = {
    request(name, options, callback) {
      return locks.request(name, options, async (lock) => {
        const slot = lock !== null && name.startsWith("chat-stream-slot-");
        if (slot) counts.most = Math.max(counts.most, ++counts.held);
        try {
          return await callback(lock);
        } finally {
          if (slot) counts.held -= 1;
        }
      });
    },
  };
  return { locks: counting, counts };
}

describe("replies and slots", () => {
  it("a reply that finds no free slot is queued, generates on the server meanwhile, and shows in full once a slot frees", async () => {
    upstream.enqueue({ tokens: words(20, "a"), delayMs: 30 }, { tokens: words(8, "b"), delayMs: 10 });
    const browser = openBrowser({ client, slots: { slots: 1, sharedSlots: 1 } });
    const first = browser.openTab();
    const second = browser.openTab();
    const calls = upstream.requests.length;
    const firstSending = first.session.send("Take the only slot");
    await expect.poll(() => first.session.status).toBe("streaming");

    const secondSending = second.session.send("Wait for it");

    await expect.poll(() => second.session.status).toBe("queued");
    await upstream.waitForRequests(calls + 2, 5_000);
    const secondCall = upstream.requests.at(-1)!;
    await upstream.waitForClose(secondCall, 5_000);
    expect(secondCall.finished, "generated in full on the server while queued").toBe(true);
    // What arrived on the POST before the server's answer named the reply and the page let go of it, if anything.
    expect(lastOf(second).state).toBe("streaming");
    expect(lastOf(second).content.length).toBeLessThan(words(8, "b").join("").length);
    expect(second.session.status).toBe("queued");
    expect(first.session.status).toBe("streaming");

    await firstSending;
    await secondSending;
    expect(lastOf(second)).toMatchObject({ state: "complete", content: words(8, "b").join("") });
    expect(lastOf(first)).toMatchObject({ state: "complete", content: words(20, "a").join("") });
  });

  it("a reply out of view keeps streaming on a slot shared by such replies", async () => {
    upstream.enqueue({ tokens: words(20), delayMs: 20 });
    const tab = openBrowser({ client }).openTab();
    const sending = tab.session.send("Slow question");
    await expect.poll(() => lastOf(tab).content).not.toBe("");
    const slow = tab.session;

    tab.newConversation();

    expect(slow.status).toBe("streaming");
    await sending;
    expect(slow.conversation.messages.at(-1)).toMatchObject({ state: "complete", content: words(20).join("") });
  });

  it("with no slot to spare out of view, a reply lets go of its stream, and re-attaches to show it all when shown again", async () => {
    upstream.enqueue({ tokens: words(15), delayMs: 20 });
    const tab = openBrowser({ client, slots: { slots: 1, sharedSlots: 0 } }).openTab();
    const sending = tab.session.send("Slow question");
    await expect.poll(() => lastOf(tab).content).not.toBe("");
    const slowId = tab.active.id;
    const call = upstream.requests.at(-1)!;

    tab.newConversation();

    await expect.poll(() => tab.sessionFor(tab.conversations.find((c) => c.id === slowId)!).status).toBe("detached");
    await upstream.waitForClose(call, 5_000);
    expect(call.finished, "the model call went on to its end").toBe(true);
    expect(lastOf(tab, slowId).state).toBe("streaming");
    expect(words(15).join("").startsWith(lastOf(tab, slowId).content)).toBe(true);

    tab.select(slowId);
    await sending;
    expect(lastOf(tab, slowId)).toMatchObject({ state: "complete", content: words(15).join("") });
  });

  it("a reply streaming in one tab streams live in another tab showing its conversation", async () => {
    upstream.enqueue({ tokens: words(30), delayMs: 25 });
    const browser = openBrowser({ client });
    const sender = browser.openTab();
    const shown: string[] = [];
    const follower = browser.openTab({ onToken: (reply) => shown.push(reply.content) });
    const sending = sender.session.send("Shared question");
    await expect.poll(() => follower.conversations.some((c) => c.id === sender.active.id && c.messages[1]?.messageId !== undefined)).toBe(true);

    follower.select(sender.active.id);

    await expect.poll(() => follower.session.status).toBe("streaming");
    await sending;
    await expect.poll(() => lastOf(follower).state).toBe("complete");
    expect(lastOf(follower).content).toBe(words(30).join(""));
    expect(shown.length, "token by token, not all at the end").toBeGreaterThanOrEqual(5);
  });

  it("ten replies over three tabs hold at most four streams at once, and all complete", async () => {
    const replies = Array.from({ length: 10 }, (_, index) => words(12, `r${index}-`));
    upstream.enqueue(...replies.map((tokens) => ({ tokens, delayMs: 30 })));
    const { locks, counts } = countingLocks();
    const browser = openBrowser({ client, locks });
    const tabs = [browser.openTab(), browser.openTab(), browser.openTab()];
    const calls = upstream.requests.length;

    for (const [index] of replies.entries()) {
      const tab = tabs[index % 3]!;
      if (tab.active.messages.length > 0) tab.newConversation();
      void tab.session.send(`Question ${index}`);
    }

    await upstream.waitForRequests(calls + 10, 5_000);
    const expected = new Set(replies.map((tokens) => tokens.join("")));
    const completed = (tab: ChatStore) =>
      new Set(tab.conversations.flatMap((c) => (c.messages.at(-1)?.state === "complete" ? [c.messages.at(-1)!.content] : []))).size;
    await expect.poll(() => tabs.map(completed), { timeout: 15_000 }).toEqual([10, 10, 10]);
    expect(new Set(browser.saved().conversations.map((c) => c.messages.at(-1)!.content))).toEqual(expected);
    expect(counts.most).toBeLessThanOrEqual(4);
    expect(counts.most, "the cap was reached").toBe(4);
  });
});
