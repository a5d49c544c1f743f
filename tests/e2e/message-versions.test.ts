/**
 * Versions instead of deletions, in Chromium against the real server: editing an earlier message and regenerating a
 * reply keep what was there as a version behind a ‹ 1/2 › switcher, on a desktop and on a phone, after a reload too,
 * and the model is sent only the branch on screen.
 */
import { describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import type { OpenChatOptions } from "./start-chat-in-browser.js";
import { lastReply, messageBox, WAIT, words } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser();

const SCREENS: { name: string; options: OpenChatOptions }[] = [
  { name: "at 1280×800", options: { viewport: { width: 1280, height: 800 } } },
  { name: "on a 390×844 touch screen", options: { viewport: { width: 390, height: 844 }, touch: true } },
];

/** What the open conversation shows, in order: each message's role and text. */
async function shownMessages(page: Page): Promise<string[]> {
  return page.locator("article[data-role]").evaluateAll((articles) =>
    articles.map((article) => {
      const role = article.getAttribute("data-role");
      const body = article.querySelector(role === "user" ? ".user-text" : ".markdown");
      return `${role}: ${(body?.textContent ?? "").trim()}`;
    }),
  );
}

const userMessage = (page: Page, index: number) => page.locator('[data-role="user"]').nth(index);
const versionPlace = (message: Locator) => message.getByTestId("version-place").textContent();

/** Presses a button as the screen's user would: a tap on a touch screen, a click otherwise. */
async function press(button: Locator, touch: boolean | undefined): Promise<void> {
  if (touch) await button.tap();
  else await button.click();
}

/** Sends with the Send button (on a touch screen Return may add a line) and waits for the reply to complete. */
async function exchange(page: Page, text: string, touch?: boolean): Promise<void> {
  const before = await page.locator('[data-role="assistant"][data-state="complete"]').count();
  await messageBox(page).fill(text);
  await press(page.getByTestId("send-button"), touch);
  await expect.poll(() => page.locator('[data-role="assistant"][data-state="complete"]').count(), WAIT).toBe(before + 1);
}

const upstreamAsked = () => chat.upstream.requests.at(-1)!.body.messages as { role: string; content: string }[];

describe.each(SCREENS)("versions $name", ({ options }) => {
  const { touch } = options;

  it("editing the first of three messages keeps the old branch reachable through the version switcher, after a reload too", async () => {
    chat.upstream.enqueue({ tokens: ["Paris."] }, { tokens: ["Madrid."] }, { tokens: ["Rome."] }, { tokens: ["Berlin."] }, { tokens: ["Lisbon."] });
    const { page } = await chat.openChat(options);
    await exchange(page, "Capital of France?", touch);
    await exchange(page, "And of Spain?", touch);
    await exchange(page, "And of Italy?", touch);
    const original = await shownMessages(page);
    expect(await page.getByTestId("version-place").count(), "no switcher before anything was edited").toBe(0);

    await press(userMessage(page, 0).getByRole("button", { name: "Edit and resend" }), touch);
    await page.getByRole("textbox", { name: "Edit your message" }).fill("Capital of Germany?");
    await press(page.getByRole("button", { name: "Save & send" }), touch);
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");

    expect(await shownMessages(page)).toEqual(["user: Capital of Germany?", "assistant: Berlin."]);
    expect(upstreamAsked(), "the model saw only the edited message").toEqual([{ role: "user", content: "Capital of Germany?" }]);
    expect(await versionPlace(userMessage(page, 0))).toBe("2/2");
    expect(await userMessage(page, 0).getByRole("button", { name: "Next version" }).isDisabled()).toBe(true);

    await press(userMessage(page, 0).getByRole("button", { name: "Previous version" }), touch);
    await expect.poll(() => shownMessages(page), WAIT).toEqual(original);
    expect(await versionPlace(userMessage(page, 0))).toBe("1/2");

    await page.reload();
    await messageBox(page).waitFor();
    expect(await shownMessages(page), "the reload shows the version that was shown").toEqual(original);
    expect(await versionPlace(userMessage(page, 0))).toBe("1/2");

    await press(userMessage(page, 0).getByRole("button", { name: "Next version" }), touch);
    await expect.poll(() => shownMessages(page), WAIT).toEqual(["user: Capital of Germany?", "assistant: Berlin."]);
    await press(userMessage(page, 0).getByRole("button", { name: "Previous version" }), touch);
    await expect.poll(() => shownMessages(page), WAIT).toEqual(original);

    await exchange(page, "And of Portugal?", touch);
    expect(upstreamAsked(), "the next message goes with the history of the branch shown").toEqual([
      { role: "user", content: "Capital of France?" },
      { role: "assistant", content: "Paris." },
      { role: "user", content: "And of Spain?" },
      { role: "assistant", content: "Madrid." },
      { role: "user", content: "And of Italy?" },
      { role: "assistant", content: "Rome." },
      { role: "user", content: "And of Portugal?" },
    ]);
  });

  it("Regenerate keeps the old reply as version 1/2, after a reload too", async () => {
    chat.upstream.enqueue({ tokens: ["Seven."] }, { tokens: ["Eleven", "."] });
    const { page } = await chat.openChat(options);
    await exchange(page, "Pick a number", touch);

    await press(page.getByTestId("regenerate-button"), touch);
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    await expect.poll(() => shownMessages(page), WAIT).toEqual(["user: Pick a number", "assistant: Eleven."]);
    expect(await versionPlace(lastReply(page))).toBe("2/2");

    await press(lastReply(page).getByRole("button", { name: "Previous version" }), touch);
    await expect.poll(() => shownMessages(page), WAIT).toEqual(["user: Pick a number", "assistant: Seven."]);
    expect(await versionPlace(lastReply(page))).toBe("1/2");

    await page.reload();
    await messageBox(page).waitFor();
    expect(await shownMessages(page)).toEqual(["user: Pick a number", "assistant: Seven."]);
    await press(lastReply(page).getByRole("button", { name: "Next version" }), touch);
    await expect.poll(() => shownMessages(page), WAIT).toEqual(["user: Pick a number", "assistant: Eleven."]);
  });
});

describe("the version switcher", () => {
  it("works from the keyboard, and focus stays on the switcher of the turn as the versions change", async () => {
    chat.upstream.enqueue({ tokens: ["One."] }, { tokens: ["Two."] }, { tokens: ["Three."] });
    const { page } = await chat.openChat();
    await exchange(page, "Count");
    await page.getByTestId("regenerate-button").click();
    await expect.poll(() => versionPlace(lastReply(page)), WAIT).toBe("2/2");
    await page.getByTestId("regenerate-button").click();
    await expect.poll(() => versionPlace(lastReply(page)), WAIT).toBe("3/3");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");

    await lastReply(page).getByRole("button", { name: "Previous version" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => versionPlace(lastReply(page)), WAIT).toBe("2/3");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Previous version");
    await page.keyboard.press("Enter");
    await expect.poll(() => versionPlace(lastReply(page)), WAIT).toBe("1/3");
    expect(await shownMessages(page)).toEqual(["user: Count", "assistant: One."]);
    // "Previous version" is disabled at the first version: focus is on the other button, not lost to the page.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Next version");
    await page.keyboard.press("Space");
    await expect.poll(() => versionPlace(lastReply(page)), WAIT).toBe("2/3");
    expect(await shownMessages(page)).toEqual(["user: Count", "assistant: Two."]);
  });

  it("is disabled while a reply streams, so the reply stays on the branch shown", async () => {
    chat.upstream.enqueue({ tokens: ["First."] }, { tokens: ["Second."] }, { tokens: ["Third."] }, { tokens: words(400), delayMs: 25 });
    const { page } = await chat.openChat();
    await exchange(page, "Question");
    await page.getByTestId("regenerate-button").click();
    await expect.poll(() => versionPlace(lastReply(page)), WAIT).toBe("2/2");
    await exchange(page, "A long follow-up");
    await userMessage(page, 1).getByRole("button", { name: "Edit and resend" }).click();
    await page.getByRole("textbox", { name: "Edit your message" }).fill("Write something long");
    await page.getByRole("button", { name: "Save & send" }).click();
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("streaming");

    expect(await versionPlace(userMessage(page, 1))).toBe("2/2");
    expect(await userMessage(page, 1).getByRole("button", { name: "Previous version" }).isDisabled()).toBe(true);
    expect(await page.locator('[data-role="assistant"]').first().getByRole("button", { name: "Previous version" }).isDisabled()).toBe(true);

    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("stopped");
    expect(await userMessage(page, 1).getByRole("button", { name: "Previous version" }).isDisabled()).toBe(false);
  });
});
