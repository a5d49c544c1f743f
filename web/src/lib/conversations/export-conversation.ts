import type { ChatMessage } from "../chat/chat-message.js";
import { describeThinking } from "../chat/describe-thinking.js";
import { CURRENT_SCHEMA_VERSION, type StoredConversation } from "../storage/storage-schema.js";
import { toPlainTitle } from "./conversation-title.js";

/** Names what a JSON file holds, so an import can tell an export of ours from any other JSON. */
export const CONVERSATION_EXPORT_FORMAT = "streaming-chat.conversation";

/**
 * A conversation exported as JSON: the conversation exactly as LocalStorage keeps it, marked with the storage
 * schema version it follows, so a later version of the app reads (and migrates) it as it reads stored data.
 */
export interface ConversationExport {
  format: typeof CONVERSATION_EXPORT_FORMAT;
  version: typeof CURRENT_SCHEMA_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  conversation: StoredConversation;
}

/** A file for the person to download. */
export interface ExportFile {
  name: string;
  type: string;
  text: string;
}

/** A file name from the title: letters and digits of any script, joined by dashes ("Fix the bug" → "fix-the-bug"). */
function toFileName(title: string, extension: string): string {
  const slug = toPlainTitle(title)
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `${slug || "conversation"}.${extension}`;
}

const ROLE_HEADINGS: Record<ChatMessage["role"], string> = { user: "User", assistant: "Assistant" };

/** What a reader of the file should know about a reply that did not end normally (the chat shows the same). */
function noteFor(message: ChatMessage): string | null {
  if (message.state === "stopped") return "_Stopped before the end._";
  if (message.state === "error") return `_Failed: ${message.failure?.message ?? "the reply did not arrive in full."}_`;
  if (message.state === "streaming") return "_Still being written when exported._";
  return null;
}

/**
 * A reply's thinking, quoted under its own label so it never reads as part of the answer (the chat sets it apart the
 * same way). Kept in the export: leaving it out would make the file say less than the chat showed.
 */
function thinkingFor(message: ChatMessage): string | null {
  if (!message.reasoning) return null;
  const quoted = message.reasoning
    .trimEnd()
    .split("\n")
    .map((line) => (line === "" ? ">" : `> ${line}`))
    .join("\n");
  return `> _${describeThinking(message.reasoningMs)}:_\n>\n${quoted}`;
}

/** The conversation as a Markdown document: its title, then each turn under a heading naming who wrote it. */
export function exportAsMarkdown(conversation: StoredConversation): ExportFile {
  const parts = [`# ${toPlainTitle(conversation.title)}`];
  for (const message of conversation.messages) {
    parts.push(`## ${ROLE_HEADINGS[message.role]}`);
    const thinking = thinkingFor(message);
    if (thinking) parts.push(thinking);
    // Message text is Markdown already (replies are written in it), so it goes in as it is.
    if (message.content !== "") parts.push(message.content.trimEnd());
    const note = noteFor(message);
    if (note) parts.push(note);
  }
  return { name: toFileName(conversation.title, "md"), type: "text/markdown;charset=utf-8", text: `${parts.join("\n\n")}\n` };
}

/** The conversation as JSON that {@link readConversationExport} reads back without losing anything. */
export function exportAsJson(conversation: StoredConversation, exportedAtMs: number): ExportFile {
  const exportedAt = new Date(exportedAtMs).toISOString();
  const file: ConversationExport = { format: CONVERSATION_EXPORT_FORMAT, version: CURRENT_SCHEMA_VERSION, exportedAt, conversation };
  return { name: toFileName(conversation.title, "json"), type: "application/json", text: `${JSON.stringify(file, null, 2)}\n` };
}
