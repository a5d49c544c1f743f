/**
 * The composer and what the user types, in Chromium against the real server and the fake upstream: drafting the
 * next message while a reply streams, Escape, text sent exactly as typed or pasted, code and long pastes in the
 * user's bubble, Return on a touch screen, and the tab's title.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { chooseFromMenu, exchange, lastReply, messageBox, send, WAIT, words } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser();

/** A reply that takes several seconds even on an idle machine: long enough to type during it. */
const SLOW_REPLY = { tokens: words(150), delayMs: 40 };
/** Long enough for a slow reply to finish on a loaded machine. */
const UNTIL_COMPLETE = { timeout: 30_000 };

const isFocused = (page: Page, selector: string) => page.locator(selector).evaluate((element) => element === document.activeElement);
const boxIsFocused = (page: Page) => messageBox(page).evaluate((box) => box === document.activeElement);
/** The user's message as the model received it in the latest upstream request. */
const lastSentToModel = (upstream: typeof chat.upstream) => (upstream.requests.at(-1)!.body.messages as { role: string; content: string }[]).at(-1);

/** Whether the message box's placeholder fits on one line: its width in the box's font against the box's text width. */
function placeholderFits(page: Page): Promise<{ placeholder: string; fits: boolean }> {
  return messageBox(page).evaluate((box) => {
    const textarea = box as HTMLTextAreaElement;
    const style = getComputedStyle(textarea);
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const available = textarea.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { placeholder: textarea.placeholder, fits: context.measureText(textarea.placeholder).width <= available };
  });
}

describe("typing while a reply streams", () => {
  it("keeps the reply streaming to its end and the typed text in the composer; Enter waits instead of sending", async () => {
    chat.upstream.enqueue(SLOW_REPLY, { tokens: ["Second answer."] });
    const { page } = await chat.openChat();
    const requestsBefore = chat.upstream.requests.length;
    await send(page, "First question");
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");

    // Nothing moved the focus: the person goes on typing where they were.
    expect(await boxIsFocused(page)).toBe(true);
    await page.keyboard.type("next question");
    await page.keyboard.press("Enter");

    expect(await lastReply(page).getAttribute("data-state")).toBe("streaming");
    expect(await messageBox(page).inputValue()).toBe("next question");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), UNTIL_COMPLETE).toBe("complete");
    expect(await lastReply(page).locator(".markdown").textContent()).toContain("word149");
    expect(await messageBox(page).inputValue()).toBe("next question");
    expect(await page.locator('[data-role="user"]').count()).toBe(1);
    expect(chat.upstream.requests).toHaveLength(requestsBefore + 1);

    // Once the reply has ended, the draft is sent as it was typed.
    await expect.poll(() => boxIsFocused(page), WAIT).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator('[data-role="assistant"][data-state="complete"]').count(), WAIT).toBe(2);
    expect(lastSentToModel(chat.upstream)).toEqual({ role: "user", content: "next question" });
    expect(await messageBox(page).inputValue()).toBe("");
  });

  it("Escape stops a streaming reply and keeps the draft and the focus in the composer", async () => {
    chat.upstream.enqueue(SLOW_REPLY);
    const { page } = await chat.openChat();
    await send(page, "Long answer please");
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");
    await page.keyboard.type("draft");

    await page.keyboard.press("Escape");

    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
    await chat.upstream.waitForClose(chat.upstream.requests.at(-1)!, 10_000);
    expect(await messageBox(page).inputValue()).toBe("draft");
    expect(await boxIsFocused(page)).toBe(true);
    expect(await page.getByTestId("stop-button").count()).toBe(0);
  });

  it("Escape stops the reply from the message list too, and Stop stays a button that says its key", async () => {
    chat.upstream.enqueue(SLOW_REPLY);
    const { page } = await chat.openChat();
    await send(page, "Long answer please");
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");
    expect(await page.getByRole("button", { name: "Stop", exact: true }).getAttribute("aria-keyshortcuts")).toBe("Escape");

    await page.locator('[data-role="user"]').getByRole("button", { name: "Copy message" }).focus();
    await page.keyboard.press("Escape");

    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
  });
});

describe("Escape when no reply is being written", () => {
  it("takes focus from the message list back to the message box", async () => {
    const { page } = await chat.openChat();
    await exchange(page, "Hello");
    const copy = page.locator('[data-role="user"]').getByRole("button", { name: "Copy message" });
    await copy.focus();

    await page.keyboard.press("Escape");

    await expect.poll(() => boxIsFocused(page), WAIT).toBe(true);
  });

  it("closing a message's edit box with Escape puts the focus in the message box, not on the page", async () => {
    const { page } = await chat.openChat();
    await exchange(page, "Hello");
    await page.locator('[data-role="user"]').getByRole("button", { name: "Edit and resend" }).click();
    await expect.poll(() => isFocused(page, 'textarea[id^="edit-"]'), WAIT).toBe(true);

    await page.keyboard.press("Escape");

    await expect.poll(() => page.locator('textarea[id^="edit-"]').count(), WAIT).toBe(0);
    await expect.poll(() => boxIsFocused(page), WAIT).toBe(true);
    expect(await lastReply(page).getAttribute("data-state")).toBe("complete");
  });
});

describe("what the user typed or pasted", () => {
  it("a pasted indented code block reaches the model byte for byte and shows as code in a monospace block", async () => {
    const code = [
      "    def greet(name):",
      '        """Say hello."""',
      "\t\treturn f'Hello, {name}!'  ",
      "",
      `    print(greet("world"))  # ${"a long comment ".repeat(20)}`,
      "",
    ].join("\n");
    const { page, context } = await chat.openChat({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: chat.app.baseUrl });
    await page.evaluate((text) => navigator.clipboard.writeText(text), code);
    await messageBox(page).focus();
    await page.keyboard.press("ControlOrMeta+V");
    expect(await messageBox(page).inputValue()).toBe(code);

    await page.keyboard.press("Enter");

    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    expect(lastSentToModel(chat.upstream)).toEqual({ role: "user", content: code });
    const block = page.locator('[data-role="user"]').getByTestId("user-code");
    expect(await block.textContent()).toBe(code.replace(/\n$/, ""));
    expect(await block.evaluate((pre) => getComputedStyle(pre).fontFamily)).toMatch(/mono/i);
    // Its long line scrolls inside the block; the page itself never scrolls sideways.
    expect(await block.evaluate((pre) => pre.scrollWidth > pre.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
  });

  it("a fenced block in a message shows in monospace with its lines, and the prose around it does not", async () => {
    const text = "Why does this fail?\n```js\nif (ok) {\n  run();\n}\n```\nThanks!";
    const { page } = await chat.openChat();
    await messageBox(page).fill(text);
    await page.keyboard.press("Enter");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");

    expect(lastSentToModel(chat.upstream)).toEqual({ role: "user", content: text });
    const user = page.locator('[data-role="user"]');
    const block = user.getByTestId("user-code");
    expect((await block.innerText()).split("\n")).toEqual(["if (ok) {", "  run();", "}"]);
    expect(await block.evaluate((pre) => getComputedStyle(pre).fontFamily)).toMatch(/mono/i);
    expect(await user.getByTestId("user-text").evaluate((text) => getComputedStyle(text).fontFamily)).not.toMatch(/mono/i);
    expect(await user.getByTestId("user-text").innerText()).toContain("Why does this fail?");
    expect(await user.getByTestId("user-text").innerText()).toContain("Thanks!");
  });

  it("a long paste is folded in its bubble behind Show more / Show less, and sent and stored whole", async () => {
    const long = Array.from({ length: 120 }, (_, index) => `Log line ${index}: ${"event ".repeat(6)}`).join("\n");
    expect(long.length).toBeGreaterThan(4_000);
    const { page } = await chat.openChat();
    await messageBox(page).fill(long);
    await page.keyboard.press("Enter");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");

    expect(lastSentToModel(chat.upstream)).toEqual({ role: "user", content: long });
    const user = page.locator('[data-role="user"]');
    const fold = user.getByRole("button", { name: "Show more" });
    const text = user.getByTestId("user-text");
    expect(await fold.getAttribute("aria-expanded")).toBe("false");
    expect(await fold.getAttribute("aria-controls")).toBe(await text.getAttribute("id"));
    const folded = (await text.boundingBox())!.height;
    expect(folded).toBeLessThan(400);
    // Folded is only a view: the whole text is still on the page.
    expect(await text.textContent()).toBe(long);

    await fold.click();
    const unfold = user.getByRole("button", { name: "Show less" });
    expect(await unfold.getAttribute("aria-expanded")).toBe("true");
    expect((await text.boundingBox())!.height).toBeGreaterThan(folded * 4);
    await unfold.click();
    await expect.poll(async () => (await text.boundingBox())!.height, WAIT).toBe(folded);

    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("streaming-chat")!) as { conversations: { messages: { content: string }[] }[] });
    expect(stored.conversations[0]!.messages[0]!.content).toBe(long);
    // A short message has nothing to fold.
    await exchange(page, "short");
    expect(await page.locator('[data-role="user"]').last().getByTestId("fold-button").count()).toBe(0);
  });
});

describe("on a phone (390×844, touch)", () => {
  it("Return adds a line, the Send button sends, and the placeholder fits on one line", async () => {
    chat.upstream.enqueue(SLOW_REPLY);
    const { page } = await chat.openChat({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const requestsBefore = chat.upstream.requests.length;
    const box = messageBox(page);
    expect(await box.getAttribute("enterkeyhint")).toBe("enter");
    expect(await placeholderFits(page)).toEqual({ placeholder: "Message", fits: true });

    await box.tap();
    await page.keyboard.type("line one");
    await page.keyboard.press("Enter");
    await page.keyboard.type("line two");
    expect(await box.inputValue()).toBe("line one\nline two");
    expect(await page.locator("article[data-role]").count()).toBe(0);
    expect(chat.upstream.requests).toHaveLength(requestsBefore);

    await page.getByTestId("send-button").tap();
    await expect.poll(() => chat.upstream.requests.length, WAIT).toBe(requestsBefore + 1);
    expect(lastSentToModel(chat.upstream)).toEqual({ role: "user", content: "line one\nline two" });
    expect(await page.locator('[data-role="user"] .user-text').innerText()).toBe("line one\nline two");
    // While the reply streams, the placeholder invites the next message, still on one line.
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");
    expect(await placeholderFits(page)).toEqual({ placeholder: "Type your next message…", fits: true });
    await page.getByTestId("stop-button").tap();
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
  });
});

describe("the browser tab's title", () => {
  it("follows the open conversation: its first message, a rename, a new chat and a switch back", async () => {
    const { page } = await chat.openChat();
    expect(await page.title()).toBe("New chat · Streaming Chat");

    await exchange(page, "Plan a trip to Lisbon");
    await expect.poll(() => page.title(), WAIT).toBe("Plan a trip to Lisbon · Streaming Chat");

    await chooseFromMenu(page, "Plan a trip to Lisbon", "Rename");
    await page.getByRole("textbox", { name: "Conversation name" }).fill("Lisbon");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.title(), WAIT).toBe("Lisbon · Streaming Chat");

    await page.getByTestId("new-chat").click();
    await expect.poll(() => page.title(), WAIT).toBe("New chat · Streaming Chat");

    await page.getByRole("button", { name: "Lisbon", exact: true }).click();
    await expect.poll(() => page.title(), WAIT).toBe("Lisbon · Streaming Chat");
  });
});
