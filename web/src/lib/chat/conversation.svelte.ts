import { toPlainTitle } from "../conversations/conversation-title.js";
import type { StoredConversation } from "../storage/storage-schema.js";
import type { ChatMessage } from "./chat-message.js";
import { createId } from "./create-id.js";
import { isoNow } from "./iso-now.js";

/** The title a conversation has until its first message names it. */
export const UNTITLED = "New chat";

/** One conversation: its messages, title and unsent draft, reactive for the components that show it. */
export class Conversation {
  readonly id: string;
  readonly createdAt: string;
  title = $state(UNTITLED);
  /** The title as shown: without Markdown syntax, which titles saved by earlier versions may hold. */
  readonly plainTitle = $derived(toPlainTitle(this.title));
  /** ISO 8601; bumped by every message, so the list can show the most recent first. */
  updatedAt = $state("");
  /** What the user typed but has not sent; saved so a reload does not lose it. */
  draft = $state("");
  messages = $state<ChatMessage[]>([]);

  constructor(stored?: StoredConversation) {
    const now = isoNow();
    this.id = stored?.id ?? createId();
    this.createdAt = stored?.createdAt ?? now;
    this.updatedAt = stored?.updatedAt ?? now;
    this.title = stored?.title ?? UNTITLED;
    this.draft = stored?.draft ?? "";
    this.messages = stored?.messages ?? [];
  }

  /** A plain copy for storage. */
  toStored(): StoredConversation {
    return {
      id: this.id,
      title: this.title,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      draft: this.draft,
      messages: $state.snapshot(this.messages),
    };
  }

  touch(): void {
    this.updatedAt = isoNow();
  }
}
