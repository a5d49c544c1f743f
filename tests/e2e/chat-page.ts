/** What the e2e tests do and look for on the chat page, by role and test id as a user would find them. */
import { expect } from "vitest";
import type { Page } from "playwright-core";

/** Generous: polls end as soon as they pass, and other test files load this machine's two cores. */
export const WAIT = { timeout: 10_000 };

/** `count` model tokens: "word0 ", "word1 ", … */
export const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index} `);

export const messageBox = (page: Page) => page.getByRole("textbox", { name: "Message" });
export const lastReply = (page: Page) => page.locator('[data-role="assistant"]').last();

/** Types a message and sends it as its user would: Enter, or on a touch screen (where Return adds a line) the Send button. */
export async function send(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  const touch = await page.evaluate(() => matchMedia("(pointer: coarse) and (hover: none)").matches);
  if (touch) await page.getByTestId("send-button").click();
  else await page.keyboard.press("Enter");
}

/** Sends a message and waits until its reply is complete. */
export async function exchange(page: Page, text: string): Promise<void> {
  const before = await page.locator('[data-role="assistant"][data-state="complete"]').count();
  await send(page, text);
  await expect.poll(() => page.locator('[data-role="assistant"][data-state="complete"]').count(), WAIT).toBe(before + 1);
}

/** Opens a conversation's ⋯ menu in the list and picks one of its items. */
export async function chooseFromMenu(page: Page, title: string, item: string): Promise<void> {
  await page.getByRole("button", { name: `Actions for ${title}`, exact: true }).click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}
