/** A lock as the callback of {@link Locks.request} receives it: `null` when `ifAvailable` found it taken. */
export interface HeldLock {
  name: string;
}

/** Options of {@link Locks.request}: the part of the Web Locks API's `LockOptions` the slots use. */
export interface LockRequestOptions {
  /** Grant the lock only if it is free now; otherwise call back at once with `null`. */
  ifAvailable?: boolean;
  /** Gives up a request still waiting (the promise rejects with the signal's reason); a granted lock is not affected. */
  signal?: AbortSignal;
}

/**
 * The part of the Web Locks API (`navigator.locks`) the stream slots use: exclusive locks by name, held until the
 * callback's promise settles, granted in the order they were asked for. The browser shares them between every tab of
 * an origin and frees a tab's locks when it closes.
 */
export interface Locks {
  request(name: string, options: LockRequestOptions, callback: (lock: HeldLock | null) => unknown): Promise<unknown>;
}

/**
 * The same locks within one page: for browsers without the Web Locks API (each tab then keeps its own count) and for
 * tests, which share one between the pages they simulate as the browser shares `navigator.locks` between tabs.
 */
export function createMemoryLocks(): Locks {
  const held = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();

  function release(name: string): void {
    held.delete(name);
    const queue = waiting.get(name);
    // Names come and go (one per reply): an empty queue is not kept.
    if (queue?.length === 0) waiting.delete(name);
    queue?.shift()?.();
  }

  function grant(name: string, callback: (lock: HeldLock | null) => unknown): Promise<unknown> {
    held.add(name);
    // As in the browser, the callback runs later, never inside the request call.
    return Promise.resolve()
      .then(() => callback({ name }))
      .finally(() => release(name));
  }

  return {
    request(name, { ifAvailable = false, signal }, callback) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (!held.has(name) && !waiting.get(name)?.length) return grant(name, callback);
      if (ifAvailable) return Promise.resolve().then(() => callback(null));
      const queue = waiting.get(name) ?? [];
      waiting.set(name, queue);
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          queue.splice(queue.indexOf(turn), 1);
          reject(signal!.reason as Error);
        };
        const turn = () => {
          signal?.removeEventListener("abort", onAbort);
          grant(name, callback).then(resolve, reject);
        };
        queue.push(turn);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
