import type { ChatClient } from "streaming-chat/sdk";
import { ChatSdkError, MAX_MESSAGE_LENGTH } from "streaming-chat/sdk";
import type { ChatMessage, MessageFailure, ReplyStats } from "./chat-message.js";
import type { Conversation } from "./conversation.svelte.js";
import { UNTITLED } from "./conversation.svelte.js";
import { createId } from "./create-id.js";
import { isoNow } from "./iso-now.js";
import { describeErrorEvent, describeThrown, interruptedByReload } from "./describe-failure.js";
import { ReplyTimer } from "./reply-stats.js";
import { titleFromText } from "../storage/read-stored-state.js";
import { toSendMessageRequest } from "./to-send-message-request.js";

/** What the session is doing: the status bar shows it. */
export type ChatStatus = "ready" | "sending" | "streaming" | "error";

/** Why the conversation changed: `structure` changes are saved at once, `content` (tokens, drafts) in batches. */
export type ChangeKind = "structure" | "content";

export interface ChatSessionDeps {
  client: ChatClient;
  conversation: Conversation;
  /** Called after every change, so the store can save. */
  onChange: (kind: ChangeKind) => void;
  /** Clock for reply stats; `performance.now` in the app. */
  now?: () => number;
  /** Called with the reply after each token is applied (the rendering benchmark timestamps arrivals here). */
  onToken?: (reply: ChatMessage) => void;
  /** True while the page is being closed or reloaded (the browser then cancels the request itself). */
  isLeaving?: () => boolean;
}

/**
 * One conversation's exchange with the server: sends messages, streams the reply into the conversation token by
 * token, and stops, retries, regenerates or resends on request. Text already received is never discarded by a
 * failure: the reply keeps it and is marked `error` or `stopped`.
 */
export class ChatSession {
  status = $state<ChatStatus>("ready");
  /** Stats of the reply streaming now, or of the last one. Replaced whole on every token, so not deeply proxied. */
  stats = $state.raw<ReplyStats | null>(null);
  /** Why the last regenerate produced nothing (the previous reply was put back); shown in the status bar. */
  regenerateFailure = $state<MessageFailure | null>(null);

  readonly conversation: Conversation;
  readonly #deps: ChatSessionDeps;
  readonly #now: () => number;
  #abort: AbortController | null = null;

  constructor(deps: ChatSessionDeps) {
    this.#deps = deps;
    this.conversation = deps.conversation;
    this.#now = deps.now ?? (() => performance.now());
  }

  /** True while a reply is being requested or streamed. */
  get busy(): boolean {
    return this.status === "sending" || this.status === "streaming";
  }

  /** The last message if it is an assistant reply that can be retried or regenerated. */
  get lastReply(): ChatMessage | undefined {
    const last = this.conversation.messages.at(-1);
    return last?.role === "assistant" && last.state !== "streaming" ? last : undefined;
  }

  /** Sends the user's text and streams the reply. Returns false (and changes nothing) when busy or empty. */
  async send(text: string): Promise<boolean> {
    const content = text.trim();
    if (this.busy || content === "") return false;
    const conversation = this.conversation;
    if (conversation.title === UNTITLED && !conversation.messages.some((message) => message.role === "user")) {
      conversation.title = titleFromText(content);
    }
    conversation.messages.push({ id: createId(), role: "user", content: content.slice(0, MAX_MESSAGE_LENGTH), state: "complete", createdAt: isoNow() });
    conversation.draft = "";
    await this.#streamReply();
    return true;
  }

  /** Aborts the reply in progress; it keeps what arrived and is marked `stopped`. The server then stops the model. */
  stop(): void {
    this.#abort?.abort();
  }

  /**
   * Replaces the last reply (failed, stopped or complete) with a new one for the same message. If the new attempt
   * fails or is stopped before its first token, the previous reply is put back: a retry never costs text.
   */
  async regenerate(): Promise<boolean> {
    if (this.busy || !this.lastReply) return false;
    const previous = $state.snapshot(this.conversation.messages.pop()!);
    await this.#streamReply();
    const attempt = this.conversation.messages.at(-1)!;
    if (attempt.content === "" && (attempt.state === "error" || attempt.state === "stopped") && previous.content !== "") {
      this.conversation.messages[this.conversation.messages.length - 1] = previous;
      this.regenerateFailure = attempt.failure ?? null;
      this.#deps.onChange("structure");
    }
    return true;
  }

  /** Changes a user message, drops everything after it, and asks for a new reply. */
  async editAndResend(messageId: string, text: string): Promise<boolean> {
    const content = text.trim();
    const index = this.conversation.messages.findIndex((message) => message.id === messageId);
    if (this.busy || content === "" || index < 0 || this.conversation.messages[index]!.role !== "user") return false;
    this.conversation.messages.splice(index + 1);
    this.conversation.messages[index]!.content = content.slice(0, MAX_MESSAGE_LENGTH);
    await this.#streamReply();
    return true;
  }

  async #streamReply(): Promise<void> {
    const { client, onChange, onToken } = this.#deps;
    const conversation = this.conversation;
    const request = toSendMessageRequest(conversation.messages, conversation.id);
    conversation.messages.push({ id: createId(), role: "assistant", content: "", state: "streaming", createdAt: isoNow() });
    // The proxy, not the object pushed: writes through it are what the components see.
    const reply = conversation.messages.at(-1)!;
    const abort = new AbortController();
    const timer = new ReplyTimer(this.#now);
    // Our own correlation id (the server adopts it), so even a failure reported mid-stream can quote it.
    const requestId = createId();
    this.#abort = abort;
    this.regenerateFailure = null;
    this.status = "sending";
    this.stats = timer.stats();
    conversation.touch();
    onChange("structure");

    try {
      for await (const event of client.streamMessage(request, { signal: abort.signal, requestId })) {
        if (event.type === "token") {
          if (timer.token()) this.status = "streaming";
          reply.content += event.data.content;
          this.stats = timer.stats();
          onChange("content");
          onToken?.(reply);
        } else if (event.type === "complete") {
          reply.content = event.data.content;
          reply.state = "complete";
          reply.model = event.data.model.name;
          this.status = "ready";
          // Saved now, not after the connection closes: a tab closed in between must not keep it as streaming.
          onChange("structure");
        } else {
          // The server's partialContent is every token it sent: the authoritative text of what the model wrote.
          if (event.data.partialContent.length >= reply.content.length) reply.content = event.data.partialContent;
          reply.state = "error";
          reply.failure = describeErrorEvent(event.data, requestId);
          this.status = "error";
          onChange("structure");
        }
      }
      if (reply.state === "streaming")
        throw new ChatSdkError("stream_interrupted", "The stream ended without a final event.", { partialContent: reply.content });
    } catch (error) {
      if (reply.state !== "streaming") {
        // A final event already arrived (e.g. Stop pressed as `complete` landed): it stands.
      } else if (abort.signal.aborted) {
        reply.state = "stopped";
        this.status = "ready";
      } else if (this.#deps.isLeaving?.()) {
        reply.state = "error";
        reply.failure = interruptedByReload();
        this.status = "error";
      } else {
        if (error instanceof ChatSdkError && error.partialContent.length > reply.content.length) reply.content = error.partialContent;
        reply.state = "error";
        reply.failure = { requestId, ...describeThrown(error) };
        this.status = "error";
      }
    } finally {
      reply.stats = timer.stats();
      // A new reply may have started already (Send re-enables at `complete`, before this connection closes):
      // its Stop and its stats must not be cleared by this one.
      if (this.#abort === abort) {
        this.#abort = null;
        this.stats = reply.stats;
      }
      conversation.touch();
      onChange("structure");
    }
  }
}
