/**
 * An in-memory Web Storage (`localStorage`) that behaves like a browser's: string values, insertion-ordered keys,
 * a quota over keys and values counted in UTF-16 code units (Chromium allows about 5,000,000 per origin), and the
 * same DOMExceptions a browser throws when storage is full or blocked.
 */

export interface MemoryStorageOptions {
  /**
   * Most UTF-16 code units that keys plus values may take together; a `setItem` that would exceed it throws
   * `QuotaExceededError` and changes nothing. Default: no limit.
   */
  quota?: number;
  /** Every access throws `SecurityError`, as when a browser blocks storage for the site (e.g. blocked cookies). */
  blocked?: boolean;
}

/** A successful `setItem`, in the order it happened. */
export interface StorageWrite {
  key: string;
  value: string;
}

export interface MemoryStorage extends Storage {
  /** Every successful `setItem`, oldest first: tests read it to check what was written before what. */
  readonly writes: readonly StorageWrite[];
  /** Code units taken by keys and values, as counted against the quota. */
  readonly used: number;
}

export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const items = new Map<string, string>();
  const writes: StorageWrite[] = [];
  let used = 0;

  function check(): void {
    if (options.blocked) throw new DOMException("The operation is insecure.", "SecurityError");
  }

  const storage: MemoryStorage = {
    get length() {
      check();
      return items.size;
    },
    get writes() {
      return writes;
    },
    get used() {
      return used;
    },
    key(index: number) {
      check();
      return [...items.keys()][index] ?? null;
    },
    getItem(key: string) {
      check();
      return items.get(String(key)) ?? null;
    },
    setItem(key: string, value: string) {
      check();
      const name = String(key);
      const text = String(value);
      const previous = items.get(name);
      const next = used - (previous === undefined ? 0 : name.length + previous.length) + name.length + text.length;
      if (options.quota !== undefined && next > options.quota) {
        throw new DOMException(`Setting the value of '${name}' exceeded the quota.`, "QuotaExceededError");
      }
      items.set(name, text);
      used = next;
      writes.push({ key: name, value: text });
    },
    removeItem(key: string) {
      check();
      const name = String(key);
      const previous = items.get(name);
      if (previous === undefined) return;
      items.delete(name);
      used -= name.length + previous.length;
    },
    clear() {
      check();
      items.clear();
      used = 0;
    },
  };
  return storage;
}
