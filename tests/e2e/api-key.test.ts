/**
 * The UI on a server with API keys, in Chromium: it asks for the key up front (an accessible modal dialog), keeps it
 * in sessionStorage only, and streams once it has it; a wrong key is asked for again with an error and the message is
 * then sent, not lost; Escape cancels; Forget key clears it.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { API_KEY_STORAGE_KEY } from "../../web/src/lib/auth/api-key-prompt.svelte.js";
import { lastReply, messageBox, send, WAIT } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const KEY = "browser-key-0123456789abcdef";
const chat = useChatInBrowser({ API_KEYS: KEY });

const dialog = (page: Page) => page.getByRole("dialog", { name: "API key needed" });
const dialogShown = (page: Page) => expect.poll(() => dialog(page).isVisible(), WAIT).toBe(true);
const dialogGone = (page: Page) => expect.poll(() => dialog(page).isVisible(), WAIT).toBe(false);
const stored = (page: Page) =>
  page.evaluate((name) => ({ session: sessionStorage.getItem(name), local: JSON.stringify({ ...localStorage }) }), API_KEY_STORAGE_KEY);

async function enterKey(page: Page, key: string): Promise<void> {
  const input = dialog(page).getByLabel("API key");
  expect(await input.getAttribute("type")).toBe("password");
  await input.fill(key);
  await page.keyboard.press("Enter");
}

describe("a server with API keys", () => {
  it("asks for the key up front; with it, the message streams, and the key is kept in sessionStorage only", async () => {
    chat.upstream.enqueue({ tokens: ["Keyed", " reply"], delayMs: 20 });
    const { page } = await chat.openChat();
    await dialogShown(page);
    expect(await dialog(page).textContent()).toContain("sent only to this server");
    // Focus starts in the key field and stays in the dialog.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("api-key-input");
    const focusedAfterTabs = [];
    for (let index = 0; index < 3; index++) {
      await page.keyboard.press("Tab");
      focusedAfterTabs.push(await page.evaluate(() => document.activeElement?.textContent?.trim() || document.activeElement?.id));
    }
    expect(focusedAfterTabs).toEqual(["Cancel", "Use key", "api-key-input"]);

    await enterKey(page, KEY);
    await dialogGone(page);
    await send(page, "hello with a key");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    expect(await lastReply(page).textContent()).toContain("Keyed reply");
    const { session, local } = await stored(page);
    expect(session).toBe(KEY);
    expect(local).not.toContain(KEY);
  });

  it("asks again with an error when the key is wrong, then sends the same message with the right one", async () => {
    const { page } = await chat.openChat();
    await dialogShown(page);
    await enterKey(page, "wrong-key-0123456789abcdef");
    await dialogGone(page);
    const requestsBefore = chat.upstream.requests.length;
    await send(page, "do not lose me");
    await dialogShown(page);
    expect(await dialog(page).getByRole("alert").textContent()).toContain("did not accept this key");
    expect(chat.upstream.requests.length, "nothing reached the model with the wrong key").toBe(requestsBefore);

    await enterKey(page, KEY);
    await dialogGone(page);
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    expect(await page.locator('[data-role="user"]').allTextContents()).toEqual([expect.stringContaining("do not lose me")]);
    expect(chat.upstream.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "do not lose me" }]);
  });

  it("Forget key clears it; the next message asks again, and Escape cancels with the message kept", async () => {
    const { page } = await chat.openChat();
    await dialogShown(page);
    await enterKey(page, KEY);
    const forget = page.getByRole("button", { name: "Forget key" });
    await forget.click();
    expect((await stored(page)).session).toBeNull();
    expect(await forget.count()).toBe(0);

    await send(page, "after forgetting");
    await dialogShown(page);
    // A first ask after forgetting is not an error: no key was refused.
    expect(await dialog(page).getByRole("alert").count()).toBe(0);
    await page.keyboard.press("Escape");
    await dialogGone(page);
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("error");
    expect(await lastReply(page).textContent()).toContain("needs an API key");
    expect(await page.locator('[data-role="user"]').allTextContents()).toEqual([expect.stringContaining("after forgetting")]);
    expect(await messageBox(page).isEnabled()).toBe(true);
  });
});
