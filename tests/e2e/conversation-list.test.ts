/**
 * The conversation list as people use it, in Chromium: hovering moves nothing, every conversation has a ⋯ menu
 * that works by touch and by keyboard, titles show without Markdown, the list is grouped by date and searchable,
 * and a conversation exports (Markdown, JSON) and imports back through the file picker under the strict CSP.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { exchange, WAIT } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";
import type { StoredConversation, StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";

const chat = useChatInBrowser();

const STORAGE_KEY = "streaming-chat";
const PHONE = { viewport: { width: 390, height: 844 }, touch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
/** WCAG 2.5.5's target size, which the list promises on touch screens. */
const TOUCH_TARGET = 44;

const conversationItems = (page: Page) => page.getByTestId("conversation-item");
const itemById = (page: Page, id: string) => page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
const menuButton = (page: Page, title: string) => page.getByRole("button", { name: `Actions for ${title}`, exact: true });
const menuItem = (page: Page, name: string) => page.getByRole("menuitem", { name, exact: true });
const searchBox = (page: Page) => page.getByRole("searchbox", { name: "Search conversations" });
const heading = (page: Page) => page.locator("h1");
const shownTitles = (page: Page) => conversationItems(page).locator(".title").allTextContents();
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? null);

/** A finished exchange of one question and its answer. */
function storedConversation(id: string, title: string, question: string, answer: string, updatedAt: string): StoredConversation {
  return {
    id,
    title,
    createdAt: updatedAt,
    updatedAt,
    draft: "",
    messages: [
      { id: `${id}-q`, role: "user", content: question, state: "complete", createdAt: updatedAt },
      { id: `${id}-a`, role: "assistant", content: answer, state: "complete", createdAt: updatedAt },
    ],
  };
}

/** An init script that puts `state` under the storage key before the app's first load in this tab (not on reloads). */
function seedStorageOnce(state: StoredStateV1_1): string {
  return `(() => {
    if (location.origin === "null" || sessionStorage.getItem("seeded")) return;
    sessionStorage.setItem("seeded", "1");
    localStorage.setItem(${JSON.stringify(STORAGE_KEY)}, ${JSON.stringify(JSON.stringify(state))});
  })();`;
}

/** Four conversations updated a minute apart, the second one open. */
function fourConversations(): StoredStateV1_1 {
  const at = (minute: number) => new Date(Date.now() - minute * 60_000).toISOString();
  return {
    version: "1.1.0",
    activeConversationId: "c2",
    conversations: [
      storedConversation("c1", "Planning the garden", "Planning the garden", "Start with tomatoes.", at(1)),
      storedConversation("c2", "A question about trains", "A question about trains", "Trains run on rails.", at(2)),
      storedConversation("c3", "Crème brûlée recipe", "Crème brûlée recipe", "Use a naïve amount of sugar.", at(3)),
      storedConversation("c4", "A very long title that does not fit in the sidebar at all, not even close", "Long", "Yes.", at(4)),
    ],
  };
}

async function readState(page: Page): Promise<StoredStateV1_1> {
  return JSON.parse((await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY))!) as StoredStateV1_1;
}

/**
 * The elements' sizes in CSS pixels, at Chromium's layout precision (1/64 px): on a phone's device scale a 44 px
 * box can read 43.99999237 from `getBoundingClientRect()` (seen in CI), while 43.98 px would still read 43.984375.
 */
async function boxOf(page: Page, selector: string): Promise<{ width: number; height: number }[]> {
  const toLayoutUnits = (pixels: number) => Math.round(pixels * 64) / 64;
  const boxes = await page
    .locator(selector)
    .evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect()).map(({ width, height }) => ({ width, height })));
  return boxes.map(({ width, height }) => ({ width: toLayoutUnits(width), height: toLayoutUnits(height) }));
}

async function itemBoxes(page: Page): Promise<string> {
  const boxes = await conversationItems(page).evaluateAll((items) =>
    items.map((item) => {
      const { x, y, width, height } = item.getBoundingClientRect();
      return { id: item.getAttribute("data-conversation-id"), x, y, width, height };
    }),
  );
  return JSON.stringify(boxes);
}

describe("hovering the list", () => {
  it("changes no item's bounding box, whether over an item or over its ⋯ button", async () => {
    const { page } = await chat.openChat({ ...DESKTOP, initScript: seedStorageOnce(fourConversations()) });
    await expect.poll(() => conversationItems(page).count(), WAIT).toBe(4);
    await page.mouse.move(1000, 700);
    const before = await itemBoxes(page);
    for (const id of ["c1", "c2", "c3", "c4"]) {
      await itemById(page, id).hover();
      expect(await itemBoxes(page), `hovering ${id}`).toBe(before);
      await itemById(page, id).locator('[aria-haspopup="menu"]').hover();
      expect(await itemBoxes(page), `hovering the ⋯ of ${id}`).toBe(before);
    }
  });
});

describe("the ⋯ menu of each conversation", () => {
  it("on a phone, renames and deletes a conversation that is not the open one, with 44 px touch targets", async () => {
    const { page } = await chat.openChat({ ...PHONE, initScript: seedStorageOnce(fourConversations()) });
    expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches), "the phone has a coarse pointer").toBe(true);
    await page.getByRole("button", { name: "Conversations", exact: true }).tap();
    await menuButton(page, "Planning the garden").waitFor();

    for (const { width, height } of await boxOf(page, '[data-testid="conversation-item"] [aria-haspopup="menu"]')) {
      expect(width).toBeGreaterThanOrEqual(TOUCH_TARGET);
      expect(height).toBeGreaterThanOrEqual(TOUCH_TARGET);
    }
    for (const { height } of await boxOf(page, '[data-testid="conversation-item"] .select')) expect(height).toBeGreaterThanOrEqual(TOUCH_TARGET);

    await menuButton(page, "Planning the garden").tap();
    expect(await menuButton(page, "Planning the garden").getAttribute("aria-expanded")).toBe("true");
    expect(await page.getByRole("menu").count()).toBe(1);
    for (const { height } of await boxOf(page, '[role="menuitem"]')) expect(height).toBeGreaterThanOrEqual(TOUCH_TARGET);

    await menuItem(page, "Rename").tap();
    const nameBox = page.getByRole("textbox", { name: "Conversation name" });
    expect(await nameBox.inputValue()).toBe("Planning the garden");
    await nameBox.fill("Garden plans");
    await nameBox.press("Enter");
    await expect.poll(() => itemById(page, "c1").locator(".title").textContent(), WAIT).toBe("Garden plans");
    expect(await page.getByRole("menu").count(), "the Enter that saved the name opened nothing").toBe(0);
    await expect.poll(async () => (await readState(page)).conversations.find((c) => c.id === "c1")?.title, WAIT).toBe("Garden plans");
    expect(await heading(page).textContent(), "the open conversation is still the open one").toBe("A question about trains");

    // Escape closes only the menu: the list it sits in stays open.
    await menuButton(page, "Crème brûlée recipe").tap();
    await page.keyboard.press("Escape");
    expect(await page.getByRole("menu").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Conversations", exact: true }).getAttribute("aria-expanded")).toBe("true");

    await menuButton(page, "Crème brûlée recipe").tap();
    await menuItem(page, "Delete").tap();
    await page.getByRole("button", { name: "Confirm delete Crème brûlée recipe" }).tap();
    await expect.poll(() => itemById(page, "c3").count(), WAIT).toBe(0);
    const state = await readState(page);
    expect(state.conversations.map((c) => c.id).sort()).toEqual(["c1", "c2", "c4"]);
    expect(state.activeConversationId).toBe("c2");
    expect(await heading(page).textContent()).toBe("A question about trains");
    expect(await page.locator("article[data-role]").count()).toBe(2);
  });

  it("works from the keyboard: arrows move through it, Escape closes it and gives the focus back to its button", async () => {
    const { page } = await chat.openChat({ ...DESKTOP, initScript: seedStorageOnce(fourConversations()) });
    const button = menuButton(page, "Planning the garden");
    expect(await button.getAttribute("aria-haspopup")).toBe("menu");
    expect(await button.getAttribute("aria-expanded")).toBe("false");

    await button.focus();
    await page.keyboard.press("Enter");
    expect(await button.getAttribute("aria-expanded")).toBe("true");
    expect(await focusedText(page)).toBe("Rename");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText(page)).toBe("Export as Markdown");
    await page.keyboard.press("End");
    expect(await focusedText(page)).toBe("Delete");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText(page), "wraps around").toBe("Rename");
    await page.keyboard.press("ArrowUp");
    expect(await focusedText(page)).toBe("Delete");

    await page.keyboard.press("Escape");
    expect(await page.getByRole("menu").count()).toBe(0);
    expect(await button.getAttribute("aria-expanded")).toBe("false");
    expect(await button.evaluate((element) => element === document.activeElement)).toBe(true);

    // ArrowUp on the button opens at the last item; choosing Rename and abandoning it returns to the button.
    await page.keyboard.press("ArrowUp");
    expect(await focusedText(page)).toBe("Delete");
    await page.keyboard.press("Home");
    await page.keyboard.press("Enter");
    const nameBox = page.getByRole("textbox", { name: "Conversation name" });
    expect(await nameBox.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => button.evaluate((element) => element === document.activeElement), WAIT).toBe(true);
    expect(await itemById(page, "c1").locator(".title").textContent()).toBe("Planning the garden");

    // Tab leaves the menu, which closes.
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.getByRole("menu").count()).toBe(0);
  });
});

describe("titles", () => {
  it("show without Markdown syntax: one stored with it, and one derived from a new first message", async () => {
    const state = fourConversations();
    state.conversations[1]!.title = "**Fix** the `bug`";
    const { page } = await chat.openChat({ ...DESKTOP, initScript: seedStorageOnce(state) });
    expect(await itemById(page, "c2").locator(".title").textContent()).toBe("Fix the bug");
    expect(await heading(page).textContent()).toBe("Fix the bug");
    expect((await readState(page)).conversations.find((c) => c.id === "c2")!.title, "stored data is not rewritten").toBe("**Fix** the `bug`");

    await page.getByTestId("new-chat").click();
    await exchange(page, "## **Bold** start with `code`\nand a second line");
    expect(await heading(page).textContent()).toBe("Bold start with code");
    expect((await shownTitles(page))[0]).toBe("Bold start with code");
  });
});

describe("dates and search", () => {
  it("groups conversations under headings by date, each group a list named by its heading", async () => {
    // Dates are made in the page, so "today" is the browser's local today whatever the machine's time zone.
    const initScript = `(() => {
      if (sessionStorage.getItem("seeded")) return;
      sessionStorage.setItem("seeded", "1");
      const now = new Date();
      const daysAgo = (days) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - days, 12).toISOString();
      const conversation = (id, updatedAt) => ({ id, title: id, createdAt: updatedAt, updatedAt, draft: "", messages: [] });
      localStorage.setItem(${JSON.stringify(STORAGE_KEY)}, JSON.stringify({
        version: "1.1.0",
        activeConversationId: "today",
        conversations: [
          conversation("today", now.toISOString()),
          conversation("yesterday", daysAgo(1)),
          conversation("last week", daysAgo(4)),
          conversation("last month", daysAgo(20)),
          conversation("two years ago", new Date(now.getFullYear() - 2, 0, 1).toISOString()),
        ],
      }));
    })();`;
    const { page } = await chat.openChat({ ...DESKTOP, initScript });
    const nav = page.getByRole("navigation", { name: "Conversations" });
    expect(await nav.getByRole("heading", { level: 2 }).allTextContents()).toEqual(["Today", "Yesterday", "Previous 7 days", "Previous 30 days", "Older"]);
    for (const [group, title] of [
      ["Today", "today"],
      ["Yesterday", "yesterday"],
      ["Previous 7 days", "last week"],
      ["Previous 30 days", "last month"],
      ["Older", "two years ago"],
    ]) {
      expect(await nav.getByRole("list", { name: group! }).getByRole("listitem").allTextContents(), group).toEqual([expect.stringContaining(title!)]);
    }
  });

  it("filters by title and message text, whatever the case and accents, keeps the open conversation open, and clearing restores the list", async () => {
    const { page } = await chat.openChat({ ...DESKTOP, initScript: seedStorageOnce(fourConversations()) });
    const all = await shownTitles(page);
    expect(all).toHaveLength(4);

    await searchBox(page).fill("CREME");
    await expect.poll(() => shownTitles(page), WAIT).toEqual(["Crème brûlée recipe"]);
    await searchBox(page).fill("NAIVE amount");
    await expect.poll(() => shownTitles(page), WAIT).toEqual(["Crème brûlée recipe"]);
    expect(await heading(page).textContent(), "the open conversation stays open while it is filtered out").toBe("A question about trains");
    expect(await page.locator("article[data-role]").count()).toBe(2);

    await searchBox(page).fill("rails");
    await expect.poll(() => shownTitles(page), WAIT).toEqual(["A question about trains"]);
    expect(await itemById(page, "c2").getByRole("button", { name: "A question about trains", exact: true }).getAttribute("aria-current")).toBe("page");

    await searchBox(page).fill("zeppelin");
    await expect.poll(() => page.getByRole("status").filter({ hasText: "No conversations match" }).count(), WAIT).toBe(1);
    expect(await conversationItems(page).count()).toBe(0);

    await searchBox(page).fill("");
    await expect.poll(() => shownTitles(page), WAIT).toEqual(all);
    expect(await page.getByText("No conversations match").count()).toBe(0);

    await searchBox(page).fill("garden");
    await expect.poll(() => shownTitles(page), WAIT).toEqual(["Planning the garden"]);
    await searchBox(page).press("Escape");
    await expect.poll(() => shownTitles(page), WAIT).toEqual(all);
    expect(await searchBox(page).inputValue()).toBe("");
  });
});

describe("export and import", () => {
  it("exports Markdown and JSON as downloads, imports the JSON back as an equal conversation under a new id, and refuses a bad file", async () => {
    const state = fourConversations();
    const original: StoredConversation = {
      ...state.conversations[1]!,
      title: "**Fix** the `bug`",
      draft: "half typed",
      messages: [
        { id: "q", role: "user", content: "Why?\n\n```py\n    def f():\n\treturn 1\n```", state: "complete", createdAt: "2026-11-30T10:00:00.000Z" },
        { id: "a", role: "assistant", content: "Café ☕ — naïve 日本語", state: "stopped", createdAt: "2026-11-30T10:00:01.000Z", model: "gpt-test" },
      ],
    };
    state.conversations[1] = original;
    // Any Content-Security-Policy violation (a blocked blob: download, say) is recorded for the test to see.
    const recordViolations = `addEventListener("securitypolicyviolation", (event) => (window.__violations ??= []).push(event.violatedDirective), true);`;
    const { page } = await chat.openChat({ ...DESKTOP, initScript: seedStorageOnce(state) + recordViolations });
    const csp = (await fetch(chat.app.baseUrl)).headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("blob:");

    await menuButton(page, "Fix the bug").click();
    const [markdown] = await Promise.all([page.waitForEvent("download"), menuItem(page, "Export as Markdown").click()]);
    expect(markdown.suggestedFilename()).toBe("fix-the-bug.md");
    const markdownText = await readFile((await markdown.path())!, "utf8");
    expect(markdownText).toBe(
      `# Fix the bug\n\n## User\n\n${original.messages[0]!.content}\n\n## Assistant\n\nCafé ☕ — naïve 日本語\n\n_Stopped before the end._\n`,
    );

    await menuButton(page, "Fix the bug").click();
    const [json] = await Promise.all([page.waitForEvent("download"), menuItem(page, "Export as JSON").click()]);
    expect(json.suggestedFilename()).toBe("fix-the-bug.json");
    const jsonPath = (await json.path())!;
    const exported = JSON.parse(await readFile(jsonPath, "utf8")) as { format: string; version: string; conversation: StoredConversation };
    expect(exported).toMatchObject({ format: "streaming-chat.conversation", version: "1.1.0", conversation: original });

    // Opened from another conversation: the import opens the imported one.
    await itemById(page, "c1").getByRole("button", { name: "Planning the garden", exact: true }).click();
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Import conversation…" }).click()]);
    await chooser.setFiles(jsonPath);
    await expect.poll(() => conversationItems(page).count(), WAIT).toBe(5);
    expect(await page.getByRole("status").filter({ hasText: "Imported “Fix the bug”." }).count()).toBe(1);
    expect(await heading(page).textContent()).toBe("Fix the bug");
    const afterImport = await readState(page);
    const importedId = afterImport.activeConversationId!;
    expect(importedId).not.toBe(original.id);
    expect(afterImport.conversations.find((c) => c.id === importedId)).toEqual({ ...original, id: importedId });
    expect(
      afterImport.conversations.find((c) => c.id === original.id),
      "the original is untouched",
    ).toEqual(original);

    const rawBefore = await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);
    const [badChooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Import conversation…" }).click()]);
    await badChooser.setFiles({
      name: "notes.json",
      mimeType: "application/json",
      buffer: Buffer.from('{"format":"streaming-chat.conversation","version":"1.1.0","conversation":{"id":"x"}}'),
    });
    await expect
      .poll(() => page.getByRole("alert").textContent(), WAIT)
      .toBe("Could not import “notes.json”: the conversation lacks a title, dates or draft. Nothing was changed.");
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBe(rawBefore);
    expect(await conversationItems(page).count()).toBe(5);
    expect(await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? [])).toEqual([]);
  });
});
