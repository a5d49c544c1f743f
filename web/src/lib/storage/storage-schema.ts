import type { ChatMessage } from "../chat/chat-message.js";

/** The LocalStorage key holding every conversation, whatever the schema version. */
export const STORAGE_KEY = "streaming-chat";
/** Prefix of the keys where unreadable data is kept aside (followed by an ISO timestamp). */
export const CORRUPT_BACKUP_KEY_PREFIX = "streaming-chat:corrupt:";
/** The schema version this build writes. */
export const CURRENT_SCHEMA_VERSION = "1.1.0";

/** One conversation as stored (schema 1.1.0). */
export interface StoredConversation {
  id: string;
  title: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; the list is shown most recent first. */
  updatedAt: string;
  /** What the user had typed but not sent. */
  draft: string;
  messages: ChatMessage[];
}

/** Schema 1.1.0: a list of conversations, each with its messages and their state. */
export interface StoredStateV1_1 {
  version: "1.1.0";
  activeConversationId: string | null;
  conversations: StoredConversation[];
}

/**
 * Schema 1.0.0, the first layout: one flat list of messages, no conversations, no message state.
 *
 * @example
 * { "version": "1.0.0", "messages": [{ "role": "user", "content": "Hi", "timestamp": 1700000000000 }] }
 */
export interface StoredStateV1_0 {
  version: "1.0.0";
  messages: { role: "user" | "assistant"; content: string; timestamp: number }[];
}
