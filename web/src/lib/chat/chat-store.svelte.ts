import type { ChatClient, ModelInfo, ReconnectOptions } from "streaming-chat/sdk";
import type { StreamDebugLog } from "../debug/stream-debug-log.js";
import { ChatSettings } from "../settings/chat-settings.svelte.js";
import { createMemoryLocks } from "../slots/create-memory-locks.js";
import { createStreamSlots, type StreamSlots } from "../slots/create-stream-slots.js";
import type { ConversationStorage } from "../storage/create-conversation-storage.js";
import { createDeletedConversations, type DeletedConversations } from "../storage/deleted-conversations.js";
import type { StorageNotice } from "../storage/storage-notice.js";
import { readStoredState } from "../storage/read-stored-state.js";
import { CURRENT_SCHEMA_VERSION, type StoredConversation } from "../storage/storage-schema.js";
import type { ChatMessage } from "./chat-message.js";
import { ChatSession, type ChangeKind } from "./chat-session.svelte.js";
import { Conversation } from "./conversation.svelte.js";
import { createId } from "./create-id.js";
import { interruptedByReload } from "./describe-failure.js";
import { forEachMessage } from "./message-versions.js";
import { SendCountdown } from "./send-countdown.svelte.js";

export interface ChatStoreDeps {
  client: ChatClient;
  storage: ConversationStorage;
  /** How long token and draft changes wait before they are saved; structural changes are saved at once. */
  saveDelayMs?: number;
  /** Passed to every session (the rendering benchmark's probe). */
  onToken?: (reply: ChatMessage) => void;
  now?: () => number;
  /**
   * The browser-wide cap on open reply streams (`createStreamSlots(navigator.locks)` in the app, so every tab counts
   * against it). Default: a cap for this store alone.
   */
  slots?: StreamSlots;
  /** How sessions retry a dropped connection. */
  reconnect?: ReconnectOptions;
  /** The page's wait before sending again (`Retry-After`). Default: one on the browser's clock. */
  countdown?: SendCountdown;
  /** The person's settings ("Show thinking"). Default: settings kept in this page only. */
  settings?: ChatSettings;
  /**
   * Conversations deleted in any tab (tombstones under `streaming-chat:deleted` in the app), so a deletion reaches
   * every tab and no tab's save brings it back. Default: this page's deletions only.
   */
  deleted?: DeletedConversations;
  /** Records each reply's steps when the debug switch is on. */
  debugLog?: StreamDebugLog;
}

/**
 * Replies found `streaming` on load that cannot be re-attached (saved before the server named them, or by a version
 * that did not keep the name) were cut off by a reload or a closed tab: they are shown as failed, with their text.
 * One the server named is re-attached instead (see {@link ChatSession.adopt}).
 */
function settleInterrupted(conversation: Conversation): void {
  const last = conversation.messages.at(-1);
  // Hidden versions too: a reply only ever streams at the end of the branch shown, so one found streaming elsewhere was cut off.
  forEachMessage(conversation.messages, (message) => {
    if (message.state !== "streaming" || (message === last && message.role === "assistant" && message.messageId !== undefined)) return;
    message.state = "error";
    message.failure = interruptedByReload();
  });
}

/**
 * Every conversation, which one is open, and saving them to LocalStorage. Each conversation has its own
 * {@link ChatSession}, so a reply keeps generating for its conversation while the user looks at another: read while a
 * stream slot for replies out of view is free, else left to the server until the conversation is shown again.
 */
export class ChatStore {
  conversations = $state<Conversation[]>([]);
  activeId = $state<string>("");
  /** The model answering, from the server's health endpoint (null until known). */
  model = $state<ModelInfo | null>(null);
  /** What to tell the person about saved data, if anything. */
  notice = $state<StorageNotice | null>(null);
  /** The wait the server asked for before anything is sent again, for every conversation. */
  readonly countdown: SendCountdown;
  /** The person's settings, shared by every conversation. */
  readonly settings: ChatSettings;
  /** Most recently active first. */
  readonly sorted = $derived([...this.conversations].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)));
  readonly active = $derived(this.conversations.find((conversation) => conversation.id === this.activeId) ?? this.conversations[0]!);

  readonly #deps: ChatStoreDeps;
  // A cache, not state: nothing renders the map itself, only each session's own reactive fields.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #sessions = new Map<string, ChatSession>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set when the page is going away: the browser then cancels running replies, which is not a network failure. */
  #leaving = false;
  /** Changes not yet saved: a tab that changed nothing must not overwrite what another tab saved. */
  #dirty = false;
  /** Conversations deleted here or in another tab, so no tab's save brings them back into this one. */
  readonly #deleted: DeletedConversations;
  /**
   * Each conversation's JSON as last saved, dropped whenever it changes: a save during a long reply then serialises
   * only the conversation that is streaming, not every conversation in storage, once a second.
   */
  readonly #savedJson = new WeakMap<Conversation, string>();
  readonly #slots: StreamSlots;

  constructor(deps: ChatStoreDeps) {
    this.#deps = deps;
    this.#slots = deps.slots ?? createStreamSlots(createMemoryLocks());
    this.countdown = deps.countdown ?? new SendCountdown();
    this.settings = deps.settings ?? new ChatSettings();
    this.#deleted = deps.deleted ?? createDeletedConversations();
    const { state, notice } = deps.storage.load();
    this.notice = notice;
    // A tab that had not heard of a deletion may have saved the conversation again: it stays deleted.
    const kept = (state?.conversations ?? []).filter((stored) => !this.#deleted.has(stored.id));
    this.conversations = kept.map((stored) => new Conversation(stored));
    for (const conversation of this.conversations) settleInterrupted(conversation);
    if (this.conversations.length === 0) this.conversations.push(new Conversation());
    // Sessions are made here, not lazily while a component renders: state created inside a reaction is not
    // tracked by it, so the list would never see a session's status change.
    for (const conversation of this.conversations) this.sessionFor(conversation);
    this.activeId =
      state?.activeConversationId && this.conversations.some((c) => c.id === state.activeConversationId) ? state.activeConversationId : this.sorted[0]!.id;
    this.#showActive();
    // Replies still generating when the last page closed: re-attached, the one in view at once, the others as slots allow.
    for (const conversation of this.conversations) this.sessionFor(conversation).adopt("loaded");
    // A migration is only worth keeping once it is written in the new layout; unreadable data, once copied aside,
    // is replaced at once, so the next load does not copy it again (and again, until storage is full).
    if (notice?.kind === "migrated" || notice?.kind === "corrupt") this.save();
  }

  /** Asks the server which model answers; the header shows it, and warns when it is the offline demo. */
  async loadModel(): Promise<void> {
    try {
      this.model = (await this.#deps.client.getHealth()).model;
    } catch {
      // Only decoration: a server that is down shows up as soon as the user sends a message.
    }
  }

  /** The session of the open conversation. */
  get session(): ChatSession {
    return this.sessionFor(this.active);
  }

  sessionFor(conversation: Conversation): ChatSession {
    let session = this.#sessions.get(conversation.id);
    if (!session) {
      session = new ChatSession({
        client: this.#deps.client,
        conversation,
        onChange: (kind) => this.changed(kind, conversation),
        onToken: this.#deps.onToken,
        now: this.#deps.now,
        isLeaving: () => this.#leaving,
        slots: this.#slots,
        reconnect: this.#deps.reconnect,
        countdown: this.countdown,
        settings: this.settings,
        debugLog: this.#deps.debugLog,
      });
      session.setInView(conversation.id === this.activeId);
      this.#sessions.set(conversation.id, session);
    }
    return session;
  }

  /** Opens an empty conversation (reusing the open one if it is still empty). */
  newConversation(): Conversation {
    const empty = this.active.messages.length === 0 ? this.active : undefined;
    const conversation = empty ?? new Conversation();
    if (!empty) {
      this.conversations.push(conversation);
      this.sessionFor(conversation);
    }
    this.activeId = conversation.id;
    this.#showActive();
    this.#dirty = true;
    this.save();
    return conversation;
  }

  select(id: string): void {
    if (!this.conversations.some((conversation) => conversation.id === id)) return;
    this.activeId = id;
    this.#showActive();
    this.#dirty = true;
    this.save();
  }

  rename(id: string, title: string): void {
    const conversation = this.conversations.find((candidate) => candidate.id === id);
    const trimmed = title.trim();
    if (!conversation || trimmed === "") return;
    // Not touched: renaming must not make the list jump (another tab picks the new name up with the next message).
    conversation.title = trimmed.slice(0, 120);
    this.#savedJson.delete(conversation);
    this.#dirty = true;
    this.save();
  }

  /**
   * Deletes a conversation, stopping its reply first; the list is never left empty. Its tombstone is written before
   * the list is saved, so another tab hears of the deletion before it sees the list without it.
   */
  remove(id: string): void {
    if (!this.conversations.some((conversation) => conversation.id === id)) return;
    this.#sessions.get(id)?.stop();
    this.#deleted.add(id);
    this.#forget(id);
    this.#dirty = true;
    this.save();
  }

  /**
   * Another tab deleted conversations (a `storage` event on the tombstones): they go from this tab too. Their replies
   * were stopped by the tab that deleted them; here they are only let go. Not saved: the deleting tab saved the list
   * without them, and any copy a save of this tab's put back meanwhile is skipped by every reader.
   */
  mergeDeletions(raw: string | null): void {
    for (const id of this.#deleted.merge(raw)) {
      if (this.conversations.some((conversation) => conversation.id === id)) {
        this.#sessions.get(id)?.cancel();
        this.#forget(id);
      }
    }
  }

  /** Takes a conversation out of this tab's list; another is opened if it was open, and a new one if none is left. */
  #forget(id: string): void {
    const index = this.conversations.findIndex((conversation) => conversation.id === id);
    if (index < 0) return;
    this.#sessions.delete(id);
    this.conversations.splice(index, 1);
    if (this.conversations.length === 0) {
      const fresh = new Conversation();
      this.conversations.push(fresh);
      this.sessionFor(fresh);
    }
    if (this.activeId === id) this.activeId = this.sorted[0]!.id;
    this.#showActive();
  }

  /**
   * Adds a conversation read from a file (already validated as stored data is) and opens it. It is treated as if
   * loaded from storage: a reply saved mid-stream is re-attached or shown as cut off. An id this tab has (or had, and
   * deleted) is replaced by a new one, so an import never overwrites a conversation, nor brings back a deleted one
   * under its old id.
   */
  importConversation(stored: StoredConversation): Conversation {
    const taken = this.#deleted.has(stored.id) || this.conversations.some((conversation) => conversation.id === stored.id);
    const conversation = new Conversation(taken ? { ...stored, id: createId() } : stored);
    settleInterrupted(conversation);
    this.conversations.push(conversation);
    this.sessionFor(conversation);
    this.activeId = conversation.id;
    this.#showActive();
    this.sessionFor(conversation).adopt("loaded");
    this.#dirty = true;
    this.save();
    return conversation;
  }

  /**
   * Records a change to a conversation (the open one by default): structural changes are saved now, streaming
   * tokens and typing after a short delay.
   */
  changed(kind: ChangeKind, conversation: Conversation = this.active): void {
    this.#savedJson.delete(conversation);
    this.#dirty = true;
    if (kind === "structure") return this.save();
    this.#saveTimer ??= setTimeout(() => this.save(), this.#deps.saveDelayMs ?? 1000);
  }

  /** Saves everything now (also on `pagehide`, so a closing tab keeps the partial reply). */
  save(): void {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    const conversations = this.conversations.map((conversation) => {
      let json = this.#savedJson.get(conversation);
      if (json === undefined) {
        json = JSON.stringify(conversation.toStored());
        this.#savedJson.set(conversation, json);
      }
      return json;
    });
    // Exactly JSON.stringify(StoredStateV1_1), assembled from the per-conversation pieces.
    const json = `{"version":${JSON.stringify(CURRENT_SCHEMA_VERSION)},"activeConversationId":${JSON.stringify(this.activeId)},"conversations":[${conversations.join(",")}]}`;
    const problem = this.#deps.storage.saveJson(json);
    this.#dirty = problem !== null;
    if (problem) this.notice = problem;
    else if (this.notice?.kind === "quota") this.notice = null;
  }

  /**
   * The page is being closed or reloaded (`beforeunload`/`pagehide`): saves now, and replies the browser is about to
   * cancel are marked as cut off by the reload rather than as a failure of the connection. If the page stays after
   * all (a download link, a cancelled navigation), the flag clears itself: timers never fire after an unload.
   */
  leavePage(): void {
    this.#leaving = true;
    setTimeout(() => (this.#leaving = false), 2000);
    this.saveIfChanged();
  }

  /** Saves only what changed since the last save (on `visibilitychange`), so an idle tab overwrites nothing. */
  saveIfChanged(): void {
    if (this.#dirty) this.save();
  }

  /**
   * Another tab saved (a `storage` event): takes in its new conversations and its newer versions of ours, so this
   * tab shows them and its own next save keeps them. A conversation whose reply this tab reads keeps this tab's
   * version. A reply the other tab is streaming is followed here too (read-only, as for a reload), so it shows live
   * in both.
   */
  mergeFromStorage(raw: string | null): void {
    const result = readStoredState(raw);
    if (result.kind !== "ok") return;
    for (const stored of result.state.conversations) {
      // Deleted in some tab: whoever saved it had not heard yet.
      if (this.#deleted.has(stored.id)) continue;
      const mine = this.conversations.find((conversation) => conversation.id === stored.id);
      if (!mine) {
        const conversation = new Conversation(stored);
        this.conversations.push(conversation);
        this.sessionFor(conversation).adopt("followed");
      } else if (!this.sessionFor(mine).attached && stored.updatedAt > mine.updatedAt) {
        const session = this.sessionFor(mine);
        // A reply left to the server here may have moved on (or ended) in the other tab: its copy is the newer one.
        session.cancel();
        mine.title = stored.title;
        mine.draft = stored.draft;
        mine.messages = stored.messages;
        mine.updatedAt = stored.updatedAt;
        this.#savedJson.delete(mine);
        session.adopt("followed");
      }
    }
  }

  /** Tells every session whether its conversation is the one on screen (see {@link ChatSession.setInView}). */
  #showActive(): void {
    const activeId = this.active.id;
    for (const conversation of this.conversations) this.sessionFor(conversation).setInView(conversation.id === activeId);
  }

  dismissNotice(): void {
    this.notice = null;
  }
}
