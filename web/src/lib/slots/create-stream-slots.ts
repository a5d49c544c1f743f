import type { LockRequestOptions, Locks } from "./create-memory-locks.js";

/**
 * How many replies one browser reads at once, over all its tabs. Browsers open at most six HTTP/1.1 connections to
 * an origin, and an open stream holds one: past six, a new reply waits at "Sending…" and a new tab cannot even load.
 * Four leaves two for page loads and API calls.
 */
const STREAM_SLOTS = 4;
/** Of those, how many replies in conversations out of view may hold: the others are kept for the ones on screen. */
const SHARED_STREAM_SLOTS = 2;

/** Where a reply is: in the conversation its tab shows, or in one the person is not looking at. */
export type SlotPlace = "view" | "background";

/** One stream this browser may keep open, held until released. */
export interface SlotLease {
  /** Whether replies out of view may hold it too: one leaving the view keeps reading only on such a slot. */
  readonly shared: boolean;
  /** Frees the slot; releasing again does nothing. */
  release(): void;
}

/** The browser-wide count of open reply streams, and which tab reads a reply while nobody looks at it. */
export interface StreamSlots {
  /** A free slot now, or null: any one for a reply in view, a shared one for a reply in the background. */
  tryTake(place: SlotPlace): Promise<SlotLease | null>;
  /** Waits for such a slot; rejects with the signal's reason if it aborts first. */
  take(place: SlotPlace, signal: AbortSignal): Promise<SlotLease>;
  /**
   * Waits until no other tab reads this reply in the background, and keeps it so until the returned function is
   * called: every tab knows every conversation, and one reader per reply is enough when nobody is looking.
   */
  claim(messageId: string, signal: AbortSignal): Promise<() => void>;
}

export interface StreamSlotOptions {
  /** Default {@link STREAM_SLOTS}. */
  slots?: number;
  /** Default {@link SHARED_STREAM_SLOTS}. */
  sharedSlots?: number;
}

/**
 * Takes the lock `name` when `accept()` says so at the moment it is granted, and holds it until the returned
 * function is called. Resolves `null` when `ifAvailable` found it taken, or when `accept()` declined it.
 */
function holdLock(locks: Locks, name: string, options: LockRequestOptions, accept: () => boolean): Promise<(() => void) | null> {
  return new Promise((resolve, reject) => {
    locks
      .request(name, options, (lock) => {
        if (!lock || !accept()) return resolve(null);
        return new Promise<void>((free) => resolve(free));
      })
      .catch(reject);
  });
}

/**
 * Stream slots as Web Locks named `chat-stream-slot-0` … `chat-stream-slot-N` (`navigator.locks`, shared by the
 * origin's tabs and freed with a closing tab), and a lock per reply for its background reader.
 */
export function createStreamSlots(locks: Locks, options: StreamSlotOptions = {}): StreamSlots {
  const count = options.slots ?? STREAM_SLOTS;
  const sharedCount = Math.min(options.sharedSlots ?? SHARED_STREAM_SLOTS, count);
  const slot = (index: number) => ({ name: `chat-stream-slot-${index}`, shared: index < sharedCount });
  const all = Array.from({ length: count }, (_, index) => slot(index));
  // A reply in view takes the slots kept for it first, so the shared ones stay free for replies out of view.
  const order: Record<SlotPlace, { name: string; shared: boolean }[]> = {
    view: [...all.filter((candidate) => !candidate.shared), ...all.filter((candidate) => candidate.shared)],
    background: all.filter((candidate) => candidate.shared),
  };
  const lease = (shared: boolean, free: () => void): SlotLease => {
    let released = false;
    return {
      shared,
      release() {
        if (!released) free();
        released = true;
      },
    };
  };

  return {
    async tryTake(place) {
      for (const candidate of order[place]) {
        const free = await holdLock(locks, candidate.name, { ifAvailable: true }, () => true);
        if (free) return lease(candidate.shared, free);
      }
      return null;
    },

    take(place, signal) {
      return new Promise<SlotLease>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        // Waits on every slot at once and keeps the first granted: whichever frees first, in the order tabs asked.
        const requests = new AbortController();
        let won = false;
        const giveUp = () => {
          requests.abort(signal.reason);
          reject(signal.reason as Error);
        };
        signal.addEventListener("abort", giveUp, { once: true });
        const accept = () => {
          if (won || signal.aborted) return false;
          won = true;
          return true;
        };
        for (const candidate of order[place]) {
          holdLock(locks, candidate.name, { signal: requests.signal }, accept).then(
            (free) => {
              if (!free) return;
              signal.removeEventListener("abort", giveUp);
              requests.abort();
              resolve(lease(candidate.shared, free));
            },
            // Withdrawn: another slot came first, or the wait was given up.
            () => {},
          );
        }
      });
    },

    async claim(messageId, signal) {
      const free = await holdLock(locks, `chat-stream-reply-${messageId}`, { signal }, () => !signal.aborted);
      if (!free) throw signal.reason;
      return free;
    },
  };
}
