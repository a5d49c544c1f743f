import type { ChatClient } from "streaming-chat/sdk";

/** Where the key is kept: `sessionStorage` in the app (`Storage`'s three methods, so tests can pass their own). */
export type KeyStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** Its name in `sessionStorage`; never in LocalStorage, where the conversations are. */
export const API_KEY_STORAGE_KEY = "streaming-chat:api-key";

/** The error the dialog shows when the key it gave was refused. */
export const KEY_REFUSED = "The server did not accept this key. Check it and enter it again.";

/**
 * The API key of this browser tab, and the request for one: the dialog shows while `open`. The key lives in
 * `sessionStorage` (the tab's session: gone when the tab closes, never written with the conversations, sent only to
 * this server by the SDK); where storage is blocked it lives in memory only. Requests that need a key wait on
 * {@link ask}, so several refused at once share one dialog.
 */
export class ApiKeyPrompt {
  /** The key given in this tab, if any. */
  key = $state<string | undefined>();
  /** Whether the dialog asking for a key is shown. */
  open = $state(false);
  /** Why it is asked again (the last key was refused), shown in the dialog. */
  error = $state<string | null>(null);

  readonly #storage: () => KeyStorage;
  #waiting: ((submitted: boolean) => void)[] = [];

  constructor(storage: () => KeyStorage) {
    this.#storage = storage;
    try {
      this.key = storage().getItem(API_KEY_STORAGE_KEY) ?? undefined;
    } catch {
      // Storage blocked: the key will live in memory for this page.
    }
  }

  /** The key for the SDK's `apiKey` option, which asks before every request. */
  readonly current = (): string | undefined => this.key;

  /** Shows the dialog (with `error`, when the last key was refused); resolves true once a key is given, false if cancelled. */
  ask(error: string | null = null): Promise<boolean> {
    this.error = error;
    this.open = true;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Asks for a key at once when the server needs one and this tab has none, before the first message fails. */
  async askIfNeeded(client: Pick<ChatClient, "getHealth">): Promise<void> {
    const health = await client.getHealth().catch(() => undefined);
    if (health?.auth === "api_keys" && this.key === undefined && !this.open) await this.ask();
  }

  /** Keeps `key` for this tab's session and lets the waiting requests go on with it. Returns false for an empty key. */
  submit(key: string): boolean {
    const trimmed = key.trim();
    if (trimmed === "") {
      this.error = "Enter the key you were given for this server.";
      return false;
    }
    this.key = trimmed;
    try {
      this.#storage().setItem(API_KEY_STORAGE_KEY, trimmed);
    } catch {
      // Kept in memory only.
    }
    this.#settle(true);
    return true;
  }

  /** Closes the dialog without a key: the waiting requests fail with the server's 401. */
  cancel(): void {
    this.#settle(false);
  }

  /** Drops the key from this tab; the next request that needs one asks again. */
  forget(): void {
    this.key = undefined;
    try {
      this.#storage().removeItem(API_KEY_STORAGE_KEY);
    } catch {
      // Nothing was stored.
    }
  }

  #settle(submitted: boolean): void {
    this.open = false;
    this.error = null;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve(submitted);
  }
}
