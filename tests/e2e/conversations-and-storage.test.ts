import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { DEFAULT_TOKENS } from "../../fixtures/fake-openai-upstream.js";
import { chooseFromMenu, exchange, lastReply, messageBox, send, WAIT, words } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";
import type { StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";

const chat = useChatInBrowser();

const STORAGE_KEY = "streaming-chat";
const DEFAULT_REPLY = DEFAULT_TOKENS.join("");
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const conversationItems = (page: Page) => page.getByTestId("conversation-item");
const activeItem = (page: Page) => page.locator('[data-testid="conversation-item"]:has([aria-current="page"])');
const itemById = (page: Page, id: string) => page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);

async function activeConversationId(page: Page): Promise<string> {
  const id = await activeItem(page).getAttribute("data-conversation-id");
  expect(id).toBeTruthy();
  return id!;
}

async function readStorage(page: Page, key = STORAGE_KEY): Promise<string | null> {
  return page.evaluate((name) => localStorage.getItem(name), key);
}

async function readState(page: Page): Promise<StoredStateV1_1 | null> {
  const raw = await readStorage(page);
  return raw === null ? null : (JSON.parse(raw) as StoredStateV1_1);
}

/** What the open conversation shows, in order: each message's role and text. */
async function shownMessages(page: Page): Promise<{ role: string | null; text: string }[]> {
  return page.locator("article[data-role]").evaluateAll((articles) =>
    articles.map((article) => {
      const role = article.getAttribute("data-role");
      const body = role === "user" ? article.querySelector(".user-text") : article.querySelector(".markdown");
      return { role, text: role === "user" ? (body?.textContent ?? "") : (body?.textContent ?? "").trim() };
    }),
  );
}

/** An init script that puts `raw` under the storage key before the app's first load in this tab (not on reloads). */
function seedStorageOnce(raw: string): string {
  return `(() => {
    if (location.origin === "null" || sessionStorage.getItem("seeded")) return;
    sessionStorage.setItem("seeded", "1");
    localStorage.setItem(${JSON.stringify(STORAGE_KEY)}, ${JSON.stringify(raw)});
  })();`;
}

describe("conversations survive a reload", () => {
  it("a reload brings back every conversation, its messages, the open one and the unsent draft", async () => {
    const open = await chat.openChat();
    const { page } = open;
    await exchange(page, "First topic");
    const firstId = await activeConversationId(page);
    await page.getByTestId("new-chat").click();
    await exchange(page, "Second topic");
    const secondId = await activeConversationId(page);
    expect(secondId).not.toBe(firstId);
    await itemById(page, firstId).getByRole("button", { name: "First topic", exact: true }).click();
    await messageBox(page).fill("an unsent thought\nwith two lines");

    await page.reload();
    await messageBox(page).waitFor();

    expect(await conversationItems(page).count()).toBe(2);
    expect(await activeConversationId(page)).toBe(firstId);
    expect(await page.locator("h1").textContent()).toBe("First topic");
    expect(await shownMessages(page)).toEqual([
      { role: "user", text: "First topic" },
      { role: "assistant", text: DEFAULT_REPLY },
    ]);
    expect(await messageBox(page).inputValue()).toBe("an unsent thought\nwith two lines");

    await itemById(page, secondId).getByRole("button", { name: "Second topic", exact: true }).click();
    await expect
      .poll(() => shownMessages(page), WAIT)
      .toEqual([
        { role: "user", text: "Second topic" },
        { role: "assistant", text: DEFAULT_REPLY },
      ]);
    expect(await messageBox(page).inputValue()).toBe("");
  });

  it("LocalStorage holds schema 1.1.0: every conversation with its title, dates, draft and messages, and the open one", async () => {
    const open = await chat.openChat();
    const { page } = open;
    await exchange(page, "Hello storage");
    const id = await activeConversationId(page);
    await messageBox(page).fill("draft text");

    await expect.poll(async () => (await readState(page))?.conversations[0]?.draft, WAIT).toBe("draft text");
    const state = (await readState(page))!;
    expect(Object.keys(state).sort()).toEqual(["activeConversationId", "conversations", "version"]);
    expect(state.version).toBe("1.1.0");
    expect(state.activeConversationId).toBe(id);
    expect(state.conversations).toHaveLength(1);
    const [conversation] = state.conversations;
    expect(conversation).toMatchObject({ id, title: "Hello storage", draft: "draft text" });
    expect(conversation!.createdAt).toMatch(ISO_DATE);
    expect(conversation!.updatedAt).toMatch(ISO_DATE);
    expect(conversation!.updatedAt >= conversation!.createdAt).toBe(true);
    expect(conversation!.messages.map(({ role, content, state: messageState }) => ({ role, content, state: messageState }))).toEqual([
      { role: "user", content: "Hello storage", state: "complete" },
      { role: "assistant", content: DEFAULT_REPLY, state: "complete" },
    ]);
    const shownIds = await page.locator("article[data-role]").evaluateAll((articles) => articles.map((article) => article.getAttribute("data-message-id")));
    expect(conversation!.messages.map((message) => message.id)).toEqual(shownIds);
    for (const message of conversation!.messages) expect(message.createdAt).toMatch(ISO_DATE);
  });

  it("a reply saved mid-stream without the server's id (by an older version) comes back marked as cut off, and Retry replaces it", async () => {
    chat.upstream.enqueue({ tokens: ["A", " fresh", " reply."] });
    const partial = words(6).join("");
    const old: StoredStateV1_1 = {
      version: "1.1.0",
      activeConversationId: "c1",
      conversations: [
        {
          id: "c1",
          title: "Write a long answer",
          createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:01.000Z",
          draft: "",
          messages: [
            { id: "q1", role: "user", content: "Write a long answer", state: "complete", createdAt: "2026-01-01T00:00:00.000Z" },
            { id: "r1", role: "assistant", content: partial, state: "streaming", createdAt: "2026-01-01T00:00:01.000Z" },
          ],
        },
      ],
    };
    const calls = chat.upstream.requests.length;
    const open = await chat.openChat({ initScript: seedStorageOnce(JSON.stringify(old)) });
    const { page } = open;

    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("error");
    expect(await lastReply(page).getAttribute("data-message-id")).toBe("r1");
    expect(await page.getByTestId("reply-error").textContent()).toContain("The page was closed or reloaded while this reply was arriving");
    expect((await lastReply(page).locator(".markdown").textContent())!.trim()).toBe(partial.trim());
    expect(chat.upstream.requests.length, "nothing to re-attach to: no request").toBe(calls);

    await page.getByTestId("retry-button").click();
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
    expect((await lastReply(page).locator(".markdown").textContent())!.trim()).toBe("A fresh reply.");
    expect(await page.locator('[data-role="assistant"]').count()).toBe(1);
  });
});

describe("several conversations", () => {
  it("a second tab shows the first tab's new conversation and never overwrites it", async () => {
    const open = await chat.openChat();
    const tabA = open.page;
    const tabB = await open.context.newPage();
    await tabB.goto(chat.app.baseUrl);
    await messageBox(tabB).waitFor();

    await exchange(tabA, "Written in tab A");
    await expect.poll(() => tabB.getByTestId("conversation-item").filter({ hasText: "Written in tab A" }).count(), WAIT).toBe(1);
    await tabA.close();
    await tabB.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await tabB.close();

    const again = await open.context.newPage();
    await again.goto(chat.app.baseUrl);
    await messageBox(again).waitFor();
    await expect.poll(() => again.getByTestId("conversation-item").filter({ hasText: "Written in tab A" }).count(), WAIT).toBe(1);
  });

  it("the conversation list marks a conversation while its reply streams, also when another one is open", async () => {
    chat.upstream.enqueue({ tokens: words(60), delayMs: 40 });
    const open = await chat.openChat();
    const { page } = open;
    await send(page, "Slow question");
    const slowId = await activeConversationId(page);
    await expect.poll(() => itemById(page, slowId).textContent(), WAIT).toContain("(streaming)");
    await page.getByTestId("new-chat").click();
    expect(await itemById(page, slowId).textContent()).toContain("(streaming)");
    await expect.poll(() => itemById(page, slowId).textContent(), WAIT).not.toContain("(streaming)");
  });

  it("switching conversation shows its messages, and a reply keeps streaming into its own conversation meanwhile", async () => {
    const longReply = words(40);
    chat.upstream.enqueue({ tokens: longReply, delayMs: 40 }, { tokens: ["Meanwhile", " here."] });
    const open = await chat.openChat();
    const { page } = open;
    await send(page, "Slow question");
    await expect.poll(() => lastReply(page).textContent(), WAIT).toContain("word2");
    const slowId = await activeConversationId(page);

    await page.getByTestId("new-chat").click();
    const otherId = await activeConversationId(page);
    expect(otherId).not.toBe(slowId);
    expect(await page.locator("article[data-role]").count()).toBe(0);
    expect(await messageBox(page).isEnabled()).toBe(true);
    const slowRequest = chat.upstream.requests.at(-1)!;

    await exchange(page, "Quick question");
    expect(await shownMessages(page)).toEqual([
      { role: "user", text: "Quick question" },
      { role: "assistant", text: "Meanwhile here." },
    ]);

    // The slow reply is read to its end while its conversation is not on screen (nothing aborted it).
    await expect.poll(() => slowRequest.finished, WAIT).toBe(true);
    expect(await activeConversationId(page)).toBe(otherId);
    await expect
      .poll(async () => (await readState(page))!.conversations.find((conversation) => conversation.id === slowId)!.messages.at(-1)!.state, WAIT)
      .toBe("complete");
    await itemById(page, slowId).getByRole("button", { name: "Slow question", exact: true }).click();
    await expect
      .poll(() => shownMessages(page), WAIT)
      .toEqual([
        { role: "user", text: "Slow question" },
        { role: "assistant", text: longReply.join("").trim() },
      ]);
    expect(await lastReply(page).getAttribute("data-state")).toBe("complete");

    const quickRequest = chat.upstream.requests.at(-1);
    expect(slowRequest.body.messages).toEqual([{ role: "user", content: "Slow question" }]);
    expect(quickRequest!.body.messages).toEqual([{ role: "user", content: "Quick question" }]);
    const saved = (await readState(page))!.conversations.find((conversation) => conversation.id === slowId)!;
    expect(saved.messages.at(-1)).toMatchObject({ role: "assistant", state: "complete", content: longReply.join("") });
  });

  it("New chat on an empty conversation reuses it instead of piling up empty ones", async () => {
    const open = await chat.openChat();
    const { page } = open;
    const emptyId = await activeConversationId(page);
    await page.getByTestId("new-chat").click();
    expect(await conversationItems(page).count()).toBe(1);
    expect(await activeConversationId(page)).toBe(emptyId);
  });

  it("rename changes the title everywhere and is saved; delete asks first, removes it, and never leaves the list empty", async () => {
    const open = await chat.openChat();
    const { page } = open;
    await exchange(page, "Keep me");
    const keptId = await activeConversationId(page);
    await page.getByTestId("new-chat").click();
    await exchange(page, "Remove me");
    const removedId = await activeConversationId(page);

    await chooseFromMenu(page, "Remove me", "Rename");
    const nameBox = page.getByRole("textbox", { name: "Conversation name" });
    await nameBox.fill("  Renamed topic  ");
    await nameBox.press("Enter");
    expect(await page.locator("h1").textContent()).toBe("Renamed topic");
    expect(await itemById(page, removedId).getByRole("button", { name: "Renamed topic", exact: true }).isVisible()).toBe(true);
    await expect
      .poll(async () => (await readState(page))!.conversations.find((conversation) => conversation.id === removedId)?.title, WAIT)
      .toBe("Renamed topic");

    // Escape abandons a rename.
    await chooseFromMenu(page, "Renamed topic", "Rename");
    await nameBox.fill("Not this");
    await nameBox.press("Escape");
    expect(await page.locator("h1").textContent()).toBe("Renamed topic");

    // Delete asks for confirmation; Keep backs out.
    await chooseFromMenu(page, "Renamed topic", "Delete");
    await page.getByRole("button", { name: "Keep", exact: true }).click();
    expect(await conversationItems(page).count()).toBe(2);

    await chooseFromMenu(page, "Renamed topic", "Delete");
    await page.getByRole("button", { name: "Confirm delete Renamed topic" }).click();
    expect(await conversationItems(page).count()).toBe(1);
    expect(await activeConversationId(page)).toBe(keptId);
    expect(await shownMessages(page)).toEqual([
      { role: "user", text: "Keep me" },
      { role: "assistant", text: DEFAULT_REPLY },
    ]);
    const afterDelete = (await readState(page))!;
    expect(afterDelete.conversations.map((conversation) => conversation.id)).toEqual([keptId]);
    expect(afterDelete.activeConversationId).toBe(keptId);

    await chooseFromMenu(page, "Keep me", "Delete");
    await page.getByRole("button", { name: "Confirm delete Keep me" }).click();
    expect(await conversationItems(page).count()).toBe(1);
    expect(await activeConversationId(page)).not.toBe(keptId);
    expect(await page.locator("h1").textContent()).toBe("New chat");
    expect(await page.locator("article[data-role]").count()).toBe(0);
    expect((await readState(page))!.conversations.some((conversation) => conversation.id === keptId)).toBe(false);
  });
});

describe("stored data from elsewhere", () => {
  it("migrates a 1.0.0 layout without losing any message and saves it as 1.1.0", async () => {
    const old = {
      version: "1.0.0",
      messages: [
        { role: "user", content: "Hi there", timestamp: 1_700_000_000_000 },
        { role: "assistant", content: "Hello! How can I help?", timestamp: 1_700_000_001_000 },
        { role: "user", content: "Two lines:\nsecond line", timestamp: 1_700_000_060_000 },
        { role: "assistant", content: "Café ☕ — naïve 日本語", timestamp: 1_700_000_061_500 },
        { role: "user", content: "<b>not bold</b>", timestamp: 1_700_000_120_000 },
        { role: "assistant", content: "Last one.", timestamp: 1_700_000_121_000 },
      ],
    };
    const open = await chat.openChat({ initScript: seedStorageOnce(JSON.stringify(old)) });
    const { page } = open;

    expect(await page.getByTestId("storage-notice").getAttribute("data-kind")).toBe("migrated");
    expect(await page.getByTestId("storage-notice").textContent()).toContain("1.0.0");
    expect(await shownMessages(page)).toEqual(old.messages.map(({ role, content }) => ({ role, text: content })));
    expect(await page.locator("h1").textContent()).toBe("Hi there");

    const state = (await readState(page))!;
    expect(state.version).toBe("1.1.0");
    expect(state.conversations).toHaveLength(1);
    expect(state.activeConversationId).toBe(state.conversations[0]!.id);
    expect(
      state.conversations[0]!.messages.map(({ role, content, state: messageState, createdAt }) => ({ role, content, state: messageState, createdAt })),
    ).toEqual(old.messages.map(({ role, content, timestamp }) => ({ role, content, state: "complete", createdAt: new Date(timestamp).toISOString() })));

    // Once saved in the new layout, the next load reads it as is.
    await page.reload();
    await messageBox(page).waitFor();
    expect(await page.getByTestId("storage-notice").count()).toBe(0);
    expect(await shownMessages(page)).toEqual(old.messages.map(({ role, content }) => ({ role, text: content })));
  });

  it("unreadable data is kept aside byte for byte under a backup key, the person is told, and the chat still works", async () => {
    const corrupt = '{"version":"1.1.0","conversations":[{"id":"c1","title":"Tru';
    const open = await chat.openChat({ initScript: seedStorageOnce(corrupt) });
    const { page } = open;

    const notice = page.getByTestId("storage-notice");
    expect(await notice.getAttribute("data-kind")).toBe("corrupt");
    const backupKeys = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("streaming-chat:corrupt:")));
    expect(backupKeys).toHaveLength(1);
    expect(backupKeys[0]!.slice("streaming-chat:corrupt:".length)).toMatch(ISO_DATE);
    expect(await readStorage(page, backupKeys[0]!)).toBe(corrupt);
    expect(await notice.textContent()).toContain(backupKeys[0]!);

    await exchange(page, "Does it still work?");
    expect(await shownMessages(page)).toEqual([
      { role: "user", text: "Does it still work?" },
      { role: "assistant", text: DEFAULT_REPLY },
    ]);
    const state = (await readState(page))!;
    expect(state.version).toBe("1.1.0");
    expect(state.conversations[0]!.messages.map((message) => message.content)).toEqual(["Does it still work?", DEFAULT_REPLY]);
    expect(await readStorage(page, backupKeys[0]!)).toBe(corrupt);

    await notice.getByRole("button", { name: "Dismiss" }).click();
    expect(await notice.count()).toBe(0);
  });

  it("a full LocalStorage shows the quota notice and keeps the conversation on screen; once there is room it saves again", async () => {
    const open = await chat.openChat();
    const { page } = open;
    await exchange(page, "Before the disk filled");

    // Fills the origin's quota to the last character with junk keys, halving the chunk each time one does not fit
    // (one growing key would rewrite megabytes per step, which takes a minute in Chromium).
    const junkLength = await page.evaluate(() => {
      let length = 0;
      let keys = 0;
      for (let step = 1 << 20; step >= 1;) {
        try {
          localStorage.setItem(`junk:${keys}`, "x".repeat(step));
          keys += 1;
          length += step;
        } catch {
          step >>= 1;
        }
      }
      return length;
    });
    expect(junkLength).toBeGreaterThan(1_000_000);

    chat.upstream.enqueue({ tokens: ["Still", " here."] });
    await exchange(page, "After the disk filled");
    await expect.poll(() => page.getByTestId("storage-notice").getAttribute("data-kind"), WAIT).toBe("quota");
    expect(await shownMessages(page)).toEqual([
      { role: "user", text: "Before the disk filled" },
      { role: "assistant", text: DEFAULT_REPLY },
      { role: "user", text: "After the disk filled" },
      { role: "assistant", text: "Still here." },
    ]);
    expect((await readState(page))!.conversations[0]!.messages.map((message) => message.content)).toEqual(["Before the disk filled", DEFAULT_REPLY]);

    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith("junk:")) localStorage.removeItem(key);
    });
    await exchange(page, "Room again");
    await expect.poll(() => page.getByTestId("storage-notice").count(), WAIT).toBe(0);
    expect((await readState(page))!.conversations[0]!.messages.map((message) => message.content)).toEqual([
      "Before the disk filled",
      DEFAULT_REPLY,
      "After the disk filled",
      "Still here.",
      "Room again",
      DEFAULT_REPLY,
    ]);
  });
});
