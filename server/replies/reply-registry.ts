import type { ResponseConnection } from "../operations/operation-response.js";
import { ContractError } from "./contract-error.js";

/** Seconds a client should wait before retrying a request the server refused or cut short while restarting. */
const SHUTDOWN_RETRY_AFTER_SECONDS = 2;
/** Seconds a client should wait before retrying when the server is at its limit: replies end every few seconds. */
const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/** The abort reason of every reply still running when shutdown's grace period ends (and the refusal of new ones). */
const SHUTDOWN = new ContractError("server_shutdown", "The server is restarting; send the request again.", {
  retryAfterMs: SHUTDOWN_RETRY_AFTER_SECONDS * 1000,
});

/** A running reply: its abort signal (client gone, or server shutting down) and its end. */
export interface ActiveReply {
  readonly signal: AbortSignal;
}

/** A running reply that no connection owns (resumable): it holds its slot until it calls `release`. */
export interface DetachedReply extends ActiveReply {
  release(): void;
}

/** Admits replies up to a limit, tracks them, and ends them all on shutdown. */
export interface ReplyRegistry {
  /** Replies running now (SSE and JSON alike: each holds a model call). */
  readonly active: number;
  /**
   * Registers a reply for `res`, or returns why it cannot run (`overloaded`, `server_shutdown`). The reply is released
   * when `res` closes; its signal aborts when the client disconnects before the response finished (reason: a plain
   * `Error`), or on shutdown (reason: a `server_shutdown` {@link ContractError}).
   */
  admit(res: ResponseConnection): Promise<ActiveReply | ContractError>;
  /**
   * Registers a reply that outlives its connection (resumable): it counts against the same limit until `release`,
   * and its signal aborts only on shutdown.
   */
  admitDetached(): Promise<DetachedReply | ContractError>;
  /**
   * Stops admitting, lets running replies finish for `graceMs`, then aborts the rest with a `server_shutdown`
   * {@link ContractError} and waits until every response has closed.
   */
  shutDown(graceMs: number): Promise<void>;
}

/**
 * Where the slots of `MAX_CONCURRENT_STREAMS` are counted. In one process, here; in a cluster, by the primary, so the
 * limit holds for the whole process tree whatever `SERVER_WORKERS` is (see `cluster/reply-slots.ts`).
 */
export interface ReplySlots {
  /** Takes a slot; false when every slot is taken. */
  acquire(): Promise<boolean>;
  release(): void;
}

/** Slots counted in this process. */
function createLocalReplySlots(maxConcurrent: number): ReplySlots {
  let taken = 0;
  return {
    acquire: async () => (taken < maxConcurrent ? (taken += 1) > 0 : false),
    release: () => void (taken = Math.max(0, taken - 1)),
  };
}

const overloaded = () =>
  new ContractError("overloaded", "The server is at its limit of concurrent replies; retry shortly.", {
    retryAfterMs: OVERLOADED_RETRY_AFTER_SECONDS * 1000,
  });

export function createReplyRegistry({
  maxConcurrent,
  slots = createLocalReplySlots(maxConcurrent),
}: {
  maxConcurrent: number;
  slots?: ReplySlots;
}): ReplyRegistry {
  const running = new Map<object, AbortController>();
  let shuttingDown: Promise<void> | undefined;
  let onEmpty: (() => void) | undefined;
  const remove = (key: object) => {
    if (!running.delete(key)) return;
    slots.release();
    if (running.size === 0) onEmpty?.();
  };
  /** A slot, or why there is none. */
  const take = async (): Promise<ContractError | undefined> => {
    if (shuttingDown) return SHUTDOWN;
    if (!(await slots.acquire())) return overloaded();
    if (!shuttingDown) return undefined;
    slots.release();
    return SHUTDOWN;
  };

  return {
    get active() {
      return running.size;
    },
    async admit(res) {
      const refused = await take();
      if (refused) return refused;
      const controller = new AbortController();
      // A response that already closed would never emit "close" again, and so never release its slot.
      if (res.destroyed || res.writableFinished) {
        slots.release();
        controller.abort(new Error("The client disconnected"));
        return { signal: controller.signal };
      }
      running.set(res, controller);
      res.once("close", () => {
        if (!res.writableFinished) controller.abort(new Error("The client disconnected"));
        remove(res);
      });
      return { signal: controller.signal };
    },
    async admitDetached() {
      const refused = await take();
      if (refused) return refused;
      const key = {};
      const controller = new AbortController();
      running.set(key, controller);
      return { signal: controller.signal, release: () => remove(key) };
    },
    shutDown(graceMs) {
      // Idempotent: a second signal waits for the same shutdown.
      shuttingDown ??= (async () => {
        if (running.size === 0) return;
        const empty = new Promise<void>((resolve) => (onEmpty = resolve));
        const grace = setTimeout(() => {
          for (const controller of running.values()) controller.abort(SHUTDOWN);
        }, graceMs);
        await empty;
        clearTimeout(grace);
      })();
      return shuttingDown;
    },
  };
}
