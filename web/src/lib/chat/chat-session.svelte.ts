import type { ChatClient, ReconnectOptions } from "streaming-chat/sdk";
import { MAX_MESSAGE_LENGTH } from "streaming-chat/sdk";
import type { StreamDebugLog } from "../debug/stream-debug-log.js";
import { createMemoryLocks } from "../slots/create-memory-locks.js";
import { createStreamSlots, type StreamSlots } from "../slots/create-stream-slots.js";
import { titleFromText } from "../storage/read-stored-state.js";
import type { ChatMessage, MessageFailure, ReplyStats } from "./chat-message.js";
import { ATTACHED_STATUSES, readingStatus, type ChatStatus } from "./chat-status.js";
import type { Conversation } from "./conversation.svelte.js";
import { UNTITLED } from "./conversation.svelte.js";
import { createId } from "./create-id.js";
import { driveReply, moveOutOfView, stopOnServer, type ReplyHost } from "./drive-reply.js";
import { isBlank } from "./is-blank.js";
import { isoNow } from "./iso-now.js";
import { addTurnVersion, dropShownVersion, findVersionPlace, showTurnVersion } from "./message-versions.js";
import { ReplyRun, type RunOrigin } from "./reply-run.js";
import { ReplyTimer } from "./reply-stats.js";
import type { SendCountdown } from "./send-countdown.svelte.js";
import { toSendMessageRequest } from "./to-send-message-request.js";

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
  /** The browser-wide cap on open reply streams, shared by every session of every tab. Default: this session's own. */
  slots?: StreamSlots;
  /** How a dropped connection is retried (attempts, first wait, longest wait). */
  reconnect?: ReconnectOptions;
  /** The wait the server asked for after a failure, shared by every session of the page. */
  countdown?: SendCountdown;
  /** The person's settings (`ChatSettings`); read at each send. Default: thinking shown. */
  settings?: { readonly showThinking: boolean };
  /** Records each reply's steps when the debug switch is on. */
  debugLog?: StreamDebugLog;
}

/**
 * One conversation's exchange with the server: sends messages and streams the reply into the conversation token by
 * token; stops, retries, regenerates or resends on request. Replies are resumable: the server keeps generating one
 * whatever happens to the connection, so this page can let go of it (conversation out of view, no stream slot free)
 * and re-attach later, after a dropped connection, a reload, or from another tab. Text already received is never
 * discarded by a failure: the reply keeps it and is marked `error` or `stopped`.
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
  /** The reply in progress; runs that only tidy up after Stop are no longer here. */
  #run: ReplyRun | null = null;
  #inView = true;
  readonly #host: ReplyHost;

  constructor(deps: ChatSessionDeps) {
    this.#deps = deps;
    this.conversation = deps.conversation;
    this.#now = deps.now ?? (() => performance.now());
    this.#host = {
      client: deps.client,
      slots: deps.slots ?? createStreamSlots(createMemoryLocks()),
      reconnect: deps.reconnect,
      debug: deps.debugLog,
      inView: () => this.#inView,
      isLeaving: () => deps.isLeaving?.() ?? false,
      setStatus: (run, status) => {
        if (this.#run === run) this.status = status;
      },
      tokenApplied: (run) => {
        if (run.timer && this.#run === run) this.stats = run.timer.stats();
        deps.onChange("content");
        deps.onToken?.(run.reply);
      },
      named: () => {
        // Saved at once, and the conversation touched so other tabs take this copy in: any page can now re-attach.
        this.conversation.touch();
        deps.onChange("structure");
      },
      ended: (run) => this.#end(run),
    };
  }

  /** True while a reply is in progress: requested, queued, streaming, reconnecting, or generating unread. */
  get busy(): boolean {
    return this.status !== "ready" && this.status !== "error";
  }

  /** Whether replies ask for the model's thinking and show it (the "Show thinking" setting). */
  get showThinking(): boolean {
    return this.#deps.settings?.showThinking ?? true;
  }

  /** True while the server's `Retry-After` has not passed: nothing may be sent, retried or regenerated. */
  get waiting(): boolean {
    return this.#deps.countdown?.active ?? false;
  }

  /** True while this page reads the reply, or is about to. */
  get attached(): boolean {
    return ATTACHED_STATUSES.includes(this.status);
  }

  /** The last message if it is an assistant reply that can be retried or regenerated. */
  get lastReply(): ChatMessage | undefined {
    const last = this.conversation.messages.at(-1);
    return last?.role === "assistant" && last.state !== "streaming" ? last : undefined;
  }

  /**
   * Sends the user's text exactly as typed or pasted (a code block's indentation and blank lines are part of it) and
   * streams the reply. Returns false (and changes nothing) when busy or when the text is only whitespace.
   */
  async send(content: string): Promise<boolean> {
    if (this.busy || this.waiting || isBlank(content)) return false;
    const conversation = this.conversation;
    if (conversation.title === UNTITLED && !conversation.messages.some((message) => message.role === "user")) {
      conversation.title = titleFromText(content);
    }
    conversation.messages.push({ id: createId(), role: "user", content: content.slice(0, MAX_MESSAGE_LENGTH), state: "complete", createdAt: isoNow() });
    conversation.draft = "";
    await this.#startReply();
    return true;
  }

  /**
   * Ends the reply in progress for the person at once: it keeps what arrived and is marked `stopped`. The server is
   * asked to stop generating it (wherever it runs, so every tab following it sees it end); if that request fails,
   * the reply is stopped here all the same.
   */
  stop(): void {
    const run = this.#run;
    if (!run) return;
    run.stopped = true;
    if (run.reply.state === "streaming") run.reply.state = "stopped";
    this.#end(run);
    // Before the server named the reply there is nothing to stop yet: the run does it as soon as the name arrives.
    if (run.reply.messageId !== undefined) stopOnServer(run, this.#deps.client, run.reply.messageId);
  }

  /**
   * Asks for a new reply to the last message, shown as a new version of the last reply (failed, stopped or complete),
   * which stays beside it: a retry never costs text. A previous reply with no text is replaced instead. If the new
   * attempt fails or is stopped before its first token, it is dropped and the previous reply shown again.
   */
  async regenerate(): Promise<boolean> {
    const previous = this.lastReply;
    if (this.busy || this.waiting || !previous) return false;
    const index = this.conversation.messages.length - 1;
    const restorable = previous.content !== "";
    const position = findVersionPlace(previous)?.position ?? 0;
    const attempt = await this.#startReply(index);
    const messages = this.conversation.messages;
    if (messages[index] === attempt && attempt.content === "" && (attempt.state === "error" || attempt.state === "stopped") && restorable) {
      dropShownVersion(messages, index, position);
      this.regenerateFailure = attempt.failure ?? null;
      this.#deps.onChange("structure");
    }
    return true;
  }

  /**
   * Sends a new version of a user message, exactly as typed, and asks for a reply to it. The message as it was, and
   * every turn after it, stay as the version before, reachable with {@link showVersion}.
   */
  async editAndResend(messageId: string, content: string): Promise<boolean> {
    const index = this.conversation.messages.findIndex((message) => message.id === messageId);
    if (this.busy || this.waiting || isBlank(content) || index < 0 || this.conversation.messages[index]!.role !== "user") return false;
    const edited: ChatMessage = { id: createId(), role: "user", content: content.slice(0, MAX_MESSAGE_LENGTH), state: "complete", createdAt: isoNow() };
    addTurnVersion(this.conversation.messages, index, edited);
    await this.#startReply();
    return true;
  }

  /**
   * Shows another version (from 0) of the turn whose shown message is `messageId`, with that version's own later
   * turns. Refused while a reply is in progress: the reply streams into the branch on screen, which must stay there.
   */
  showVersion(messageId: string, position: number): boolean {
    const messages = this.conversation.messages;
    const index = messages.findIndex((message) => message.id === messageId);
    if (this.busy || index < 0 || !showTurnVersion(messages, index, position)) return false;
    // Both spoke of the branch just hidden.
    this.regenerateFailure = null;
    if (this.status === "error") this.status = "ready";
    // Not touched: looking at another version is not activity, and must not move the conversation up the list.
    this.#deps.onChange("structure");
    return true;
  }

  /**
   * Re-attaches to the conversation's reply that is still generating on the server: found `streaming` on load, or in
   * another tab's save. Only a reply the server had named can be found again; nothing happens for any other.
   */
  adopt(origin: Exclude<RunOrigin, "sent">): void {
    const reply = this.conversation.messages.at(-1);
    if (this.#run || reply?.role !== "assistant" || reply.state !== "streaming" || reply.messageId === undefined) return;
    const run = new ReplyRun(reply, origin, this.#now);
    this.#run = run;
    this.stats = null;
    this.status = this.#inView ? readingStatus(reply) : "detached";
    void driveReply(run, this.#host);
  }

  /** Lets go of the reply without changing it: another tab's newer copy of the conversation replaces it. */
  cancel(): void {
    const run = this.#run;
    if (!run) return;
    run.cancelled = true;
    run.interrupt("cancel");
    run.close();
    run.settle();
    this.#run = null;
    this.status = "ready";
  }

  /**
   * Whether the conversation is on screen. A reply in view may take any stream slot; out of view it keeps reading
   * only on a slot shared with other such replies, and otherwise lets go of its stream (the server keeps generating)
   * until it is shown again or such a slot frees.
   */
  setInView(inView: boolean): void {
    if (this.#inView === inView) return;
    this.#inView = inView;
    const run = this.#run;
    if (!run || run.posting) return;
    if (!run.lease) run.interrupt("view");
    else if (!inView && (!run.lease.shared || !run.claimed)) void moveOutOfView(run, this.#host);
  }

  /**
   * Adds an empty reply and streams it; resolves with the reply once the person has seen it end. The reply answers the
   * message before `at`: by default it is a new last message; an `at` within the list makes it a new version of the
   * reply there (see {@link regenerate}).
   */
  async #startReply(at = this.conversation.messages.length): Promise<ChatMessage> {
    const conversation = this.conversation;
    const messages = conversation.messages;
    const request = toSendMessageRequest(messages.slice(0, at), conversation.id, { includeReasoning: this.showThinking });
    const replaced = messages[at];
    addTurnVersion(messages, at, { id: createId(), role: "assistant", content: "", state: "streaming", createdAt: isoNow() }, replaced?.content !== "");
    const run = new ReplyRun(conversation.messages.at(-1)!, "sent", this.#now, new ReplyTimer(this.#now));
    this.#run = run;
    this.regenerateFailure = null;
    this.status = "sending";
    this.stats = run.timer!.stats();
    conversation.touch();
    this.#deps.onChange("structure");
    void driveReply(run, this.#host, request);
    await run.ended;
    return run.reply;
  }

  /** The person sees the reply's end: status, stats, and a save at once. */
  #end(run: ReplyRun): void {
    if (!run.settle()) return;
    const { reply, timer } = run;
    delete reply.lastEventId;
    // Stopped, or failed, while still thinking: the thinking lasted until then.
    run.thinking.stop(reply);
    if (timer) reply.stats = timer.stats();
    // A rate limit, or a server overloaded or restarting, said when to come back: nothing is sent before then.
    if (reply.state === "error" && reply.failure?.retryAfterSeconds) this.#deps.countdown?.start(reply.failure.retryAfterSeconds);
    run.releaseLease();
    // A new reply may have started already (Stop, or Send re-enabled at `complete` before this connection closed):
    // its status and its stats must not be cleared by this one.
    if (this.#run === run) {
      this.#run = null;
      this.status = reply.state === "error" ? "error" : "ready";
      if (timer) this.stats = reply.stats ?? null;
    }
    this.conversation.touch();
    this.#deps.onChange("structure");
  }
}
