import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { MAX_MESSAGE_LENGTH } from "../../contract/index.js";
import { exchange, lastReply, messageBox, send, WAIT, words } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser();

/** A long reply that grows the page steadily: a new paragraph every eight words. */
const paragraphs = (count: number) => Array.from({ length: count }, (_, index) => (index % 8 === 7 ? `word${index}\n\n` : `word${index} `));
const replyText = async (page: Page) => (await lastReply(page).locator(".markdown").textContent())?.trim();

/** The message list's scroll position: how far from the top, and how far above the bottom. */
async function scrollState(page: Page): Promise<{ top: number; height: number; fromBottom: number; overflows: boolean }> {
  return page.getByTestId("message-list").evaluate((list) => ({
    top: list.scrollTop,
    height: list.scrollHeight,
    fromBottom: list.scrollHeight - list.scrollTop - list.clientHeight,
    overflows: list.scrollHeight > list.clientHeight + 200,
  }));
}

function luminance(color: string): number {
  const [r, g, b] = color
    .match(/\d+(\.\d+)?/g)!
    .slice(0, 3)
    .map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}

describe("composing and acting on messages", () => {
  it("Shift+Enter adds a new line and Enter sends the message with both lines", async () => {
    const { page } = await chat.openChat();
    const requestsBefore = chat.upstream.requests.length;
    const box = messageBox(page);
    await box.click();
    await page.keyboard.type("first line");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");

    expect(await box.inputValue()).toBe("first line\nsecond line");
    expect(await page.locator("article[data-role]").count()).toBe(0);
    expect(chat.upstream.requests.length).toBe(requestsBefore);

    await page.keyboard.press("Enter");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    const userMessage = page.locator('[data-role="user"] .user-text');
    expect(await userMessage.textContent()).toBe("first line\nsecond line");
    expect((await userMessage.innerText()).split("\n")).toEqual(["first line", "second line"]);
    expect(chat.upstream.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "first line\nsecond line" }]);
    expect(await box.inputValue()).toBe("");
  });

  it("a message over the contract's length limit (32,000 characters) is kept whole, explained, and cannot be sent until shortened", async () => {
    const { page } = await chat.openChat();
    const long = "x".repeat(MAX_MESSAGE_LENGTH + 1);
    await messageBox(page).fill(long);

    await expect.poll(() => page.getByTestId("too-long").textContent(), WAIT).toContain(`${(MAX_MESSAGE_LENGTH + 1).toLocaleString("en")} characters`);
    expect(await messageBox(page).inputValue()).toHaveLength(MAX_MESSAGE_LENGTH + 1);
    expect(await page.getByTestId("send-button").isDisabled()).toBe(true);
    await page.keyboard.press("Enter");
    expect(await page.locator("article[data-role]").count()).toBe(0);

    await page.keyboard.press("Backspace");
    await expect.poll(() => page.getByTestId("too-long").count(), WAIT).toBe(0);
    expect(await page.getByTestId("send-button").isDisabled()).toBe(false);
  });

  it("Copy puts the reply's text on the clipboard", async () => {
    const reply = "Line one of the reply.\n\nLine two, with `code`.";
    chat.upstream.enqueue({ tokens: reply.split(/(?= )/) });
    const { page, context } = await chat.openChat();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: chat.app.baseUrl });
    await exchange(page, "Say two lines");

    await lastReply(page).getByRole("button", { name: "Copy reply" }).click();
    await expect.poll(() => lastReply(page).getByRole("button", { name: "Copy reply" }).textContent(), WAIT).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(reply);
  });

  it("Regenerate replaces the last reply with a new one for the same message", async () => {
    chat.upstream.enqueue({ tokens: ["Seven."] }, { tokens: ["Eleven", "."], delayMs: 20 });
    const { page } = await chat.openChat();
    const requestsBefore = chat.upstream.requests.length;
    await exchange(page, "Pick a number");
    expect(await replyText(page)).toBe("Seven.");

    await page.getByTestId("regenerate-button").click();
    await expect.poll(() => replyText(page), WAIT).toBe("Eleven.");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    expect(await page.locator('[data-role="assistant"]').count()).toBe(1);
    expect(await page.locator('[data-role="user"]').count()).toBe(1);
    expect(chat.upstream.requests).toHaveLength(requestsBefore + 2);
    expect(chat.upstream.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "Pick a number" }]);
  });

  it("editing an earlier message resends the new text and shows only the edited branch", async () => {
    chat.upstream.enqueue({ tokens: ["Paris."] }, { tokens: ["Madrid."] }, { tokens: ["Rome."] });
    const { page } = await chat.openChat();
    await exchange(page, "Capital of France?");
    await exchange(page, "And of Spain?");

    await page.locator('[data-role="user"]').first().getByRole("button", { name: "Edit and resend" }).click();
    const editBox = page.getByRole("textbox", { name: "Edit your message" });
    expect(await editBox.inputValue()).toBe("Capital of France?");
    await editBox.fill("Capital of Italy?");
    await page.getByRole("button", { name: "Save & send" }).click();

    await expect.poll(() => replyText(page), WAIT).toBe("Rome.");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    const shown = await page
      .locator("article[data-role]")
      .evaluateAll((articles) => articles.map((article) => [article.getAttribute("data-role"), article.textContent]));
    expect(shown).toHaveLength(2);
    expect(shown[0]![1]).toContain("Capital of Italy?");
    expect(shown[1]![1]).toContain("Rome.");
    expect(chat.upstream.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "Capital of Italy?" }]);
  });
});

describe("following a long reply", () => {
  it("stays at the bottom while a reply grows, stays where the user scrolled to, and Jump to latest goes back down", async () => {
    chat.upstream.enqueue({ tokens: paragraphs(400), delayMs: 25 });
    const { page } = await chat.openChat({ viewport: { width: 900, height: 600 } });
    await send(page, "Write a very long answer");

    await expect.poll(async () => (await scrollState(page)).overflows, WAIT).toBe(true);
    const followingFrom = (await scrollState(page)).height;
    // Following: well after more text arrived, the view is at the (new) bottom again.
    await expect
      .poll(async () => {
        const state = await scrollState(page);
        return state.height > followingFrom + 150 && state.fromBottom <= 48;
      }, WAIT)
      .toBe(true);
    expect(await page.getByTestId("jump-to-latest").count()).toBe(0);

    await page.getByTestId("message-list").hover();
    await page.mouse.wheel(0, -400);
    await expect.poll(() => page.getByTestId("jump-to-latest").isVisible(), WAIT).toBe(true);
    // The wheel's scroll has settled before the position the user chose is taken.
    let previousTop = -1;
    await expect
      .poll(
        async () => {
          const { top } = await scrollState(page);
          const settled = top === previousTop;
          previousTop = top;
          return settled;
        },
        { interval: 100, timeout: 5_000 },
      )
      .toBe(true);
    const userPlaced = await scrollState(page);
    expect(userPlaced.fromBottom).toBeGreaterThan(48);

    await expect.poll(async () => (await scrollState(page)).height, WAIT).toBeGreaterThan(userPlaced.height + 150);
    expect((await scrollState(page)).top).toBe(userPlaced.top);
    expect(await lastReply(page).getAttribute("data-state")).toBe("streaming");
    expect(await page.getByTestId("jump-to-latest").textContent()).toContain("New text below");

    await page.getByTestId("stop-button").click();
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
    expect(await page.getByTestId("jump-to-latest").textContent()).toContain("Jump to latest");
    await page.getByTestId("jump-to-latest").click();
    await expect.poll(async () => (await scrollState(page)).fromBottom, WAIT).toBeLessThanOrEqual(1);
    await expect.poll(() => page.getByTestId("jump-to-latest").count(), WAIT).toBe(0);
  });

  it("Jump to latest during a fast reply goes back to following it", async () => {
    chat.upstream.enqueue({ tokens: paragraphs(600), delayMs: 20 });
    const { page } = await chat.openChat({ viewport: { width: 900, height: 600 } });
    await send(page, "Write a very long answer");
    await expect.poll(async () => (await scrollState(page)).overflows, WAIT).toBe(true);

    await page.getByTestId("message-list").hover();
    await page.mouse.wheel(0, -1000);
    await expect.poll(() => page.getByTestId("jump-to-latest").isVisible(), WAIT).toBe(true);
    const scrolledAway = await scrollState(page);
    await expect.poll(async () => (await scrollState(page)).height, WAIT).toBeGreaterThan(scrolledAway.height + 300);

    await page.getByTestId("jump-to-latest").click();
    await expect.poll(() => page.getByTestId("jump-to-latest").count(), WAIT).toBe(0);
    const resumedFrom = (await scrollState(page)).height;
    await expect
      .poll(async () => {
        const state = await scrollState(page);
        return state.height > resumedFrom + 150 && state.fromBottom <= 48;
      }, WAIT)
      .toBe(true);
    expect(await lastReply(page).getAttribute("data-state")).toBe("streaming");
    await page.getByTestId("stop-button").click();
  });
});

describe("layout", () => {
  it("on a phone the page never scrolls sideways and the Conversations button opens the hidden list", async () => {
    const wide = [
      "A long unbroken word: " + "x".repeat(300),
      "",
      "```js",
      `const line = "${"y".repeat(300)}";`,
      "```",
      "",
      "| a | b | c | d | e | f |",
      "|---|---|---|---|---|---|",
      `| ${"cell ".repeat(8)} | ${"more ".repeat(8)} | 3 | 4 | 5 | 6 |`,
      "",
      `See https://example.com/${"path/".repeat(40)}`,
    ].join("\n");
    chat.upstream.enqueue({ tokens: wide.split(/(?=\n)/) });
    const { page } = await chat.openChat({ viewport: { width: 390, height: 844 } });
    await exchange(page, "Send me something wide");

    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    const replyBox = await lastReply(page).boundingBox();
    expect(replyBox!.x + replyBox!.width).toBeLessThanOrEqual(390);

    const menu = page.getByRole("button", { name: "Conversations", exact: true });
    expect(await page.getByTestId("new-chat").isVisible()).toBe(false);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await menu.click();
    await expect.poll(() => page.getByTestId("new-chat").isVisible(), WAIT).toBe(true);
    // The chat behind the open list is inert (out of reach and out of the accessibility tree); focus is in the list.
    const menuButton = page.locator('button[aria-controls="sidebar"]');
    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    expect(await page.locator("main").evaluate((main) => (main as HTMLElement).inert)).toBe(true);
    await expect.poll(() => page.getByTestId("new-chat").evaluate((button) => button === document.activeElement), WAIT).toBe(true);
    expect(await page.getByTestId("conversation-item").textContent()).toContain("Send me something wide");

    // Escape closes it and gives focus back to the menu button.
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("new-chat").isVisible(), WAIT).toBe(false);
    expect(await menuButton.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await menu.click();
    await expect.poll(() => page.getByTestId("new-chat").isVisible(), WAIT).toBe(true);

    // Starting a new chat from the list closes it again.
    await page.getByTestId("new-chat").click();
    await expect.poll(() => page.getByTestId("new-chat").isVisible(), WAIT).toBe(false);
    expect(await page.locator("article[data-role]").count()).toBe(0);
  });

  it("the dark colour scheme gives a dark page with light text, and the light one a light page", async () => {
    const light = await chat.openChat({ colorScheme: "light" });
    const dark = await chat.openChat({ colorScheme: "dark" });
    const colours = (page: Page) =>
      page.evaluate(() => {
        const style = getComputedStyle(document.body);
        return { background: style.backgroundColor, text: style.color };
      });
    const lightColours = await colours(light.page);
    const darkColours = await colours(dark.page);

    expect(luminance(lightColours.background)).toBeGreaterThan(0.8);
    expect(luminance(darkColours.background)).toBeLessThan(0.2);
    expect(luminance(darkColours.text)).toBeGreaterThan(0.7);
    expect(luminance(lightColours.text)).toBeLessThan(0.3);
  });
});

describe("accessibility basics", () => {
  it("the message box is labelled, the streaming reply is a busy live region, and Stop works from the keyboard", async () => {
    chat.upstream.enqueue({ tokens: words(200), delayMs: 40 });
    const { page } = await chat.openChat();
    expect(await page.getByRole("textbox", { name: "Message", exact: true }).count()).toBe(1);
    expect(await page.getByRole("region", { name: "Conversation" }).count()).toBe(1);
    // One live region per reply and no live container around them, so nothing is announced twice.
    expect(await page.locator('[role="log"], [aria-live] [aria-live]').count()).toBe(0);

    await send(page, "Long answer please");
    const reply = lastReply(page).getByTestId("assistant-reply");
    await expect.poll(() => reply.getAttribute("aria-busy"), WAIT).toBe("true");
    expect(await reply.getAttribute("aria-live")).toBe("polite");
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");

    const stop = page.getByRole("button", { name: "Stop", exact: true });
    // The message box stays usable (and focused) while the reply streams; Stop is the next stop of Tab.
    expect(await messageBox(page).evaluate((box) => box === document.activeElement)).toBe(true);
    let presses = 0;
    while (!(await stop.evaluate((button) => button === document.activeElement))) {
      expect(++presses, "Tab never reached the Stop button").toBeLessThan(30);
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");

    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
    expect(await reply.getAttribute("aria-busy")).toBe("false");
    expect(await reply.getAttribute("aria-live")).toBe("polite");
    // Back to typing: the message box has the focus again.
    await expect.poll(() => messageBox(page).evaluate((box) => box === document.activeElement), WAIT).toBe(true);
  });

  it("a reply that completes is no longer busy, and Space on a focused Stop works too", async () => {
    chat.upstream.enqueue({ tokens: words(6), delayMs: 20 }, { tokens: words(200), delayMs: 40 });
    const { page } = await chat.openChat();
    await send(page, "Short answer");
    const reply = lastReply(page).getByTestId("assistant-reply");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    expect(await reply.getAttribute("aria-busy")).toBe("false");

    await send(page, "Long answer");
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");
    await page.getByRole("button", { name: "Stop", exact: true }).focus();
    await page.keyboard.press("Space");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
  });
});
