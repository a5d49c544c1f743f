/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * A reply's thinking in LocalStorage: two optional fields of schema 1.1.0 (`reasoning`, `reasoningMs`). Data saved
 * without them reads and writes back unchanged, data with them survives a reload and an export exactly, and fields of
 * the wrong type make the data unreadable (kept aside), as any other field the page acts on does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { addTurnVersion } from "../../web/src/lib/chat/message-versions.js";
import { exportAsJson, exportAsMarkdown } from "../../web/src/lib/conversations/export-conversation.js";
import { readConversationExport } from "../../web/src/lib/conversations/read-conversation-export.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { readStoredState } from "../../web/src/lib/storage/read-stored-state.js";
import { STORAGE_KEY, type StoredConversation, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";
import { storedConversation } from "./record-session.js";

const BEFORE_REASONING = readFileSync(new URL("./fixtures/storage-v1.1.0-before-versions.json", import.meta.url), "utf8");
/** Never called: nothing here talks to a server (no reply is streaming in this data). */
const unusedClient = createChatClient({ baseUrl: "http://127.0.0.1:9" });

const THOUGHT = "The user asks for **two** things.\n\nFirst the capital, then the river.";

/** A conversation whose reply thought for 2.4 s. */
function conversationWithThinking(extra: Partial<ChatMessage> = { reasoning: THOUGHT, reasoningMs: 2400 }): StoredConversation {
  const conversation = storedConversation(["Capital of France, and its river?", "Paris, on the Seine."]);
  Object.assign(conversation.messages[1]!, extra);
  return conversation;
}

function storageHolding(text: string): MemoryStorage {
  const storage = createMemoryStorage();
  storage.setItem(STORAGE_KEY, text);
  return storage;
}

const stateOf = (conversation: StoredConversation): StoredStateV1_1 => ({
  version: "1.1.0",
  activeConversationId: conversation.id,
  conversations: [conversation],
});
const startStore = (storage: MemoryStorage) => new ChatStore({ client: unusedClient, storage: createConversationStorage(() => storage), saveDelayMs: 5 });

describe("1.1.0 data saved before reasoning", () => {
  it("reads as it is, with no thinking on any message", () => {
    const result = readStoredState(BEFORE_REASONING);

    expect(result).toEqual({ kind: "ok", state: JSON.parse(BEFORE_REASONING) as unknown });
    const messages = (result as { state: StoredStateV1_1 }).state.conversations.flatMap((conversation) => conversation.messages);
    expect(messages.some((message) => "reasoning" in message || "reasoningMs" in message)).toBe(false);
  });

  it("is not written back by a page that only loaded it, and is written back unchanged when saved", () => {
    const storage = storageHolding(BEFORE_REASONING);
    const store = startStore(storage);
    expect(storage.writes.filter((write) => write.key === STORAGE_KEY)).toHaveLength(1);

    store.save();

    expect(JSON.parse(storage.getItem(STORAGE_KEY)!)).toEqual(JSON.parse(BEFORE_REASONING));
  });
});

describe("a reply that thought", () => {
  it("keeps its thinking and thinking time through a save and a reload", () => {
    const storage = storageHolding(JSON.stringify(stateOf(conversationWithThinking())));
    const store = startStore(storage);
    expect(store.active.messages[1]).toMatchObject({ reasoning: THOUGHT, reasoningMs: 2400 });

    store.save();
    const reloaded = startStore(storage);

    expect(reloaded.active.messages[1]).toMatchObject({ content: "Paris, on the Seine.", reasoning: THOUGHT, reasoningMs: 2400 });
    const saved = (JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1).conversations[0]!.messages[1]!;
    expect(saved).toEqual(conversationWithThinking().messages[1]);
  });

  it("may have thinking with no time (the page did not see it begin), and thinking in an older version", () => {
    const conversation = conversationWithThinking({ reasoning: THOUGHT });
    addTurnVersion(conversation.messages, 1, { ...conversation.messages[1]!, id: "again", content: "Paris.", reasoning: "Shorter.", reasoningMs: 0 });

    const result = readStoredState(JSON.stringify(stateOf(conversation)));

    expect(result.kind).toBe("ok");
    const [reply] = (result as { state: StoredStateV1_1 }).state.conversations[0]!.messages.slice(1);
    expect(reply).toMatchObject({ id: "again", reasoning: "Shorter.", reasoningMs: 0 });
    expect(reply!.versions!.hidden[0]![0]).toMatchObject({ reasoning: THOUGHT });
    expect(reply!.versions!.hidden[0]![0]!.reasoningMs).toBeUndefined();
  });

  it("keeps its thinking in a JSON export, and quotes it under its own label in a Markdown one", () => {
    const conversation = conversationWithThinking();

    const imported = readConversationExport(exportAsJson(conversation, Date.parse("2026-12-01T00:00:00.000Z")).text);
    const markdown = exportAsMarkdown(conversation).text;

    expect(imported).toMatchObject({ kind: "ok", conversation: { messages: conversation.messages } });
    expect(markdown).toContain("> _Thought for 2 s:_\n>\n> The user asks for **two** things.\n>\n> First the capital, then the river.\n\nParis, on the Seine.");
  });
});

describe("thinking fields of the wrong type", () => {
  it.each([
    ["reasoning that is a number", { reasoning: 42 }, "conversation 0: message 1 has reasoning that is not text"],
    ["reasoning that is null", { reasoning: null }, "conversation 0: message 1 has reasoning that is not text"],
    ["reasoning that is a list", { reasoning: ["a"] }, "conversation 0: message 1 has reasoning that is not text"],
    ["a thinking time as text", { reasoningMs: "2400" }, "conversation 0: message 1 has a thinking time that is not a number of milliseconds"],
    ["a negative thinking time", { reasoningMs: -1 }, "conversation 0: message 1 has a thinking time that is not a number of milliseconds"],
    ["a thinking time of null", { reasoningMs: null }, "conversation 0: message 1 has a thinking time that is not a number of milliseconds"],
  ])("make the data unreadable: %s", (_, extra, reason) => {
    const conversation = conversationWithThinking(extra as Partial<ChatMessage>);

    expect(readStoredState(JSON.stringify(stateOf(conversation)))).toEqual({ kind: "corrupt", reason });
  });

  it("in an older version make the data unreadable too", () => {
    const conversation = conversationWithThinking();
    addTurnVersion(conversation.messages, 1, { ...conversation.messages[1]!, id: "again" });
    conversation.messages[1]!.versions!.hidden[0]![0]!.reasoning = 7 as unknown as string;

    expect(readStoredState(JSON.stringify(stateOf(conversation)))).toMatchObject({
      kind: "corrupt",
      reason: expect.stringContaining("has reasoning that is not text"),
    });
  });

  it("are kept aside byte for byte rather than overwritten, and the page starts empty with a notice", () => {
    const text = JSON.stringify(stateOf(conversationWithThinking({ reasoning: 42 } as unknown as Partial<ChatMessage>)));
    const storage = storageHolding(text);

    const store = startStore(storage);

    expect(store.notice).not.toBeNull();
    const backups = Object.keys(Object.fromEntries(storage.writes.map(({ key, value }) => [key, value]))).filter((key) =>
      key.startsWith(`${STORAGE_KEY}:corrupt:`),
    );
    expect(backups).toHaveLength(1);
    expect(storage.getItem(backups[0]!)).toBe(text);
  });
});
