/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * A conversation deleted in one tab goes from every other, and no tab brings it back: not one that saves before it
 * heard, not one opened afterwards. The tabs share an in-memory Storage; the `storage` events are delivered by hand,
 * when the test says, as a browser delivers them some time after the write.
 */
import { describe, expect, it } from "vitest";
import type { ChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { createDeletedConversations, DELETED_KEY } from "../../web/src/lib/storage/deleted-conversations.js";
import { STORAGE_KEY, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { storedConversation } from "./record-session.js";

let upstream: FakeOpenAiUpstream;
let client: ChatClient;

useAppOnFakeUpstream({}, (started) => ({ upstream, client } = started));

/** A tab as main.ts makes it: conversations and tombstones in the same storage. */
const openTab = (storage: MemoryStorage) =>
  new ChatStore({ client, storage: createConversationStorage(() => storage), saveDelayMs: 5, deleted: createDeletedConversations(() => storage) });

/** The `storage` events of the other tab's writes reach `tab`. */
function deliverEvents(tab: ChatStore, storage: MemoryStorage): void {
  tab.mergeDeletions(storage.getItem(DELETED_KEY));
  tab.mergeFromStorage(storage.getItem(STORAGE_KEY));
}

const ids = (tab: ChatStore) => tab.conversations.map((conversation) => conversation.id).sort();
const savedIds = (storage: MemoryStorage) => (JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1).conversations.map(({ id }) => id).sort();

/** Storage holding two conversations, `keep` (open) and `doomed`. */
function storageWithTwo(): MemoryStorage {
  const storage = createMemoryStorage();
  const state: StoredStateV1_1 = {
    version: "1.1.0",
    activeConversationId: "doomed",
    conversations: [storedConversation(["Keep me", "Kept."], "keep"), storedConversation(["Delete me", "Deleted."], "doomed")],
  };
  storage.setItem(STORAGE_KEY, JSON.stringify(state));
  return storage;
}

describe("a conversation deleted in tab A", () => {
  it("goes from tab B when B hears of it, and B, which had it open, opens another", () => {
    const storage = storageWithTwo();
    const tabA = openTab(storage);
    const tabB = openTab(storage);
    expect(tabB.active.id).toBe("doomed");

    tabA.remove("doomed");
    deliverEvents(tabB, storage);

    expect(ids(tabB)).toEqual(["keep"]);
    expect(tabB.active.id).toBe("keep");
    expect(savedIds(storage)).toEqual(["keep"]);
  });

  it("is not brought back by B saving before it heard, for A, B once it hears, or a tab opened later", () => {
    const storage = storageWithTwo();
    const tabA = openTab(storage);
    const tabB = openTab(storage);
    tabA.remove("doomed");

    // B has not heard yet: its save puts the conversation back into the stored list.
    tabB.active.draft = "typed in B";
    tabB.save();
    expect(savedIds(storage)).toEqual(["doomed", "keep"]);

    deliverEvents(tabA, storage);
    expect(ids(tabA)).toEqual(["keep"]);
    expect(ids(openTab(storage))).toEqual(["keep"]);

    deliverEvents(tabB, storage);
    expect(ids(tabB)).toEqual(["keep"]);
    tabB.save();
    expect(savedIds(storage)).toEqual(["keep"]);
  });

  it("leaves B's other conversations and what was typed in them as they were", () => {
    const storage = storageWithTwo();
    const tabA = openTab(storage);
    const tabB = openTab(storage);
    tabB.select("keep");
    tabB.active.draft = "half a question";

    tabA.remove("doomed");
    deliverEvents(tabB, storage);

    expect(ids(tabB)).toEqual(["keep"]);
    expect(tabB.active).toMatchObject({ id: "keep", draft: "half a question" });
    expect(tabB.active.messages.map((message) => message.content)).toEqual(["Keep me", "Kept."]);
  });

  it("stops B reading its reply, and A stops it on the server", async () => {
    const storage = createMemoryStorage();
    const tabB = openTab(storage);
    upstream.enqueue({ tokens: Array.from({ length: 200 }, (_, index) => `w${index} `), delayMs: 20 });
    const sending = tabB.session.send("A long story");
    await expect.poll(() => tabB.active.messages[1]?.content.length ?? 0, { timeout: 5_000 }).toBeGreaterThan(10);
    tabB.save();
    const doomed = tabB.active.id;
    const tabA = openTab(storage);
    tabA.newConversation();

    tabA.remove(doomed);
    deliverEvents(tabB, storage);
    await sending;

    expect(ids(tabB)).not.toContain(doomed);
    expect(tabB.session.busy).toBe(false);
    // The upstream's request was let go well before its 200 tokens.
    await expect.poll(() => upstream.requests.at(-1)!.closedAt, { timeout: 5_000 }).toBeDefined();
    expect(upstream.requests.at(-1)!.finished).toBe(false);
  });
});
