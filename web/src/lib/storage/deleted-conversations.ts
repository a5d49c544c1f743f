/** The LocalStorage key of the deleted conversations' tombstones: `{ "<conversation id>": "<ISO time of deletion>" }`. */
export const DELETED_KEY = "streaming-chat:deleted";

/**
 * How long a tombstone is kept. Long enough for any tab that was open when the conversation was deleted to have heard
 * of it (a `storage` event, or its next load), short enough that the list stays small (about 60 bytes a deletion).
 */
export const TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The most tombstones kept, newest first: someone clearing out hundreds of conversations at once must not fill the
 * storage the conversations need (1,000 take about 60 kB of the browser's 5 MB). A tab hears of a deletion within
 * moments, so only a tab that slept through a thousand later ones could miss the oldest.
 */
export const MAX_TOMBSTONES = 1000;

/**
 * The conversations deleted in this browser, in any tab. A deletion must reach every tab, and must not be undone by a
 * tab that saves its list before it heard of it: every tab skips a tombstoned id when it loads or takes in another
 * tab's save, and drops the conversation when a tombstone arrives.
 */
export interface DeletedConversations {
  has(id: string): boolean;
  /** Records a deletion made here, and writes it where the other tabs see it. */
  add(id: string): void;
  /** Takes in the tombstones another tab wrote (a `storage` event); returns the ids this tab had not heard of. */
  merge(raw: string | null): string[];
}

/** Valid entries of a stored list; anything else in it is ignored (a tombstone is a hint, never worth a notice). */
function parseTombstones(raw: string | null): Map<string, number> {
  const found = new Map<string, number>();
  let value: unknown;
  try {
    value = raw === null ? null : JSON.parse(raw);
  } catch {
    return found;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return found;
  for (const [id, at] of Object.entries(value)) {
    const time = typeof at === "string" ? Date.parse(at) : NaN;
    if (id !== "" && !Number.isNaN(time)) found.set(id, time);
  }
  return found;
}

/**
 * @param getStorage `() => localStorage` in the app; without it the tombstones live in this page only.
 * @param now the clock, for the tombstones' times and their pruning.
 */
export function createDeletedConversations(getStorage?: () => Storage, now: () => number = Date.now): DeletedConversations {
  const read = (): string | null => {
    try {
      return getStorage?.().getItem(DELETED_KEY) ?? null;
    } catch {
      return null;
    }
  };
  const known = parseTombstones(read());

  const prune = () => {
    for (const [id, at] of known) if (now() - at > TOMBSTONE_TTL_MS) known.delete(id);
    if (known.size <= MAX_TOMBSTONES) return;
    const oldestFirst = [...known].sort((a, b) => a[1] - b[1]);
    for (const [id] of oldestFirst.slice(0, known.size - MAX_TOMBSTONES)) known.delete(id);
  };
  prune();

  return {
    has: (id) => known.has(id),
    add(id) {
      // Another tab's deletions since this one last heard are kept, not overwritten.
      for (const [other, at] of parseTombstones(read())) if (!known.has(other)) known.set(other, at);
      known.set(id, now());
      prune();
      const stored = Object.fromEntries([...known].map(([each, at]) => [each, new Date(at).toISOString()]));
      try {
        getStorage?.().setItem(DELETED_KEY, JSON.stringify(stored));
      } catch {
        // Full or refused: this tab still honours it, and its next save leaves the conversation out for everyone.
      }
    },
    merge(raw) {
      const learned: string[] = [];
      for (const [id, at] of parseTombstones(raw)) {
        if (known.has(id) || now() - at > TOMBSTONE_TTL_MS) continue;
        known.set(id, at);
        learned.push(id);
      }
      prune();
      return learned;
    },
  };
}
