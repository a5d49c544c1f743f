/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Exporting a conversation (Markdown and JSON) and importing the JSON back: nothing lost, an id already in use
 * replaced, and every file checked by the same reader that loads LocalStorage, so a bad file changes nothing.
 */
import { describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { ConversationListView } from "../../web/src/lib/conversations/conversation-list-view.svelte.js";
import { exportAsJson, exportAsMarkdown, type ExportFile } from "../../web/src/lib/conversations/export-conversation.js";
import { MAX_IMPORT_BYTES, readConversationExport } from "../../web/src/lib/conversations/read-conversation-export.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { readStoredState } from "../../web/src/lib/storage/read-stored-state.js";
import { STORAGE_KEY, type StoredConversation, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";

/** Never called: nothing here talks to a server (no reply in these conversations is streaming with a server id). */
const unusedClient = createChatClient({ baseUrl: "http://127.0.0.1:9" });
const EXPORTED_AT = Date.parse("2026-12-01T08:00:00.000Z");

/** A conversation using every stored field: each state, a failure, stats, the model, a draft, and awkward text. */
const RICH: StoredConversation = {
  id: "rich",
  title: "**Fix** the `bug`",
  createdAt: "2026-11-30T09:00:00.000Z",
  updatedAt: "2026-11-30T09:05:00.000Z",
  draft: "an unsent\n  indented thought",
  messages: [
    { id: "u1", role: "user", content: "**Fix** the `bug`\n\n```py\n    def f():\n\treturn 1\n```", state: "complete", createdAt: "2026-11-30T09:00:00.000Z" },
    {
      id: "a1",
      role: "assistant",
      content: "Café ☕ — naïve 日本語 🤔 <b>not bold</b>\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n",
      state: "complete",
      createdAt: "2026-11-30T09:00:01.000Z",
      model: "gpt-test",
      messageId: "srv-1",
      stats: { timeToFirstTokenMs: 120, tokensPerSecond: 33.5, tokenCount: 40 },
    },
    { id: "u2", role: "user", content: "Go on", state: "complete", createdAt: "2026-11-30T09:01:00.000Z" },
    { id: "a2", role: "assistant", content: "Half of it", state: "stopped", createdAt: "2026-11-30T09:01:01.000Z" },
    { id: "u3", role: "user", content: "Again", state: "complete", createdAt: "2026-11-30T09:02:00.000Z" },
    {
      id: "a3",
      role: "assistant",
      content: "",
      state: "error",
      createdAt: "2026-11-30T09:02:01.000Z",
      failure: { code: "upstream_rate_limited", message: "The model is busy.", retryable: true, retryAfterSeconds: 7, requestId: "req-9" },
    },
  ],
};

function startStore(conversations: StoredConversation[] = [RICH]) {
  const storage = createMemoryStorage();
  const state: StoredStateV1_1 = { version: "1.1.0", activeConversationId: conversations[0]?.id ?? null, conversations };
  if (conversations.length > 0) storage.setItem(STORAGE_KEY, JSON.stringify(state));
  const store = new ChatStore({ client: unusedClient, storage: createConversationStorage(() => storage) });
  const downloads: ExportFile[] = [];
  const view = new ConversationListView({ store, download: (file) => downloads.push(file), now: () => EXPORTED_AT });
  return { storage, store, view, downloads };
}

const saved = (storage: Storage) => JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
const jsonFile = (text: string, name = "conversation.json") => new File([text], name, { type: "application/json" });

describe("export, then import", () => {
  it("gives back an equal conversation, under a new id when its own is taken, opened and saved", async () => {
    const { store, view, downloads, storage } = startStore();
    view.exportConversation(store.conversations[0]!, "json");
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({ name: "fix-the-bug.json", type: "application/json" });

    const imported = await view.importFile(jsonFile(downloads[0]!.text));

    expect(imported).not.toBeNull();
    expect(imported!.id).not.toBe(RICH.id);
    expect(imported!.toStored()).toEqual({ ...RICH, id: imported!.id });
    expect(store.active).toBe(imported);
    expect(store.conversations.find((conversation) => conversation.id === RICH.id)!.toStored(), "the original is untouched").toEqual(RICH);
    expect(view.importNotice).toEqual({ kind: "imported", title: "Fix the bug" });
    const state = saved(storage);
    expect(state.activeConversationId).toBe(imported!.id);
    expect(state.conversations.map((conversation) => conversation.id).sort()).toEqual([RICH.id, imported!.id].sort());
    expect(state.conversations.find((conversation) => conversation.id === imported!.id)).toEqual({ ...RICH, id: imported!.id });
  });

  it("keeps the conversation's id when no conversation here has it", async () => {
    const { view } = startStore([]);
    const imported = await view.importFile(jsonFile(exportAsJson(RICH, EXPORTED_AT).text));
    expect(imported!.toStored()).toEqual(RICH);
  });

  it("never brings a conversation deleted here back under its old id", async () => {
    const { store, view } = startStore();
    const text = exportAsJson(store.conversations[0]!.toStored(), EXPORTED_AT).text;
    store.remove(RICH.id);
    const imported = await view.importFile(jsonFile(text));
    expect(imported!.id).not.toBe(RICH.id);
    expect(imported!.toStored()).toEqual({ ...RICH, id: imported!.id });
  });

  it("writes the stored shape with a format and schema version marker", () => {
    const file = exportAsJson(RICH, EXPORTED_AT);
    expect(JSON.parse(file.text)).toEqual({
      format: "streaming-chat.conversation",
      version: "1.1.0",
      exportedAt: "2026-12-01T08:00:00.000Z",
      conversation: RICH,
    });
  });

  it("treats a reply saved mid-stream as a reload would: without a server id it is shown as cut off, text kept", () => {
    const streaming: StoredConversation = {
      ...RICH,
      id: "streaming",
      messages: [RICH.messages[0]!, { id: "a", role: "assistant", content: "Partial", state: "streaming", createdAt: RICH.createdAt }],
    };
    const { store } = startStore([]);
    const imported = store.importConversation(
      (readConversationExport(exportAsJson(streaming, EXPORTED_AT).text) as { conversation: StoredConversation }).conversation,
    );
    expect(imported.messages.at(-1)).toMatchObject({ content: "Partial", state: "error", failure: { code: "interrupted_by_reload" } });
  });
});

describe("importing a file that is not a conversation", () => {
  it.each([
    ["not JSON", "{ nope", "it is not valid JSON"],
    ["some other JSON", JSON.stringify({ hello: "world" }), "it is not a conversation exported by this app"],
    [
      "a whole LocalStorage state",
      JSON.stringify({ version: "1.1.0", activeConversationId: null, conversations: [RICH] }),
      "it is not a conversation exported by this app",
    ],
    [
      "a newer schema",
      JSON.stringify({ ...JSON.parse(exportAsJson(RICH, EXPORTED_AT).text), version: "9.0.0" }),
      'its schema version "9.0.0" is unknown to this version of the app',
    ],
    [
      "a conversation without a title",
      JSON.stringify({ format: "streaming-chat.conversation", version: "1.1.0", conversation: { ...RICH, title: 3 } }),
      "the conversation lacks a title, dates or draft",
    ],
    [
      "a message with an unknown role",
      JSON.stringify({
        format: "streaming-chat.conversation",
        version: "1.1.0",
        conversation: { ...RICH, messages: [{ ...RICH.messages[0], role: "system" }] },
      }),
      "message 0 has an unknown role",
    ],
  ])("refuses %s, says why, and changes nothing", async (_what, text, reason) => {
    const { store, view, storage } = startStore();
    const before = storage.getItem(STORAGE_KEY);
    const conversationsBefore = [...store.conversations];

    expect(await view.importFile(jsonFile(text, "bad.json"))).toBeNull();

    expect(view.importNotice).toEqual({ kind: "failed", fileName: "bad.json", reason });
    expect(store.conversations).toEqual(conversationsBefore);
    expect(store.active.id).toBe(RICH.id);
    expect(storage.getItem(STORAGE_KEY)).toBe(before);
  });

  it("refuses a file larger than browser storage before reading it", async () => {
    const { view, store } = startStore();
    const huge = jsonFile("x".repeat(MAX_IMPORT_BYTES + 1));
    expect(await view.importFile(huge)).toBeNull();
    expect(view.importNotice).toMatchObject({ kind: "failed", reason: "it is larger than browser storage can hold" });
    expect(store.conversations).toHaveLength(1);
  });

  it("accepts exactly the conversations that LocalStorage accepts (one reader for both)", () => {
    const variants: unknown[] = [
      RICH,
      { ...RICH, id: "" },
      { ...RICH, draft: undefined },
      { ...RICH, messages: "none" },
      { ...RICH, messages: [{ ...RICH.messages[1], state: "thinking" }] },
      { ...RICH, messages: [{ ...RICH.messages[1], messageId: 5 }] },
      { ...RICH, messages: [{ ...RICH.messages[1], lastEventId: "7" }] },
      { ...RICH, messages: [{ ...RICH.messages[1], createdAt: null }] },
      [RICH],
      null,
    ];
    for (const conversation of variants) {
      const stored = readStoredState(JSON.stringify({ version: "1.1.0", activeConversationId: null, conversations: [conversation] }));
      const imported = readConversationExport(JSON.stringify({ format: "streaming-chat.conversation", version: "1.1.0", conversation }));
      expect(imported.kind === "ok", JSON.stringify(conversation)).toBe(stored.kind === "ok");
    }
  });
});

describe("export as Markdown", () => {
  it("has the title, each turn under a role heading with its text as written, and what became of unfinished replies", () => {
    const { store, view, downloads } = startStore();
    view.exportConversation(store.conversations[0]!, "markdown");
    const [file] = downloads;
    expect(file).toMatchObject({ name: "fix-the-bug.md", type: "text/markdown;charset=utf-8" });
    expect(file!.text).toBe(
      [
        "# Fix the bug",
        "## User",
        RICH.messages[0]!.content,
        "## Assistant",
        RICH.messages[1]!.content.trimEnd(),
        "## User",
        "Go on",
        "## Assistant",
        "Half of it",
        "_Stopped before the end._",
        "## User",
        "Again",
        "## Assistant",
        "_Failed: The model is busy._",
      ].join("\n\n") + "\n",
    );
  });

  it("names files by the title's letters and digits, in any script, or 'conversation'", () => {
    expect(exportAsMarkdown({ ...RICH, title: "Crème brûlée: 2 ways!" }).name).toBe("creme-brulee-2-ways.md");
    expect(exportAsMarkdown({ ...RICH, title: "日本語 の 質問" }).name).toBe("日本語-の-質問.md");
    expect(exportAsJson({ ...RICH, title: "???" }, EXPORTED_AT).name).toBe("conversation.json");
  });
});
