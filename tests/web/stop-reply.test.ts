/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Stop on a resumable reply, through the UI's state classes, the real SDK and the real app on the fake upstream: the
 * reply ends for the person at once, and the server is told to stop generating it (`stopMessage`), so the model call
 * ends wherever it runs and every tab following the reply sees it stopped.
 */
import { describe, expect, it } from "vitest";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import type { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { openBrowser } from "./open-tabs.js";
import { createPageFetch, pageClient, stopRequests, type PageFetchOptions } from "./page-fetch.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;

useAppOnFakeUpstream({}, (started) => ({ upstream, app } = started));

const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index} `);

/** One tab of a browser, through a page fetch the test can watch. */
function openPage(options: PageFetchOptions = {}) {
  const page = createPageFetch(options);
  const browser = openBrowser({ client: pageClient(app.baseUrl, page) });
  return { page, browser, tab: browser.openTab() };
}

/** Sends a slow reply and waits until more than `count` of its words have arrived; returns the send's promise. */
async function sendUntil(tab: ChatStore, count: number): Promise<{ sending: Promise<boolean> }> {
  upstream.enqueue({ tokens: words(60), delayMs: 30 });
  const sending = tab.session.send("Write a long essay");
  await expect.poll(() => tab.active.messages[1]?.content.split(" ").length ?? 0, { timeout: 5_000 }).toBeGreaterThan(count + 1);
  return { sending };
}

describe("Stop", () => {
  it("ends the reply at once with the text it had, and the server stops generating it", async () => {
    const { page, tab } = openPage();
    const { sending } = await sendUntil(tab, 3);
    const request = upstream.requests.at(-1)!;
    const reply = tab.active.messages[1]!;

    tab.session.stop();
    const shown = reply.content;

    expect(reply.state, "stopped before any answer from the server").toBe("stopped");
    expect(tab.session.status).toBe("ready");
    expect(tab.session.busy).toBe(false);
    await sending;
    expect(stopRequests(page)).toEqual([reply.messageId]);
    await upstream.waitForClose(request, 5_000);
    expect(request.finished).toBe(false);
    expect(request.tokensSent).toBeLessThan(60);
    expect(reply).toMatchObject({ state: "stopped", content: shown });
    expect(tab.session.lastReply, "a stopped reply can be regenerated").toBe(reply);
  });

  it("still marks the reply stopped when the stop request fails", async () => {
    const { page, tab } = openPage({ refuse: ({ path }) => path.endsWith("/stop") });
    const { sending } = await sendUntil(tab, 3);

    tab.session.stop();
    await sending;

    expect(stopRequests(page)).toHaveLength(1);
    expect(tab.active.messages[1]!.state).toBe("stopped");
    expect(tab.session.status).toBe("ready");
  });

  it("pressed before the server named the reply, stops it on the server as soon as the name arrives", async () => {
    // The server answers at once; the page hears of it 300 ms later, as over a slow network.
    const { page, tab } = openPage({ holdMs: ({ method, path }) => (method === "POST" && path === "/api/v1/messages" ? 300 : undefined) });
    upstream.enqueue({ tokens: words(60), delayMs: 30 });
    const calls = upstream.requests.length;
    const sending = tab.session.send("Write a long essay");
    await upstream.waitForRequests(calls + 1, 5_000);

    tab.session.stop();

    expect(tab.active.messages[1]).toMatchObject({ state: "stopped", content: "" });
    expect(tab.session.busy).toBe(false);
    await sending;
    await expect.poll(() => stopRequests(page), { timeout: 5_000 }).toHaveLength(1);
    expect(stopRequests(page)[0]).toBe(tab.active.messages[1]!.messageId);
    const request = upstream.requests.at(-1)!;
    await upstream.waitForClose(request, 5_000);
    expect(request.finished).toBe(false);
  });

  it("in one tab shows the reply stopped in the other tab that follows it, with the server's text", async () => {
    const page = createPageFetch();
    const browser = openBrowser({ client: pageClient(app.baseUrl, page) });
    const sender = browser.openTab();
    const follower = browser.openTab({ client: pageClient(app.baseUrl, createPageFetch()) });
    await sendUntil(sender, 2);
    follower.select(sender.active.id);
    await expect.poll(() => follower.session.status, { timeout: 5_000 }).toBe("streaming");
    await expect.poll(() => follower.active.messages[1]?.content.split(" ").length ?? 0, { timeout: 5_000 }).toBeGreaterThan(5);

    sender.session.stop();

    await expect.poll(() => follower.active.messages[1]!.state, { timeout: 5_000 }).toBe("stopped");
    expect(follower.active.messages[1]!.content.startsWith(sender.active.messages[1]!.content)).toBe(true);
    expect(follower.session.status).toBe("ready");
  });
});
