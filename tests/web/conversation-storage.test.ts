/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * What happens to saved conversations when storage misbehaves: unreadable data is copied aside before anything
 * overwrites it (and never overwritten when it cannot be copied), a full storage loses nothing held in the tab,
 * and blocked storage leaves a chat that works for as long as the tab is open.
 */
import { describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { describeStorageNotice } from "../../web/src/lib/storage/storage-notice.js";
import { STORAGE_KEY, type StoredConversation, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";

const CLOCK = new Date("2026-01-02T03:04:05.678Z");
const BACKUP_KEY = "streaming-chat:corrupt:2026-01-02T03:04:05.678Z";
/** Never called: nothing here talks to a server. */
const unusedClient = createChatClient({ baseUrl: "http://127.0.0.1:9" });

function startStore(storage: Storage | (() => Storage)) {
  const getStorage = typeof storage === "function" ? storage : () => storage;
  return new ChatStore({ client: unusedClient, storage: createConversationStorage(getStorage, () => CLOCK), saveDelayMs: 5 });
}

function conversation(id: string, updatedAt: string, text: string): StoredConversation {
  return {
    id,
    title: `Conversation ${id}`,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt,
    draft: "",
    messages: [
      { id: `${id}-q`, role: "user", content: "Tell me something long", state: "complete", createdAt: "2026-01-01T00:00:00.000Z" },
      { id: `${id}-a`, role: "assistant", content: text, state: "complete", createdAt: "2026-01-01T00:00:01.000Z" },
    ],
  };
}

const saved = (storage: MemoryStorage) => JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;

describe("unreadable saved data", () => {
  it.each([
    ["text that is not JSON", '{"version":"1.1.0","conversations":[{"id":"a"', "it is not valid JSON"],
    ["a JSON array", '[{"role":"user"}]', "it is not an object"],
    ["1.1.0 with the wrong shape", '{"version":"1.1.0","activeConversationId":null,"conversations":{}}', "no conversation list"],
    [
      "a message in an unknown state",
      JSON.stringify({
        version: "1.1.0",
        activeConversationId: null,
        conversations: [
          {
            ...conversation("c", "2026-01-01T00:00:00.000Z", "x"),
            messages: [{ id: "m", role: "user", content: "hi", state: "pending", createdAt: "2026-01-01T00:00:00.000Z" }],
          },
        ],
      }),
      "conversation 0: message 0 has an unknown state",
    ],
    [
      "a reply whose server id is not a string",
      JSON.stringify({
        version: "1.1.0",
        activeConversationId: null,
        conversations: [{ ...conversation("c", "2026-01-01T00:00:00.000Z", "x"), messages: [{ ...conversation("c", "", "x").messages[1]!, messageId: 42 }] }],
      }),
      "conversation 0: message 0 has a server id that is not a string",
    ],
    ["a future schema version", '{"version":"2.0.0","conversations":[],"folders":[]}', 'its schema version "2.0.0" is unknown to this version of the app'],
  ])("as %s is copied with its exact text to a dated backup key, and only then replaced", (_name, raw, reason) => {
    const storage = createMemoryStorage();
    storage.setItem(STORAGE_KEY, raw);
    const store = startStore(storage);

    expect(store.notice).toEqual({ kind: "corrupt", reason, backupKey: BACKUP_KEY });
    expect(describeStorageNotice(store.notice!)).toContain(`"${BACKUP_KEY}"`);
    expect(describeStorageNotice(store.notice!)).toContain(reason);
    expect(storage.getItem(BACKUP_KEY)).toBe(raw);
    expect(
      storage.writes.map((write) => write.key),
      "the copy is written before the original is replaced",
    ).toEqual([STORAGE_KEY, BACKUP_KEY, STORAGE_KEY]);
    expect(saved(storage)).toEqual({ version: "1.1.0", activeConversationId: store.active.id, conversations: [store.active.toStored()] });

    store.rename(store.active.id, "After the failure");
    expect(saved(storage).conversations.map((c) => c.title)).toEqual(["After the failure"]);
    expect(storage.getItem(BACKUP_KEY)).toBe(raw);
  });

  it("is copied aside only once, however often the app is reloaded", () => {
    const raw = `{"version":"1.1.0","conversations":"${"x".repeat(1_500_000)}"}`;
    const storage = createMemoryStorage({ quota: 5_000_000 });
    storage.setItem(STORAGE_KEY, raw);
    let minute = 0;
    const tickingClock = () => new Date(Date.UTC(2026, 0, 1, 0, minute++));
    const reload = () => new ChatStore({ client: unusedClient, storage: createConversationStorage(() => storage, tickingClock) });

    const first = reload();
    const later = [reload(), reload(), reload()];

    expect(first.notice).toMatchObject({ kind: "corrupt", backupKey: "streaming-chat:corrupt:2026-01-01T00:00:00.000Z" });
    expect(later.map((store) => store.notice)).toEqual([null, null, null]);
    const keys = Array.from({ length: storage.length }, (_, index) => storage.key(index));
    expect(keys).toEqual([STORAGE_KEY, "streaming-chat:corrupt:2026-01-01T00:00:00.000Z"]);
    expect(storage.getItem(keys[1]!)).toBe(raw);
  });

  it("is never overwritten when there is no room to copy it aside, and every save says so", async () => {
    const raw = `{"version":"1.1.0","conversations":"${"x".repeat(3_000)}"}`;
    const storage = createMemoryStorage({ quota: 4_000 });
    storage.setItem(STORAGE_KEY, raw);
    const store = startStore(storage);

    const kept = { kind: "corrupt-kept", reason: "no conversation list" };
    expect(store.notice).toEqual(kept);
    expect(describeStorageNotice(store.notice!)).toMatch(/left untouched/);
    expect(storage.length, "no partial backup").toBe(1);

    store.rename(store.active.id, "Typed after the failure");
    store.active.draft = "a draft";
    store.changed("content");
    await new Promise((resolve) => setTimeout(resolve, 20));
    store.newConversation();
    store.save();
    store.dismissNotice();
    store.save();

    expect(store.notice, "saving keeps reporting why it does not save").toEqual(kept);
    expect(storage.getItem(STORAGE_KEY)).toBe(raw);
    expect(storage.writes).toHaveLength(1);
    expect(store.active.title, "the tab still works in memory").toBe("Typed after the failure");
  });
});

describe("a full storage", () => {
  const BIG = "🚀 long reply ".repeat(9_000); // 126,000 code units
  const SMALL = "short reply";

  function startFull() {
    const storage = createMemoryStorage({ quota: 200_000 });
    const state: StoredStateV1_1 = {
      version: "1.1.0",
      activeConversationId: "small",
      conversations: [conversation("big", "2026-01-01T10:00:00.000Z", BIG), conversation("small", "2026-01-01T11:00:00.000Z", SMALL)],
    };
    storage.setItem(STORAGE_KEY, JSON.stringify(state));
    return { storage, store: startStore(storage) };
  }

  it("reports quota when a save does not fit, and keeps every conversation intact in the tab", () => {
    const { storage, store } = startFull();
    const before = storage.getItem(STORAGE_KEY);
    const draft = "d".repeat(90_000);

    store.active.draft = draft;
    store.save();

    expect(store.notice).toEqual({ kind: "quota" });
    expect(describeStorageNotice(store.notice!)).toMatch(/full/);
    expect(storage.getItem(STORAGE_KEY), "the last saved state is still there").toBe(before);
    expect(store.conversations.map((c) => c.id)).toEqual(["big", "small"]);
    expect(store.conversations[0]!.messages[1]!.content).toBe(BIG);
    expect(store.active.draft).toBe(draft);
  });

  it("clears the quota notice once a later save fits, after the big conversation is deleted", () => {
    const { storage, store } = startFull();
    store.active.draft = "d".repeat(90_000);
    store.save();
    expect(store.notice).toEqual({ kind: "quota" });

    store.remove("big");

    expect(store.notice).toBeNull();
    expect(saved(storage).conversations.map((c) => [c.id, c.draft.length])).toEqual([["small", 90_000]]);
  });
});

describe("blocked storage", () => {
  it.each([
    ["every access to it throws", () => createMemoryStorage({ blocked: true })],
    [
      "merely reading localStorage throws",
      () => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    ],
  ])("when %s, is reported as unavailable and the chat still works in memory", (_name, getStorage) => {
    const store = startStore(getStorage);

    expect(store.notice).toEqual({ kind: "unavailable", detail: "SecurityError: The operation is insecure." });
    expect(describeStorageNotice(store.notice!)).toMatch(/lost when the tab closes/);
    const first = store.active;
    store.rename(first.id, "Kept in memory");
    first.draft = "typed";
    store.changed("content");
    store.save();

    expect(store.conversations).toEqual([first]);
    expect(store.active.title).toBe("Kept in memory");
    expect(store.active.draft).toBe("typed");
    expect(store.notice?.kind).toBe("unavailable");
  });
});
