import type { ChatTurn, ErrorCode } from "streaming-chat/sdk";

/** Who wrote a message shown in the chat (the contract's roles, minus `system`, which the UI never shows). */
export type MessageRole = Exclude<ChatTurn["role"], "system">;

/**
 * Where a message stands:
 * - `streaming`: the reply is still being written: arriving, queued for a connection, or generating on the server while
 *   this page does not read it (a conversation out of view, a reload under way).
 * - `complete`: the server sent `complete`.
 * - `stopped`: Stop was pressed (here: the text is what arrived until then; in another tab: the server's `complete`
 *   with `finishReason: "cancelled"` carries the text so far).
 * - `error`: the reply failed; the text is what arrived before the failure, and `failure` says why.
 */
export type MessageState = "streaming" | "complete" | "stopped" | "error";

/** Why a reply failed, in words for people plus what the UI needs to offer a retry. */
export interface MessageFailure {
  /** The contract's error code, or what the SDK reported when the server could not say (`network_error`, …). */
  code: ErrorCode | "network_error" | "stream_interrupted" | "invalid_event" | "interrupted_by_reload";
  /** A sentence for the person using the chat. */
  message: string;
  /** Whether sending again may help. */
  retryable: boolean;
  /** Seconds the server asked us to wait, when it said. */
  retryAfterSeconds?: number;
  /** The server's request id, to quote when reporting a problem. */
  requestId?: string;
}

/** How fast a reply arrived. */
export interface ReplyStats {
  /** From pressing Send to the first token on screen. */
  timeToFirstTokenMs: number | null;
  /** Tokens per second after the first token. */
  tokensPerSecond: number | null;
  /** Token events received. */
  tokenCount: number;
  /**
   * From pressing Send to the first piece of the model's thinking, when it thought (and the request asked for it).
   * Optional: stats saved before reasoning existed lack it.
   */
  timeToFirstReasoningMs?: number;
}

/**
 * The versions of one turn of a conversation: an edited user message and the one before the edit, or a regenerated
 * (or retried) reply and the replies before it. Each version has its own continuation: the turns that followed it.
 */
export interface TurnVersions {
  /** Where the version shown sits among all of them, from 0, oldest first. */
  shown: number;
  /**
   * Every other version, oldest first (the shown one left out), each as its message followed by the turns that came
   * after it in that branch. Never empty.
   */
  hidden: ChatMessage[][];
}

/** One message of a conversation, as shown and as stored. */
export interface ChatMessage {
  id: string;
  role: MessageRole;
  content: string;
  state: MessageState;
  /** ISO 8601. */
  createdAt: string;
  failure?: MessageFailure;
  stats?: ReplyStats;
  /**
   * The model's thinking before (or while) it wrote the reply, as it streamed (`reasoning` events), when the request
   * asked for it. Optional, like every field added to schema 1.1.0: readers that predate it ignore it and keep it.
   */
  reasoning?: string;
  /**
   * How long the model thought, in ms: from the first piece of reasoning this page saw to the first token of the
   * answer (or to the reply's end, if no answer came). Absent when this page did not see the thinking begin (a reply
   * re-attached after a reload mid-thought).
   */
  reasoningMs?: number;
  /** The model that wrote an assistant reply, as the server named it. */
  model?: string;
  /**
   * The server's id for an assistant reply (`X-Message-Id`, `complete.messageId`), once it named it: what any page
   * re-attaches to (`resumeMessage`) or stops (`stopMessage`) while the reply is `streaming`.
   */
  messageId?: string;
  /**
   * The id of the last event whose effect `content` holds, while the reply is `streaming`: re-attaching asks for the
   * events after it, so the text neither misses nor repeats a token. Dropped when the reply ends.
   */
  lastEventId?: string;
  /**
   * Set on the shown message of a turn that has other versions (see {@link TurnVersions}); moves to whichever version
   * is shown. Absent on a turn with one version.
   */
  versions?: TurnVersions;
}
