/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * A ChatSession on its own conversation, with the hooks the app gives it (onChange, onToken) recording what the
 * UI would see: each status the session passes through, and the reply's text after every token.
 */
import type { ChatClient, ReconnectOptions } from "../../sdk/index.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { ChatSession, type ChangeKind } from "../../web/src/lib/chat/chat-session.svelte.js";
import type { ChatStatus } from "../../web/src/lib/chat/chat-status.js";
import { Conversation } from "../../web/src/lib/chat/conversation.svelte.js";
import type { StreamDebugLog } from "../../web/src/lib/debug/stream-debug-log.js";
import type { StoredConversation } from "../../web/src/lib/storage/storage-schema.js";

export interface RecordedSession {
  session: ChatSession;
  conversation: Conversation;
  /** The statuses the session went through, as seen at each change, repeats collapsed. */
  statuses: ChatStatus[];
  /** The reply's text after each token was applied. */
  contents: string[];
  changes: ChangeKind[];
}

export interface RecordSessionOptions {
  stored?: StoredConversation;
  /** Called after each token has been recorded (e.g. to press Stop after a few). */
  onToken?: (reply: ChatMessage, recorded: RecordedSession) => void;
  now?: () => number;
  /** The person's settings; default thinking shown. */
  settings?: { readonly showThinking: boolean };
  debugLog?: StreamDebugLog;
  reconnect?: ReconnectOptions;
}

export function recordSession(client: ChatClient, options: RecordSessionOptions = {}): RecordedSession {
  const conversation = new Conversation(options.stored);
  const recorded = { conversation, statuses: [], contents: [], changes: [] } as unknown as RecordedSession;
  const noteStatus = () => {
    if (recorded.statuses.at(-1) !== recorded.session.status) recorded.statuses.push(recorded.session.status);
  };
  recorded.session = new ChatSession({
    client,
    conversation,
    now: options.now,
    settings: options.settings,
    debugLog: options.debugLog,
    reconnect: options.reconnect,
    onChange: (kind) => {
      recorded.changes.push(kind);
      noteStatus();
    },
    onToken: (reply) => {
      recorded.contents.push(reply.content);
      noteStatus();
      options.onToken?.(reply, recorded);
    },
  });
  return recorded;
}

/** Partial sums: the text a reply should show after each of these tokens. */
export function prefixes(tokens: readonly string[]): string[] {
  return tokens.map((_, index) => tokens.slice(0, index + 1).join(""));
}

/** A stored conversation of alternating user and assistant messages, for history tests. */
export function storedConversation(contents: readonly string[], id = "conversation-under-test"): StoredConversation {
  return {
    id,
    title: "Earlier chat",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    draft: "",
    messages: contents.map((content, index) => ({
      id: `m${index}`,
      role: index % 2 === 0 ? "user" : "assistant",
      content,
      state: "complete",
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
    })),
  };
}
