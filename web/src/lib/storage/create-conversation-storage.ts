import { readStoredState } from "./read-stored-state.js";
import { CORRUPT_BACKUP_KEY_PREFIX, STORAGE_KEY, type StoredStateV1_1 } from "./storage-schema.js";
import type { StorageNotice } from "./storage-notice.js";

/** Reads and writes every conversation under one LocalStorage key. */
export interface ConversationStorage {
  /** The stored state (migrated if older), or `null` when there is none or it was unreadable; plus what to tell the person. */
  load(): { state: StoredStateV1_1 | null; notice: StorageNotice | null };
  /**
   * Writes the state, serialised by the caller (so it can reuse the JSON of conversations that did not change);
   * returns `null` when saved, or why it was not. Never throws.
   */
  saveJson(json: string): StorageNotice | null;
}

function isQuotaError(error: unknown): boolean {
  // Chromium/WebKit name it QuotaExceededError (legacy code 22); old Firefox used NS_ERROR_DOM_QUOTA_REACHED (1014).
  return (
    error instanceof DOMException &&
    (error.name === "QuotaExceededError" || error.name === "NS_ERROR_DOM_QUOTA_REACHED" || error.code === 22 || error.code === 1014)
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * @param getStorage returns the Storage to use (`() => localStorage` in the app); a getter because merely reading
 *   `window.localStorage` throws when the browser blocks storage.
 * @param now the clock, for backup key names.
 */
export function createConversationStorage(getStorage: () => Storage, now: () => Date = () => new Date()): ConversationStorage {
  let storage: Storage | null = null;
  /** Set when saving must not happen: storage is refused, or unreadable data could not be copied aside (overwriting it would lose it). */
  let blocked: StorageNotice | null = null;

  function open(): Storage {
    storage ??= getStorage();
    return storage;
  }

  return {
    load() {
      let raw: string | null;
      try {
        raw = open().getItem(STORAGE_KEY);
      } catch (error) {
        blocked = { kind: "unavailable", detail: describeError(error) };
        return { state: null, notice: blocked };
      }
      const result = readStoredState(raw);
      if (result.kind === "empty") return { state: null, notice: null };
      if (result.kind === "ok") return { state: result.state, notice: result.migratedFrom ? { kind: "migrated", from: result.migratedFrom } : null };

      const backupKey = `${CORRUPT_BACKUP_KEY_PREFIX}${now().toISOString()}`;
      try {
        open().setItem(backupKey, raw!);
      } catch {
        blocked = { kind: "corrupt-kept", reason: result.reason };
        return { state: null, notice: blocked };
      }
      return { state: null, notice: { kind: "corrupt", reason: result.reason, backupKey } };
    },

    saveJson(json) {
      if (blocked) return blocked;
      try {
        open().setItem(STORAGE_KEY, json);
        return null;
      } catch (error) {
        if (isQuotaError(error)) return { kind: "quota" };
        return { kind: "unavailable", detail: describeError(error) };
      }
    },
  };
}
