import { readStoredState } from "../storage/read-stored-state.js";
import type { StoredConversation } from "../storage/storage-schema.js";
import { CONVERSATION_EXPORT_FORMAT } from "./export-conversation.js";

/** What an imported file held: a conversation, or why it cannot be imported. */
export type ImportResult = { kind: "ok"; conversation: StoredConversation } | { kind: "invalid"; reason: string };

/**
 * Bigger than any browser's LocalStorage (5 MiB of UTF-16 text in Chromium and Firefox): a file this large could
 * not be saved after import, so it is refused before it is read.
 */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The storage reader speaks of "conversation 0" of a stored list; a file holds just the one. */
function toImportReason(reason: string): string {
  return reason.replace(/^conversation 0: /, "").replace(/^conversation 0 /, "the conversation ");
}

/**
 * Reads a file written by {@link exportAsJson}. The conversation is checked (and migrated, if an older schema
 * version wrote it) by the very reader that loads LocalStorage, so an import accepts exactly what a reload would:
 * a field the app reads from stored messages is checked here too, with no second validator to keep in step.
 */
export function readConversationExport(text: string): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "it is not valid JSON" };
  }
  if (!isRecord(value) || value.format !== CONVERSATION_EXPORT_FORMAT || !("conversation" in value)) {
    return { kind: "invalid", reason: "it is not a conversation exported by this app" };
  }
  const stored = readStoredState(JSON.stringify({ version: value.version, activeConversationId: null, conversations: [value.conversation] }));
  if (stored.kind !== "ok") return { kind: "invalid", reason: stored.kind === "corrupt" ? toImportReason(stored.reason) : "it is empty" };
  const [conversation] = stored.state.conversations;
  return conversation ? { kind: "ok", conversation } : { kind: "invalid", reason: "it holds no conversation" };
}
