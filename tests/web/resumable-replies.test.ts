/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Replies that outlive their connection, through the UI's state classes, the real SDK and the real app on the fake
 * upstream: what is saved to re-attach, a reload mid-reply (a new ChatStore over the same storage while the reply
 * streams), a reply the server no longer knows, and a dropped connection.
 */
import { describe, expect, it } from "vitest";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { openBrowser } from "./open-tabs.js";
import { createPageFetch, pageClient } from "./page-fetch.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;
/** Another server that never saw the replies of `app`: what a restart without Redis looks like to a page. */
let restarted: TestApp;

useAppOnFakeUpstream(
  { apps: { app: {}, restarted: {} } },
  (started) =>
    ({
      upstream,
      apps: { app, restarted },
    } = started),
);

const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index} `);
const wordCount = (reply: ChatMessage | undefined) => (reply?.content ?? "").split(" ").length - 1;

/** A browser whose first tab is sending a slow reply, through a page fetch the test can close. */
async function tabStreaming(tokens: string[], delayMs: number) {
  upstream.enqueue({ tokens, delayMs });
  const page = createPageFetch();
  const browser = openBrowser({ client: pageClient(app.baseUrl, page) });
  const tab = browser.openTab();
  void tab.session.send("Tell me a long story");
  await expect.poll(() => wordCount(tab.active.messages[1]), { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
  return { browser, tab, page };
}

/** The page goes away as a browser does it: `beforeunload` saves, then its requests are cut. */
function closePage({ tab, page }: Awaited<ReturnType<typeof tabStreaming>>): void {
  tab.leavePage();
  page.close();
}

/** The client of a page loaded after that: same server, a fetch of its own. */
const freshPage = () => pageClient(app.baseUrl, createPageFetch());

describe("while a reply streams", () => {
  it("asks for a resumable reply and saves its server id and last event id with the text they go with", async () => {
    const tokens = words(30);
    const { browser, tab, page } = await tabStreaming(tokens, 25);
    tab.save();

    const reply = browser.saved().conversations[0]!.messages[1]!;
    expect(reply).toMatchObject({ state: "streaming", messageId: expect.stringMatching(/^msg_[0-9a-f]{32}$/), lastEventId: expect.stringMatching(/^\d+$/) });
    // Event n is token n: the saved text is exactly the first lastEventId tokens, so a re-attach after it loses nothing.
    expect(reply.content).toBe(tokens.slice(0, Number(reply.lastEventId)).join(""));
    expect(page.requests[0]).toMatchObject({ method: "POST", path: "/api/v1/messages", body: { resumable: true } });

    await expect.poll(() => tab.active.messages[1]!.state, { timeout: 5_000 }).toBe("complete");
    const done = browser.saved().conversations[0]!.messages[1]!;
    expect(done).toMatchObject({ state: "complete", content: tokens.join(""), messageId: reply.messageId });
    expect(done.lastEventId, "an ended reply has nothing to re-attach to").toBeUndefined();
  });
});

describe("after a reload mid-reply", () => {
  it("re-attaches to the reply and shows it continue, token by token, to exactly the upstream's text", async () => {
    const tokens = words(40);
    const streaming = await tabStreaming(tokens, 40);
    closePage(streaming);
    const savedReply = streaming.browser.saved().conversations[0]!.messages[1]!;
    expect(savedReply.state).toBe("streaming");

    const shown: string[] = [];
    const reloaded = streaming.browser.openTab({ client: freshPage(), onToken: (reply) => shown.push(reply.content) });

    expect(reloaded.active.messages[1]).toMatchObject({ state: "streaming", content: savedReply.content });
    expect(reloaded.session.busy).toBe(true);
    await expect.poll(() => reloaded.active.messages[1]!.state, { timeout: 10_000 }).toBe("complete");
    expect(reloaded.active.messages[1]!.content).toBe(tokens.join(""));
    expect(shown.length, "it kept arriving live after the reload").toBeGreaterThanOrEqual(5);
    expect(shown[0]!.startsWith(savedReply.content)).toBe(true);
    expect(reloaded.session.status).toBe("ready");
    expect(upstream.requests.at(-1)!.finished, "the model call went on through the reload").toBe(true);
    expect(streaming.browser.saved().conversations[0]!.messages[1]).toMatchObject({ state: "complete", content: tokens.join("") });
  });

  it("shows the finished text of a reply that ended while no page was open", async () => {
    const tokens = words(12);
    const streaming = await tabStreaming(tokens, 20);
    closePage(streaming);
    await upstream.waitForClose(upstream.requests.at(-1)!, 5_000);

    const reloaded = streaming.browser.openTab({ client: freshPage() });

    await expect.poll(() => reloaded.active.messages[1]!.state).toBe("complete");
    expect(reloaded.active.messages[1]!.content).toBe(tokens.join(""));
  });

  it("falls back to the reload error, keeping the text, when the server no longer knows the reply (404)", async () => {
    const streaming = await tabStreaming(words(40), 30);
    closePage(streaming);
    const savedReply = streaming.browser.saved().conversations[0]!.messages[1]!;

    const restartedPage = createPageFetch();
    const reloaded = streaming.browser.openTab({ client: pageClient(restarted.baseUrl, restartedPage) });

    await expect.poll(() => reloaded.active.messages[1]!.state).toBe("error");
    expect(restartedPage.requests, "it asked for the rest first").toEqual([
      expect.objectContaining({ method: "GET", path: `/api/v1/messages/${savedReply.messageId}/events`, lastEventId: savedReply.lastEventId }),
    ]);
    expect(reloaded.active.messages[1]!.content).toBe(savedReply.content);
    expect(reloaded.active.messages[1]!.failure).toEqual({
      code: "interrupted_by_reload",
      message: "The page was closed or reloaded while this reply was arriving. The text above is what had arrived.",
      retryable: true,
    });
    expect(reloaded.session.busy).toBe(false);
    expect(reloaded.session.lastReply, "it can be retried").toBe(reloaded.active.messages[1]);
  });
});

describe("a dropped connection", () => {
  it('shows "Reconnecting…", resumes after the last event it had, and ends with every token exactly once', async () => {
    const tokens = words(30);
    upstream.enqueue({ tokens, delayMs: 30 });
    const page = createPageFetch({ cutAfterFrames: ({ method }) => (method === "POST" ? 6 : undefined) });
    const browser = openBrowser({ client: pageClient(app.baseUrl, page), reconnect: { initialDelayMs: 400, maxDelayMs: 400 } });
    const tab = browser.openTab();
    const calls = upstream.requests.length;

    const sending = tab.session.send("Long answer please");
    await expect.poll(() => tab.session.status, { timeout: 5_000, interval: 20 }).toBe("reconnecting");
    const cutAt = tab.active.messages[1]!.content;
    await sending;

    expect(tab.active.messages[1]).toMatchObject({ state: "complete", content: tokens.join("") });
    expect(cutAt.length).toBeGreaterThan(0);
    const resume = page.requests.find((request) => request.method === "GET")!;
    expect(resume.path).toMatch(/^\/api\/v1\/messages\/msg_[0-9a-f]{32}\/events$/);
    expect(Number(resume.lastEventId)).toBe(wordCount({ content: cutAt } as ChatMessage));
    expect(upstream.requests.length, "one model call, through the drop").toBe(calls + 1);
    expect(tab.session.status).toBe("ready");
  });

  it("gives up after its attempts, keeping the text, when the server cannot be reached again", async () => {
    upstream.enqueue({ tokens: words(30), delayMs: 30 });
    const page = createPageFetch({
      cutAfterFrames: ({ method }) => (method === "POST" ? 4 : undefined),
      refuse: ({ method }) => method === "GET",
    });
    const browser = openBrowser({ client: pageClient(app.baseUrl, page), reconnect: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 } });
    const tab = browser.openTab();

    await tab.session.send("Long answer please");

    const reply = tab.active.messages[1]!;
    expect(reply.state).toBe("error");
    expect(reply.content).not.toBe("");
    expect(reply.failure).toMatchObject({ code: "network_error", retryable: true });
    expect(page.requests.filter((request) => request.method === "GET")).toHaveLength(2);
  });
});
