/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Versions in LocalStorage (schema 1.1.0, optional `versions` field): what today's UI saved before versions reads and
 * writes back unchanged, 1.0.0 still migrates, versions survive a reload exactly, a switch is saved at once, and
 * `versions` that the page could not act on make the data unreadable (kept aside) rather than half-shown.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { addTurnVersion, showTurnVersion } from "../../web/src/lib/chat/message-versions.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { readStoredState } from "../../web/src/lib/storage/read-stored-state.js";
import { STORAGE_KEY, type StoredConversation, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";
import { storedConversation } from "./record-session.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const BEFORE_VERSIONS = fixture("storage-v1.1.0-before-versions.json");
const V1_0 = fixture("storage-v1.0.0.json");
/** Never called: nothing here talks to a server (no reply is streaming in this data). */
const unusedClient = createChatClient({ baseUrl: "http://127.0.0.1:9" });

function startStore(storage: MemoryStorage): ChatStore {
  return new ChatStore({ client: unusedClient, storage: createConversationStorage(() => storage) });
}

function storageHolding(state: unknown): MemoryStorage {
  const storage = createMemoryStorage();
  storage.setItem(STORAGE_KEY, JSON.stringify(state));
  return storage;
}

const saved = (storage: MemoryStorage) => JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
const stateOf = (...conversations: StoredConversation[]): StoredStateV1_1 => ({ version: "1.1.0", activeConversationId: conversations[0]!.id, conversations });
const reply = (id: string, content: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  role: "assistant",
  content,
  state: "complete",
  createdAt: "2026-12-01T00:00:00.000Z",
  ...extra,
});

/**
 * Three exchanges whose first message was edited (the edit has its own reply), and whose first reply, in the old
 * branch, was regenerated: versions inside a hidden version.
 */
function branchedConversation(): StoredConversation {
  const conversation = storedConversation(["Capital of France?", "Paris.", "And of Spain?", "Madrid.", "And of Italy?", "Rome."]);
  addTurnVersion(conversation.messages, 1, reply("m1b", "Paris, the capital."));
  conversation.messages.push(
    ...storedConversation(["And of Spain?", "Madrid.", "And of Italy?", "Rome."]).messages.map((message) => ({ ...message, id: `${message.id}-later` })),
  );
  addTurnVersion(conversation.messages, 0, { ...conversation.messages[0]!, id: "m0-edited", content: "Capital of Germany?" });
  conversation.messages.push(reply("m1-edited", "Berlin."));
  return conversation;
}

describe("data saved by today's UI, before versions (1.1.0)", () => {
  it("reads exactly as saved: not migrated, nothing added", () => {
    expect(readStoredState(BEFORE_VERSIONS)).toEqual({ kind: "ok", state: JSON.parse(BEFORE_VERSIONS) });
  });

  it("loads in the app and is written back unchanged, with no notice", () => {
    const storage = storageHolding(JSON.parse(BEFORE_VERSIONS));
    const store = startStore(storage);

    store.save();

    expect(store.notice).toBeNull();
    expect(saved(storage)).toEqual(JSON.parse(BEFORE_VERSIONS));
    expect(store.active.messages.map((message) => message.content)).toEqual(["Grüße aus Köln 👩‍👩‍👧 — 日本語も大丈夫？ مرحبا", "Hallo", "Go on", ""]);
  });
});

describe("data saved by the first layout (1.0.0)", () => {
  it("still migrates, each turn with one version, and takes versions afterwards that read back as they were", () => {
    const { state } = readStoredState(V1_0) as { state: StoredStateV1_1 };
    const messages = state.conversations[0]!.messages;
    expect(messages.some((message) => "versions" in message)).toBe(false);

    addTurnVersion(messages, 1, reply("regenerated", "Another answer"));

    expect(readStoredState(JSON.stringify(state))).toEqual({ kind: "ok", state });
    expect(messages[1]!.versions!.hidden[0]![0]!.content).toBe((JSON.parse(V1_0) as { messages: { content: string }[] }).messages[1]!.content);
  });
});

describe("versions across a reload", () => {
  it("come back exactly as saved, showing the branch that was shown, with every hidden branch and its own versions", () => {
    const conversation = branchedConversation();
    const storage = storageHolding(stateOf(conversation));

    const store = startStore(storage);

    expect(store.active.toStored()).toEqual(conversation);
    expect(store.active.messages.map((message) => message.content)).toEqual(["Capital of Germany?", "Berlin."]);
    store.save();
    expect(saved(storage).conversations[0]).toEqual(conversation);
  });

  it("keep the plain message list as the branch shown, which is all a reader older than versions looks at", () => {
    const storage = storageHolding(stateOf(branchedConversation()));
    const store = startStore(storage);

    store.session.showVersion(store.active.messages[0]!.id, 0);

    const shown = saved(storage).conversations[0]!.messages;
    expect(shown.map((message) => message.content)).toEqual([
      "Capital of France?",
      "Paris, the capital.",
      "And of Spain?",
      "Madrid.",
      "And of Italy?",
      "Rome.",
    ]);
    expect(shown.slice(2).every((message) => message.versions === undefined)).toBe(true);
  });

  it("a switch is saved at once, comes back after a reload, and does not move the conversation up the list", () => {
    const conversation = branchedConversation();
    const storage = storageHolding(stateOf(conversation));
    const store = startStore(storage);

    expect(store.session.showVersion(store.active.messages[0]!.id, 0)).toBe(true);
    expect(store.session.showVersion(store.active.messages[1]!.id, 0)).toBe(true);

    const expected = structuredClone(conversation);
    showTurnVersion(expected.messages, 0, 0);
    showTurnVersion(expected.messages, 1, 0);
    expect(saved(storage).conversations[0]).toEqual(expected);
    expect(saved(storage).conversations[0]!.updatedAt).toBe(conversation.updatedAt);
    const reloaded = startStore(storage);
    expect(reloaded.active.messages.map((message) => message.content)).toEqual([
      "Capital of France?",
      "Paris.",
      "And of Spain?",
      "Madrid.",
      "And of Italy?",
      "Rome.",
    ]);
    expect(reloaded.active.toStored()).toEqual(expected);
  });

  it("shows a reply found streaming in a hidden version as cut off by the reload, and leaves the branch shown alone", () => {
    const conversation = storedConversation(["Question", "Old answer"]);
    conversation.messages[1] = reply("m1", "Half an ans", { state: "streaming", messageId: `msg_${"a".repeat(32)}`, lastEventId: "3" });
    addTurnVersion(conversation.messages, 1, reply("m1b", "New answer"));
    const store = startStore(storageHolding(stateOf(conversation)));

    const hidden = store.active.messages[1]!.versions!.hidden[0]![0]!;
    expect(hidden).toMatchObject({ content: "Half an ans", state: "error", failure: { code: "interrupted_by_reload", retryable: true } });
    expect(store.active.messages[1]).toMatchObject({ content: "New answer", state: "complete" });
    expect(store.session.busy).toBe(false);
  });
});

describe("versions the page could not act on", () => {
  const withVersions = (versions: unknown) => {
    const conversation = storedConversation(["Question", "Answer"]);
    return JSON.stringify(stateOf({ ...conversation, messages: [conversation.messages[0]!, { ...conversation.messages[1]!, versions } as ChatMessage] }));
  };
  const old = [reply("m-old", "Old answer")];

  it.each([
    ["not an object", [old], "conversation 0: message 1 has versions without a list of them"],
    ["an empty list", { shown: 0, hidden: [] }, "conversation 0: message 1 has versions without a list of them"],
    ["no place for the shown one", { hidden: [old] }, "conversation 0: message 1 has versions that do not say which one is shown"],
    ["a place past the end", { shown: 2, hidden: [old] }, "conversation 0: message 1 has versions that do not say which one is shown"],
    ["a fractional place", { shown: 0.5, hidden: [old] }, "conversation 0: message 1 has versions that do not say which one is shown"],
    ["an empty version", { shown: 1, hidden: [[]] }, "conversation 0: message 1, version 0, is empty"],
    [
      "a version by the other author",
      { shown: 1, hidden: [[{ ...old[0]!, role: "user" }]] },
      "conversation 0: message 1, version 0, is not by the same author",
    ],
    ["a message without an id in a version", { shown: 1, hidden: [[{ ...old[0]!, id: "" }]] }, "conversation 0: message 1, version 0, message 0 has no id"],
    [
      "a bad message deep inside a version's own versions",
      { shown: 1, hidden: [[old[0], { ...old[0], id: "q", role: "user", versions: { shown: 0, hidden: [[{ ...old[0], role: "user", state: "done" }]] } }]] },
      "conversation 0: message 1, version 0, message 1, version 0, message 0 has an unknown state",
    ],
  ])("makes the data unreadable, saying where, for versions with %s", (_, versions, reason) => {
    expect(readStoredState(withVersions(versions))).toEqual({ kind: "corrupt", reason });
  });

  it("keeps such data aside, untouched, before the app writes anything", () => {
    const raw = withVersions({ shown: 3, hidden: [old] });
    const storage = createMemoryStorage();
    storage.setItem(STORAGE_KEY, raw);

    const store = startStore(storage);

    expect(store.notice).toMatchObject({ kind: "corrupt", backupKey: expect.stringMatching(/^streaming-chat:corrupt:/) });
    expect(storage.getItem((store.notice as { backupKey: string }).backupKey)).toBe(raw);
  });
});
