/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * ChatStore over the in-memory Storage, streaming real replies from the real app and fake upstream: managing
 * conversations, when they are saved, and what a reload brings back.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { ChatClient } from "../../sdk/index.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { STORAGE_KEY, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { storedConversation } from "./record-session.js";

const SAVE_DELAY_MS = 40;

let upstream: FakeOpenAiUpstream;
let client: ChatClient;

useAppOnFakeUpstream({}, (started) => ({ upstream, client } = started));

function startStore(storage: MemoryStorage = createMemoryStorage(), onToken?: (reply: ChatMessage) => void) {
  return { storage, store: new ChatStore({ client, storage: createConversationStorage(() => storage), saveDelayMs: SAVE_DELAY_MS, onToken }) };
}

/** A storage holding three earlier conversations, "b" open. */
function seededStorage(): MemoryStorage {
  const storage = createMemoryStorage();
  const state: StoredStateV1_1 = {
    version: "1.1.0",
    activeConversationId: "b",
    conversations: [
      { ...storedConversation(["a?", "a!"], "a"), title: "A", updatedAt: "2020-01-01T10:00:00.000Z" },
      { ...storedConversation(["b?", "b!"], "b"), title: "B", updatedAt: "2020-01-03T10:00:00.000Z" },
      { ...storedConversation(["c?", "c!"], "c"), title: "C", updatedAt: "2020-01-02T10:00:00.000Z", draft: "half-typed" },
    ],
  };
  storage.setItem(STORAGE_KEY, JSON.stringify(state));
  return storage;
}

const saved = (storage: MemoryStorage) => JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
const mainWrites = (storage: MemoryStorage) =>
  storage.writes.filter((write) => write.key === STORAGE_KEY).map((write) => JSON.parse(write.value) as StoredStateV1_1);

describe("managing conversations", () => {
  it("starts with one empty chat and reuses it for New chat while it is still empty", () => {
    const { store } = startStore();
    const first = store.active;

    expect(store.conversations).toEqual([first]);
    expect(store.newConversation()).toBe(first);
    expect(store.conversations).toHaveLength(1);
  });

  it("lists conversations most recently active first, and restores the one that was open", () => {
    const { store } = startStore(seededStorage());

    expect(store.sorted.map((c) => c.title)).toEqual(["B", "C", "A"]);
    expect(store.active.id).toBe("b");
    expect(store.conversations.find((c) => c.id === "c")!.draft).toBe("half-typed");
  });

  it("selects, renames, opens and removes conversations, saving each change at once", () => {
    const { storage, store } = startStore(seededStorage());

    store.select("a");
    expect(saved(storage).activeConversationId).toBe("a");
    store.select("no-such-id");
    expect(store.active.id).toBe("a");

    store.rename("a", `  ${"R".repeat(130)}  `);
    expect(saved(storage).conversations.find((c) => c.id === "a")!.title).toBe("R".repeat(120));
    store.rename("a", "   ");
    expect(store.active.title, "a blank name is ignored").toBe("R".repeat(120));

    const fresh = store.newConversation();
    expect(saved(storage)).toMatchObject({ activeConversationId: fresh.id });
    expect(saved(storage).conversations).toHaveLength(4);

    store.remove(fresh.id);
    expect(store.active.id, "removing the open chat opens the most recent one").toBe("b");
    store.remove("a");
    expect(saved(storage).conversations.map((c) => c.id)).toEqual(["b", "c"]);
    store.remove("b");
    store.remove("c");
    expect(store.conversations).toHaveLength(1);
    expect(store.active.messages).toEqual([]);
    expect(saved(storage).conversations.map((c) => c.id)).toEqual([store.active.id]);
  });

  it("moves a conversation to the top of the list when it gets a reply", async () => {
    const { store } = startStore(seededStorage());
    store.select("a");

    await store.session.send("Back to A");

    expect(store.sorted.map((c) => c.title)).toEqual(["A", "B", "C"]);
    expect(store.active.messages.at(-1)).toMatchObject({ content: "Hello from the fake upstream!", state: "complete" });
  });

  it("stops the reply of a conversation removed while it streams, and never saves it again", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 50 }, (_, index) => `${index} `), delayMs: 20 });
    const { storage, store } = startStore(seededStorage());
    store.newConversation();
    const doomed = store.active;
    const sending = store.session.send("Soon deleted");
    await expect.poll(() => doomed.messages[1]?.content ?? "").not.toBe("");

    store.remove(doomed.id);
    await sending;

    expect(doomed.messages[1]!.state).toBe("stopped");
    const request = upstream.requests.at(-1)!;
    await upstream.waitForClose(request);
    expect(request.finished).toBe(false);
    expect(request.tokensSent).toBeLessThan(50);
    await sleep(SAVE_DELAY_MS * 2);
    expect(saved(storage).conversations.map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(store.conversations.map((c) => c.id)).toEqual(["a", "b", "c"]);
  });
});

describe("saving", () => {
  it("saves the new messages at once and streamed tokens in batches, then the finished reply at once", async () => {
    const tokens = Array.from({ length: 20 }, (_, index) => `w${index} `);
    upstream.enqueue({ tokens, delayMs: 10 });
    const { storage, store } = startStore();

    const sending = store.session.send("Stream twenty words");
    expect(saved(storage).conversations[0]!.messages.map(({ role, state }) => [role, state])).toEqual([
      ["user", "complete"],
      ["assistant", "streaming"],
    ]);
    await sending;

    expect(saved(storage).conversations[0]!.messages[1]).toMatchObject({ content: tokens.join(""), state: "complete" });
    const replies = mainWrites(storage).map((state) => state.conversations[0]!.messages[1]);
    const partial = replies.filter((reply) => reply?.state === "streaming" && reply.content !== "");
    expect(partial.length, "some batches were saved while streaming").toBeGreaterThan(0);
    expect(partial.length, "far fewer saves than tokens").toBeLessThan(tokens.length / 2);
    for (const reply of partial) expect(tokens.join("").startsWith(reply!.content)).toBe(true);
  });

  it("saves a draft after the batch delay, not on every keystroke", async () => {
    const { storage, store } = startStore();
    const writes = storage.writes.length;

    for (const draft of ["H", "He", "Hel", "Hello"]) {
      store.active.draft = draft;
      store.changed("content");
    }
    expect(storage.writes.length).toBe(writes);

    await expect.poll(() => storage.writes.length).toBe(writes + 1);
    expect(saved(storage).conversations[0]!.draft).toBe("Hello");
  });
});

describe("after a reload", () => {
  it("brings back every conversation, the open one and its draft", async () => {
    const { storage, store } = startStore();
    await store.session.send("Before the reload");
    const second = store.newConversation();
    second.draft = "typed, not sent";
    store.changed("content");
    store.save(); // what pagehide does

    const { store: reloaded } = startStore(storage);

    expect(reloaded.notice).toBeNull();
    expect(reloaded.active.id).toBe(second.id);
    expect(reloaded.active.draft).toBe("typed, not sent");
    expect(reloaded.conversations.map((c) => c.toStored())).toEqual(store.conversations.map((c) => c.toStored()));
  });

  it("shows a reply saved streaming without the server's id (by an older version) as interrupted by the reload, keeping its text", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 50 }, (_, index) => `p${index} `), delayMs: 20 });
    let savedAtPagehide: string | null = null;
    let partial = "";
    const { storage, store } = startStore(undefined, (reply) => {
      if (reply.content.split(" ").length === 6) {
        store.save(); // pagehide: the tab is closing mid-reply
        savedAtPagehide = storage.getItem(STORAGE_KEY);
        partial = reply.content;
      }
    });
    const sending = store.session.send("Long answer please");
    await expect.poll(() => savedAtPagehide).not.toBeNull();
    store.session.stop(); // the old tab is gone
    await sending;

    // What a version that did not keep the server's id saved: nothing to re-attach to.
    const old = JSON.parse(savedAtPagehide!) as StoredStateV1_1;
    delete old.conversations[0]!.messages[1]!.messageId;
    delete old.conversations[0]!.messages[1]!.lastEventId;
    const reopened = createMemoryStorage();
    reopened.setItem(STORAGE_KEY, JSON.stringify(old));
    const calls = upstream.requests.length;
    const { store: reloaded } = startStore(reopened);

    const reply = reloaded.active.messages[1]!;
    expect(reply).toMatchObject({ content: partial, state: "error" });
    expect(partial).toBe("p0 p1 p2 p3 p4 ");
    expect(reply.failure).toEqual({
      code: "interrupted_by_reload",
      message: "The page was closed or reloaded while this reply was arriving. The text above is what had arrived.",
      retryable: true,
    });
    expect(reloaded.session.status).toBe("ready");
    expect(reloaded.session.lastReply, "it can be regenerated").toBe(reply);
    expect(upstream.requests.length, "nothing is asked of the server").toBe(calls);
  });
});

describe("with storage blocked", () => {
  it("still streams replies, keeping them in memory", async () => {
    const { store } = startStore(createMemoryStorage({ blocked: true }));

    await store.session.send("Works without storage?");

    expect(store.notice?.kind).toBe("unavailable");
    expect(store.active.messages.map(({ role, content, state }) => [role, content, state])).toEqual([
      ["user", "Works without storage?", "complete"],
      ["assistant", "Hello from the fake upstream!", "complete"],
    ]);
  });
});
