import type { ChatStore } from "../chat/chat-store.svelte.js";
import type { Conversation } from "../chat/conversation.svelte.js";
import { downloadFile } from "./download-file.js";
import { exportAsJson, exportAsMarkdown, type ExportFile } from "./export-conversation.js";
import { groupByDate, isSameLocalDay } from "./group-by-date.js";
import { MAX_IMPORT_BYTES, readConversationExport } from "./read-conversation-export.js";
import { createConversationSearch } from "./search-conversations.js";

export type ExportFormat = "markdown" | "json";

/** What the last import did, in words for the person. */
export type ImportNotice = { kind: "imported"; title: string } | { kind: "failed"; fileName: string; reason: string };

export interface ConversationListViewDeps {
  store: ChatStore;
  /** Hands an exported file to the person (the browser's download in the app). */
  download?: (file: ExportFile) => void;
  /** The clock, in ms since the epoch. */
  now?: () => number;
  /** For month names in the date groups (default: the browser's). */
  locale?: string;
}

/**
 * The conversation list's own state: the search, the date groups of what it finds, and export and import. The
 * conversations themselves stay in the {@link ChatStore}; searching never changes which one is open.
 */
export class ConversationListView {
  query = $state("");
  /** The clock the date groups are computed for; {@link refreshClock} moves it, so "Today" becomes "Yesterday" at midnight. */
  now = $state(0);
  importNotice = $state<ImportNotice | null>(null);

  readonly #deps: ConversationListViewDeps;
  readonly #search = createConversationSearch();

  /** The conversations the search finds, most recent first (all of them when the search box is empty). */
  readonly found = $derived(this.#search.filter(this.#store.sorted, this.query));
  readonly groups = $derived(groupByDate(this.found, this.now, this.#locale));
  readonly searching = $derived(this.query.trim() !== "");

  constructor(deps: ConversationListViewDeps) {
    this.#deps = deps;
    this.now = this.#now();
  }

  get #store(): ChatStore {
    return this.#deps.store;
  }

  get #locale(): string | undefined {
    return this.#deps.locale;
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  refreshClock(): void {
    const now = this.#now();
    // Same calendar day: nothing to regroup, and no reason to make every group re-render.
    if (!isSameLocalDay(now, this.now)) this.now = now;
  }

  clearSearch(): void {
    this.query = "";
  }

  exportConversation(conversation: Conversation, format: ExportFormat): void {
    const stored = conversation.toStored();
    const file = format === "json" ? exportAsJson(stored, this.#now()) : exportAsMarkdown(stored);
    (this.#deps.download ?? downloadFile)(file);
  }

  /** Reads an exported file and opens its conversation; a file that is not one changes nothing and says why. */
  async importFile(file: File): Promise<Conversation | null> {
    const fail = (reason: string) => {
      this.importNotice = { kind: "failed", fileName: file.name, reason };
      return null;
    };
    if (file.size > MAX_IMPORT_BYTES) return fail("it is larger than browser storage can hold");
    let text: string;
    try {
      text = await file.text();
    } catch {
      return fail("the browser could not read it");
    }
    const result = readConversationExport(text);
    if (result.kind === "invalid") return fail(result.reason);
    // The search would hide the conversation just opened, if it does not match.
    this.clearSearch();
    const conversation = this.#store.importConversation(result.conversation);
    this.importNotice = { kind: "imported", title: conversation.plainTitle };
    return conversation;
  }

  dismissImportNotice(): void {
    this.importNotice = null;
  }
}
