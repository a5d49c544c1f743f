/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Conversations saved by the first release (schema 1.0.0: one flat message list) become one 1.1.0 conversation
 * without losing a character, are written back in the new layout as soon as the app starts, and a 1.0.0 file
 * that does not validate is kept aside byte for byte rather than half-migrated.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { readStoredState } from "../../web/src/lib/storage/read-stored-state.js";
import { STORAGE_KEY, type StoredStateV1_0, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";

const FIXTURE_TEXT = readFileSync(new URL("./fixtures/storage-v1.0.0.json", import.meta.url), "utf8");
const FIXTURE = JSON.parse(FIXTURE_TEXT) as StoredStateV1_0;
const CLOCK = new Date("2026-03-04T05:06:07.089Z");
/** Never called: nothing here talks to a server. */
const unusedClient = createChatClient({ baseUrl: "http://127.0.0.1:9" });

function startStore(raw: string) {
  const storage = createMemoryStorage();
  storage.setItem(STORAGE_KEY, raw);
  const store = new ChatStore({
    client: unusedClient,
    storage: createConversationStorage(
      () => storage,
      () => CLOCK,
    ),
  });
  return { storage, store };
}

describe("reading a 1.0.0 message list", () => {
  it("keeps every message's role, text, order and time, as one complete conversation in schema 1.1.0", () => {
    const result = readStoredState(FIXTURE_TEXT);
    expect(result).toMatchObject({ kind: "ok", migratedFrom: "1.0.0" });
    const state = (result as { state: StoredStateV1_1 }).state;

    expect(state.version).toBe("1.1.0");
    expect(state.conversations).toHaveLength(1);
    const [conversation] = state.conversations;
    expect(state.activeConversationId).toBe(conversation!.id);
    expect(conversation!.messages.map(({ role, content, createdAt }) => ({ role, content, timestamp: Date.parse(createdAt) }))).toEqual(FIXTURE.messages);
    expect(conversation!.messages.every((message) => message.state === "complete" && message.failure === undefined)).toBe(true);
    expect(new Set(conversation!.messages.map((message) => message.id)).size).toBe(FIXTURE.messages.length);
    expect(conversation!.messages[3]!.content, "the empty reply stays empty").toBe("");
    expect(conversation).toMatchObject({
      title: "How do I render **Markdown** tables in a Svelte…",
      createdAt: "2024-11-09T10:00:00.000Z",
      updatedAt: new Date(FIXTURE.messages.at(-1)!.timestamp).toISOString(),
      draft: "",
    });
  });

  it("produces a state that reads back as valid 1.1.0, unchanged and not migrated again", () => {
    const { state } = readStoredState(FIXTURE_TEXT) as { state: StoredStateV1_1 };
    expect(readStoredState(JSON.stringify(state))).toEqual({ kind: "ok", state });
  });

  it("turns an empty 1.0.0 list into an empty 1.1.0 state", () => {
    expect(readStoredState('{"version":"1.0.0","messages":[]}')).toEqual({
      kind: "ok",
      migratedFrom: "1.0.0",
      state: { version: "1.1.0", activeConversationId: null, conversations: [] },
    });
  });
});

describe("reading 1.1.0 with the fields of resumable replies", () => {
  it("keeps a reply's server id and last event id, which older versions read past, and migrates nothing", () => {
    const reply = { id: "r", role: "assistant", content: "Half a", state: "streaming", createdAt: "2026-01-01T00:00:01.000Z" } as const;
    const state: StoredStateV1_1 = {
      version: "1.1.0",
      activeConversationId: "c",
      conversations: [
        {
          id: "c",
          title: "Resumable",
          createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:01.000Z",
          draft: "",
          messages: [
            { id: "q", role: "user", content: "Hi", state: "complete", createdAt: "2026-01-01T00:00:00.000Z" },
            { ...reply, messageId: "msg_0123456789abcdef0123456789abcdef", lastEventId: "2" },
          ],
        },
      ],
    };

    expect(readStoredState(JSON.stringify(state))).toEqual({ kind: "ok", state });
  });
});

describe("starting the app on 1.0.0 data", () => {
  it("writes the migrated 1.1.0 state back at once and tells the person it was converted", () => {
    const { storage, store } = startStore(FIXTURE_TEXT);

    expect(store.notice).toEqual({ kind: "migrated", from: "1.0.0" });
    const saved = JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
    expect(saved.version).toBe("1.1.0");
    expect(saved.conversations).toHaveLength(1);
    expect(saved.conversations[0]!.messages.map((message) => message.content)).toEqual(FIXTURE.messages.map((message) => message.content));
    expect(saved.activeConversationId).toBe(store.active.id);
    expect(store.active.messages.map((message) => message.content)).toEqual(FIXTURE.messages.map((message) => message.content));
  });

  it("reopens the migrated conversation on the next start, with the same ids and no notice", () => {
    const { storage, store } = startStore(FIXTURE_TEXT);
    const again = new ChatStore({
      client: unusedClient,
      storage: createConversationStorage(
        () => storage,
        () => CLOCK,
      ),
    });

    expect(again.notice).toBeNull();
    expect(again.active.id).toBe(store.active.id);
    expect(again.active.messages.map((message) => message.id)).toEqual(store.active.messages.map((message) => message.id));
  });

  it("starts with one empty chat when the 1.0.0 list was empty, saved as 1.1.0", () => {
    const { storage, store } = startStore('{"version":"1.0.0","messages":[]}');

    expect(store.notice).toEqual({ kind: "migrated", from: "1.0.0" });
    expect(store.conversations).toHaveLength(1);
    expect(store.active.messages).toEqual([]);
    const saved = JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
    expect(saved).toMatchObject({ version: "1.1.0", activeConversationId: store.active.id, conversations: [{ id: store.active.id, messages: [] }] });
  });
});

describe("an invalid 1.0.0 list", () => {
  const secondMessage = /("content": "Use a parser[^\n]*\n\s*)"timestamp": 1731146403512/;
  it.each([
    ["a message without a timestamp", FIXTURE_TEXT.replace(secondMessage, '$1"time": 1731146403512'), "message 1 has no timestamp"],
    ["a timestamp written as a string", FIXTURE_TEXT.replace(secondMessage, '$1"timestamp": "1731146403512"'), "message 1 has no timestamp"],
    ["a timestamp beyond the range of dates", FIXTURE_TEXT.replace(secondMessage, '$1"timestamp": 1e20'), "message 1 has no timestamp"],
    ["a system message", FIXTURE_TEXT.replace('"role": "assistant"', '"role": "system"'), "message 1 has an unknown role"],
    ["no message list", '{ "version": "1.0.0", "message": [] }', "no message list"],
  ])("with %s is kept aside byte for byte under the backup key, not migrated", (_name, raw, reason) => {
    expect(raw).not.toBe(FIXTURE_TEXT);
    const { storage, store } = startStore(raw);
    const backupKey = `streaming-chat:corrupt:${CLOCK.toISOString()}`;

    expect(store.notice).toEqual({ kind: "corrupt", reason, backupKey });
    expect(storage.getItem(backupKey)).toBe(raw);
    expect(store.conversations).toHaveLength(1);
    expect(store.active.messages).toEqual([]);

    store.rename(store.active.id, "A fresh start");
    expect(storage.getItem(backupKey), "the backup outlives the first save").toBe(raw);
    expect((JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1).version).toBe("1.1.0");
  });
});
