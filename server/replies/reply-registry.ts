import type { ServerResponse } from "node:http";

/** Seconds a client should wait before retrying a request the server refused or cut short while restarting. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 2;

/** Why a reply was aborted by the server rather than by its client. */
export class ServerShutdownError extends Error {
  override readonly name = "ServerShutdownError";
  readonly retryAfterSeconds = SHUTDOWN_RETRY_AFTER_SECONDS;
  constructor() {
    super("The server is restarting; send the request again.");
  }
}

/** A running reply: its abort signal (client gone, or server shutting down) and its end. */
export interface ActiveReply {
  readonly signal: AbortSignal;
}

/** Admits replies up to a limit, tracks them, and ends them all on shutdown. */
export interface ReplyRegistry {
  /** Replies running now (SSE and JSON alike: each holds a model call). */
  readonly active: number;
  readonly shuttingDown: boolean;
  /**
   * Registers a reply for `res`, or returns the reason it cannot run. The reply is released when `res` closes;
   * its signal aborts when the client disconnects before the response finished, or on shutdown.
   */
  admit(res: ServerResponse): ActiveReply | "overloaded" | "shutting_down";
  /**
   * Stops admitting, lets running replies finish for `graceMs`, then aborts the rest with a
   * {@link ServerShutdownError} and waits until every response has closed.
   */
  shutDown(graceMs: number): Promise<void>;
}

export function createReplyRegistry({ maxConcurrent }: { maxConcurrent: number }): ReplyRegistry {
  const running = new Map<ServerResponse, AbortController>();
  let shuttingDown: Promise<void> | undefined;
  let onEmpty: (() => void) | undefined;

  return {
    get active() {
      return running.size;
    },
    get shuttingDown() {
      return shuttingDown !== undefined;
    },
    admit(res) {
      if (shuttingDown) return "shutting_down";
      if (running.size >= maxConcurrent) return "overloaded";
      const controller = new AbortController();
      // A response that already closed would never emit "close" again, and so never release its slot.
      if (res.destroyed || res.writableFinished) {
        controller.abort(new Error("The client disconnected"));
        return { signal: controller.signal };
      }
      running.set(res, controller);
      res.once("close", () => {
        if (!res.writableFinished) controller.abort(new Error("The client disconnected"));
        running.delete(res);
        if (running.size === 0) onEmpty?.();
      });
      return { signal: controller.signal };
    },
    shutDown(graceMs) {
      // Idempotent: a second signal waits for the same shutdown.
      shuttingDown ??= (async () => {
        if (running.size === 0) return;
        const empty = new Promise<void>((resolve) => (onEmpty = resolve));
        const grace = setTimeout(() => {
          for (const controller of running.values()) controller.abort(new ServerShutdownError());
        }, graceMs);
        await empty;
        clearTimeout(grace);
      })();
      return shuttingDown;
    },
  };
}
