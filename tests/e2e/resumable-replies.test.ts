/**
 * Replies that outlive their connection, in Chromium against the real server: a reload mid-reply, Stop through the
 * server, the browser's connections shared by ten replies over three tabs (with a fourth tab loading meanwhile), and
 * one reply shown live in two tabs. Tabs of one browser context share LocalStorage, Web Locks and the six connections
 * per origin, as tabs of one browser do.
 */
import { describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { lastReply, messageBox, send, WAIT, words } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";
import type { StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";

const chat = useChatInBrowser();

const replyText = async (page: Page) => ((await lastReply(page).locator(".markdown").textContent()) ?? "").trim();
const readState = async (page: Page) => JSON.parse((await page.evaluate(() => localStorage.getItem("streaming-chat")))!) as StoredStateV1_1;

/** Records, in the page, every distinct length the last reply's text has, until it is no longer streaming. */
function recordReplyGrowth(page: Page): Promise<number[]> {
  return page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const lengths: number[] = [];
        const sample = () => {
          const reply = [...document.querySelectorAll('[data-role="assistant"]')].at(-1);
          const length = reply?.querySelector(".markdown")?.textContent?.length ?? 0;
          if (length !== lengths.at(-1)) lengths.push(length);
          if (reply && reply.getAttribute("data-state") !== "streaming") resolve(lengths);
          else requestAnimationFrame(sample);
        };
        sample();
      }),
  );
}

/** Another tab of the same browser (same storage, same Web Locks, same six connections), with the chat loaded. */
async function openTab(context: BrowserContext, url: string, pageErrors: Error[]): Promise<{ page: Page; loadMs: number }> {
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error));
  const started = performance.now();
  await page.goto(url);
  await messageBox(page).waitFor();
  return { page, loadMs: performance.now() - started };
}

/** Keeps, in the page, the most stream slots (Web Locks) held at once by the whole browser, sampled every 20 ms. */
async function watchSlots(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const scope = window as unknown as { mostSlots: number };
    scope.mostSlots = 0;
    setInterval(async () => {
      const { held = [] } = await navigator.locks.query();
      scope.mostSlots = Math.max(scope.mostSlots, held.filter((lock) => lock.name?.startsWith("chat-stream-slot-")).length);
    }, 20);
  });
  return () => page.evaluate(() => (window as unknown as { mostSlots: number }).mostSlots);
}

describe("replies that outlive their connection", () => {
  it("a reload in the middle of a reply shows the reply continue to its end, exactly the upstream's text", async () => {
    const tokens = words(60);
    chat.upstream.enqueue({ tokens, delayMs: 50 });
    const { page } = await chat.openChat();
    const calls = chat.upstream.requests.length;
    await send(page, "Write a long answer");
    await expect.poll(() => replyText(page), WAIT).toContain("word5");
    const replyId = await lastReply(page).getAttribute("data-message-id");

    await page.reload();
    await messageBox(page).waitFor();
    const growth = recordReplyGrowth(page);

    expect(await lastReply(page).getAttribute("data-message-id")).toBe(replyId);
    const lengths = await growth;
    expect(lengths.filter((length) => length > 0 && length < lengths.at(-1)!).length, "it kept growing after the reload").toBeGreaterThanOrEqual(3);
    expect(await lastReply(page).getAttribute("data-state")).toBe("complete");
    expect(await replyText(page)).toBe(tokens.join("").trim());
    expect((await readState(page)).conversations[0]!.messages[1]).toMatchObject({ state: "complete", content: tokens.join("") });
    expect(chat.upstream.requests.length, "one model call, which the reload did not stop").toBe(calls + 1);
    expect(chat.upstream.requests.at(-1)!.finished).toBe(true);
    await expect.poll(() => page.getByTestId("status-label").textContent()).toBe("Ready");
  });

  it("Stop ends the reply as stopped at once, asks the server to stop it, and the model request upstream closes", async () => {
    chat.upstream.enqueue({ tokens: words(200), delayMs: 50 });
    const { page } = await chat.openChat();
    const stops: string[] = [];
    page.on("request", (request) => request.method() === "POST" && request.url().endsWith("/stop") && stops.push(new URL(request.url()).pathname));
    await send(page, "Write a long answer");
    await expect.poll(() => replyText(page), WAIT).toContain("word4");

    await page.getByTestId("stop-button").click();

    await expect.poll(() => lastReply(page).getAttribute("data-state")).toBe("stopped");
    expect(await page.getByTestId("stopped-badge").isVisible()).toBe(true);
    expect(await page.getByTestId("status-label").textContent()).toBe("Ready");
    const request = chat.upstream.requests.at(-1)!;
    await chat.upstream.waitForClose(request, 5_000);
    expect(request.finished).toBe(false);
    const messageId = (await readState(page)).conversations[0]!.messages[1]!.messageId;
    expect(stops).toEqual([`/api/v1/messages/${messageId}/stop`]);
    const shown = await replyText(page);
    expect(words(request.tokensSent).join("").trim().startsWith(shown)).toBe(true);
    expect(shown.split(" ").length).toBeGreaterThanOrEqual(5);
  });

  it("ten replies streaming across three tabs all complete, and a fourth tab still loads meanwhile", { timeout: 90_000 }, async () => {
    const replies = Array.from({ length: 10 }, (_, index) => words(60).map((word) => `r${index}${word}`));
    chat.upstream.enqueue(...replies.map((tokens) => ({ tokens, delayMs: 100 })));
    const first = await chat.openChat();
    const pageErrors: Error[] = [];
    const tabs = [
      first.page,
      (await openTab(first.context, chat.app.baseUrl, pageErrors)).page,
      (await openTab(first.context, chat.app.baseUrl, pageErrors)).page,
    ];
    const mostSlots = await watchSlots(first.page);
    const calls = chat.upstream.requests.length;

    const started = performance.now();
    for (const [index] of replies.entries()) {
      const page = tabs[index % 3]!;
      if (index >= 3) await page.getByTestId("new-chat").click();
      await send(page, `Question ${index}`);
    }
    const sentMs = performance.now() - started;
    const fourth = await openTab(first.context, chat.app.baseUrl, pageErrors);
    const loadedAt = performance.now();
    // Every reply started on the server at once, queued or not (the fake upstream shares the test's clock).
    await chat.upstream.waitForRequests(calls + 10, 3_000);
    const ours = chat.upstream.requests.slice(calls);
    const generatingAtLoad = ours.filter((request) => request.receivedAt <= loadedAt && (request.closedAt ?? Infinity) > loadedAt).length;

    const expected = replies.map((tokens) => tokens.join("")).sort();
    const completed = async () =>
      (await readState(fourth.page)).conversations.flatMap((c) => (c.messages.at(-1)?.state === "complete" ? [c.messages.at(-1)!.content] : [])).sort();
    await expect.poll(completed, { timeout: 60_000, interval: 250 }).toEqual(expected);
    const allDoneMs = performance.now() - started;
    for (const page of tabs) await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");

    console.log(
      `10 replies × 60 tokens at 100 ms over 3 tabs: sent in ${Math.round(sentMs)} ms, all complete after ${Math.round(allDoneMs)} ms;` +
        ` 4th tab loaded in ${Math.round(fourth.loadMs)} ms while ${generatingAtLoad} replies were generating; at most ${await mostSlots()} streams held`,
    );
    expect(fourth.loadMs).toBeLessThan(3_000);
    expect(generatingAtLoad, "the fourth tab loaded while replies were generating").toBeGreaterThanOrEqual(7);
    expect(await mostSlots()).toBeLessThanOrEqual(4);
    expect(pageErrors).toEqual([]);
  });

  it("a reply open in two tabs streams in both", async () => {
    const tokens = words(40);
    chat.upstream.enqueue({ tokens, delayMs: 60 });
    const first = await chat.openChat();
    const pageErrors: Error[] = [];
    const { page: second } = await openTab(first.context, chat.app.baseUrl, pageErrors);
    await send(first.page, "Shared question");
    await expect.poll(() => replyText(first.page), WAIT).toContain("word2");

    // Its name also says the reply is generating: "Shared question (generating)".
    await second.getByRole("button", { name: /^Shared question/ }).click();
    const growthInSecond = recordReplyGrowth(second);
    await expect.poll(() => lastReply(second).getAttribute("data-state"), WAIT).toBe("streaming");

    const lengths = await growthInSecond;
    expect(lengths.filter((length) => length > 0 && length < lengths.at(-1)!).length, "live in the second tab").toBeGreaterThanOrEqual(3);
    for (const page of [first.page, second]) {
      await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
      expect(await replyText(page)).toBe(tokens.join("").trim());
    }
    expect(pageErrors).toEqual([]);
  });
});
