/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * The chat open in two tabs over one LocalStorage, and regenerate failing: what each keeps. Real SDK, real app,
 * fake upstream; the tabs share an in-memory Storage, and the `storage` event is delivered as the browser would.
 */
import { describe, expect, it } from "vitest";
import type { ChatClient } from "../../sdk/index.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { STORAGE_KEY, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let upstream: FakeOpenAiUpstream;
let client: ChatClient;

useAppOnFakeUpstream({}, (started) => ({ upstream, client } = started));

const openTab = (storage: MemoryStorage) => new ChatStore({ client, storage: createConversationStorage(() => storage), saveDelayMs: 20 });
const saved = (storage: MemoryStorage) => JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
const allTexts = (state: StoredStateV1_1) => state.conversations.flatMap((conversation) => conversation.messages.map((message) => message.content));

describe("two tabs", () => {
  it("a tab that changed nothing does not overwrite what the other tab saved when it is hidden or closed", async () => {
    const storage = createMemoryStorage();
    const tabA = openTab(storage);
    const tabB = openTab(storage);
    await tabA.session.send("Written in tab A");
    const writesBefore = storage.writes.length;

    tabB.saveIfChanged(); // B goes hidden
    tabB.leavePage(); // B closes

    expect(storage.writes.length).toBe(writesBefore);
    expect(allTexts(saved(storage))).toContain("Written in tab A");
  });

  it("takes in the other tab's conversations when it saves, and keeps them in its own saves", async () => {
    const storage = createMemoryStorage();
    const tabA = openTab(storage);
    const tabB = openTab(storage);
    await tabA.session.send("Written in tab A");

    tabB.mergeFromStorage(storage.getItem(STORAGE_KEY)); // the storage event
    expect(tabB.conversations.flatMap((conversation) => conversation.messages.map((message) => message.content))).toContain("Written in tab A");
    tabB.newConversation();
    await tabB.session.send("Written in tab B");

    const texts = allTexts(saved(storage));
    expect(texts).toContain("Written in tab A");
    expect(texts).toContain("Written in tab B");
  });

  it("takes a newer version of a shared conversation, but not one it deleted itself", async () => {
    const storage = createMemoryStorage();
    const tabA = openTab(storage);
    await tabA.session.send("First");
    const tabB = openTab(storage); // loads A's conversation
    const shared = tabA.active.id;
    await tabA.session.send("Second, after B opened");

    tabB.mergeFromStorage(storage.getItem(STORAGE_KEY));
    expect(tabB.conversations.find((conversation) => conversation.id === shared)!.messages.map((message) => message.content)).toContain(
      "Second, after B opened",
    );

    tabB.remove(shared);
    tabB.mergeFromStorage(JSON.stringify(saved(storage)));
    expect(tabB.conversations.some((conversation) => conversation.id === shared)).toBe(false);
  });
});

describe("regenerate that fails", () => {
  it("puts the previous reply back when the new attempt fails before any text, and says why", async () => {
    const storage = createMemoryStorage();
    const tab = openTab(storage);
    await tab.session.send("Question");
    const good = tab.active.messages.at(-1)!;
    expect(good.state).toBe("complete");
    upstream.enqueue({ fault: { kind: "status", status: 500 } });

    await tab.session.regenerate();

    expect(tab.active.messages).toHaveLength(2);
    expect(tab.active.messages.at(-1)).toMatchObject({ id: good.id, content: good.content, state: "complete" });
    expect(tab.session.regenerateFailure?.code).toBe("upstream_unavailable");
    expect(saved(storage).conversations[0]!.messages.at(-1)!.content).toBe(good.content);
  });

  it("keeps the new reply when it has text, even if it then fails", async () => {
    const tab = openTab(createMemoryStorage());
    await tab.session.send("Question");
    upstream.enqueue({ tokens: ["Partly", " new"], fault: { kind: "reset", afterTokens: 1 } });

    await tab.session.regenerate();

    expect(tab.active.messages.at(-1)).toMatchObject({ content: "Partly", state: "error" });
    expect(tab.session.regenerateFailure).toBeNull();
  });
});
