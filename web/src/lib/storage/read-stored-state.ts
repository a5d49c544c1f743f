import type { ChatMessage, MessageState } from "../chat/chat-message.js";
import { createId } from "../chat/create-id.js";
import { titleFromText } from "../conversations/conversation-title.js";
import type { StoredConversation, StoredStateV1_0, StoredStateV1_1 } from "./storage-schema.js";

/** What was found under the storage key. */
export type ReadResult = { kind: "empty" } | { kind: "ok"; state: StoredStateV1_1; migratedFrom?: "1.0.0" } | { kind: "corrupt"; reason: string };

const MESSAGE_STATES: readonly MessageState[] = ["streaming", "complete", "stopped", "error"];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";

/** `name` is how a problem names the message: `message 3`, or `message 3, version 1, message 0` in a hidden version. */
function invalidMessage(value: unknown, name: string): string | null {
  if (!isRecord(value)) return `${name} is not an object`;
  if (!isString(value.id) || value.id === "") return `${name} has no id`;
  if (value.role !== "user" && value.role !== "assistant") return `${name} has an unknown role`;
  if (!isString(value.content)) return `${name} has no text`;
  if (!MESSAGE_STATES.includes(value.state as MessageState)) return `${name} has an unknown state`;
  if (!isString(value.createdAt)) return `${name} has no date`;
  // Optional (older saves lack them), but a page acts on them: it re-attaches to the reply they name.
  if (value.messageId !== undefined && !isString(value.messageId)) return `${name} has a server id that is not a string`;
  if (value.lastEventId !== undefined && !isString(value.lastEventId)) return `${name} has a last event id that is not a string`;
  // Optional (saves before reasoning lack them, and readers before it ignore them), and shown by the Thinking block.
  if (value.reasoning !== undefined && !isString(value.reasoning)) return `${name} has reasoning that is not text`;
  if (value.reasoningMs !== undefined && !(typeof value.reasoningMs === "number" && Number.isFinite(value.reasoningMs) && value.reasoningMs >= 0)) {
    return `${name} has a thinking time that is not a number of milliseconds`;
  }
  // Optional too, and acted on: the switcher shows them and moves their messages into the conversation.
  if (value.versions !== undefined) return invalidVersions(value.versions, value.role, name);
  return null;
}

function invalidMessages(value: unknown[], name: string): string | null {
  for (const [index, message] of value.entries()) {
    const problem = invalidMessage(message, `${name}${index}`);
    if (problem) return problem;
  }
  return null;
}

function invalidVersions(value: unknown, role: unknown, name: string): string | null {
  if (!isRecord(value) || !Array.isArray(value.hidden) || value.hidden.length === 0) return `${name} has versions without a list of them`;
  if (!Number.isInteger(value.shown) || (value.shown as number) < 0 || (value.shown as number) > value.hidden.length) {
    return `${name} has versions that do not say which one is shown`;
  }
  for (const [index, branch] of value.hidden.entries()) {
    if (!Array.isArray(branch) || branch.length === 0) return `${name}, version ${index}, is empty`;
    if (isRecord(branch[0]) && branch[0].role !== role) return `${name}, version ${index}, is not by the same author`;
    const problem = invalidMessages(branch, `${name}, version ${index}, message `);
    if (problem) return problem;
  }
  return null;
}

function invalidConversation(value: unknown, index: number): string | null {
  if (!isRecord(value)) return `conversation ${index} is not an object`;
  if (!isString(value.id) || value.id === "") return `conversation ${index} has no id`;
  if (!isString(value.title) || !isString(value.createdAt) || !isString(value.updatedAt) || !isString(value.draft)) {
    return `conversation ${index} lacks a title, dates or draft`;
  }
  if (!Array.isArray(value.messages)) return `conversation ${index} has no message list`;
  const problem = invalidMessages(value.messages, "message ");
  return problem ? `conversation ${index}: ${problem}` : null;
}

function invalidV1_1(value: Record<string, unknown>): string | null {
  if (!Array.isArray(value.conversations)) return "no conversation list";
  if (value.activeConversationId !== null && !isString(value.activeConversationId)) return "the active conversation id is not a string";
  for (const [index, conversation] of value.conversations.entries()) {
    const problem = invalidConversation(conversation, index);
    if (problem) return problem;
  }
  return null;
}

function invalidV1_0(value: Record<string, unknown>): string | null {
  if (!Array.isArray(value.messages)) return "no message list";
  for (const [index, message] of value.messages.entries()) {
    if (!isRecord(message)) return `message ${index} is not an object`;
    if (message.role !== "user" && message.role !== "assistant") return `message ${index} has an unknown role`;
    if (!isString(message.content)) return `message ${index} has no text`;
    // Beyond ±8.64e15 ms a number is not a date: toISOString() would throw during migration.
    if (typeof message.timestamp !== "number" || Number.isNaN(new Date(message.timestamp).getTime())) return `message ${index} has no timestamp`;
  }
  return null;
}

// Re-exported for the session that titles a new conversation.
export { titleFromText };

/**
 * The title migration has always given a 1.0.0 list: its first line as typed. Kept as it was, so old data migrates
 * to exactly what it did before; the list shows it without Markdown syntax all the same.
 */
function titleFromFirstLine(text: string): string {
  const line = text.trim().split("\n", 1)[0]!.trim();
  if (line === "") return "New chat";
  return line.length > 48 ? `${line.slice(0, 47)}…` : line;
}

/**
 * 1.0.0 → 1.1.0: the flat list becomes one conversation; every message keeps its text, role and time, and is
 * `complete` (1.0.0 kept no state, and only finished replies were ever saved by it).
 */
function migrateFromV1_0(old: StoredStateV1_0): StoredStateV1_1 {
  if (old.messages.length === 0) return { version: "1.1.0", activeConversationId: null, conversations: [] };
  const messages: ChatMessage[] = old.messages.map((message) => ({
    id: createId(),
    role: message.role,
    content: message.content,
    state: "complete",
    createdAt: new Date(message.timestamp).toISOString(),
  }));
  const firstUser = old.messages.find((message) => message.role === "user");
  const conversation: StoredConversation = {
    id: createId(),
    title: titleFromFirstLine(firstUser?.content ?? ""),
    createdAt: messages[0]!.createdAt,
    updatedAt: messages.at(-1)!.createdAt,
    draft: "",
    messages,
  };
  return { version: "1.1.0", activeConversationId: conversation.id, conversations: [conversation] };
}

/** Parses what is stored under the key, migrating older schema versions; never throws. */
export function readStoredState(raw: string | null): ReadResult {
  if (raw === null) return { kind: "empty" };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { kind: "corrupt", reason: "it is not valid JSON" };
  }
  if (!isRecord(value)) return { kind: "corrupt", reason: "it is not an object" };
  if (value.version === "1.1.0") {
    const problem = invalidV1_1(value);
    return problem ? { kind: "corrupt", reason: problem } : { kind: "ok", state: value as unknown as StoredStateV1_1 };
  }
  if (value.version === "1.0.0") {
    const problem = invalidV1_0(value);
    return problem ? { kind: "corrupt", reason: problem } : { kind: "ok", state: migrateFromV1_0(value as unknown as StoredStateV1_0), migratedFrom: "1.0.0" };
  }
  return { kind: "corrupt", reason: `its schema version ${JSON.stringify(value.version ?? null)} is unknown to this version of the app` };
}
