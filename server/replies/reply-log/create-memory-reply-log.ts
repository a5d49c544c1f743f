import { isOwnedBy, type LoggedEvent, type ReplyLog } from "./reply-log.js";

interface MemoryReply {
  events: LoggedEvent[];
  ended: boolean;
  stopRequested: boolean;
  stopWatchers: Set<() => void>;
  /** Readers waiting for the next event (or the end). */
  wakers: Set<() => void>;
  readers: number;
  lastReadAt: number;
  owner: string | undefined;
}

/**
 * The reply log of a single process: no setup, so `npm start` needs no other service. Events live in memory until
 * `retentionMs` after a reply ends; running replies are bounded by the concurrency limit, so memory is too.
 */
export function createMemoryReplyLog(now: () => number = Date.now): ReplyLog {
  const replies = new Map<string, MemoryReply>();
  const wake = (reply: MemoryReply) => {
    for (const waker of reply.wakers) waker();
    reply.wakers.clear();
  };

  return {
    async open(messageId, owner) {
      if (replies.has(messageId)) throw new Error(`Reply ${messageId} already has a log`);
      replies.set(messageId, {
        events: [],
        ended: false,
        stopRequested: false,
        stopWatchers: new Set(),
        wakers: new Set(),
        readers: 0,
        lastReadAt: now(),
        owner,
      });
    },

    async append(messageId, event) {
      const reply = replies.get(messageId);
      if (!reply || reply.ended) throw new Error(`Reply ${messageId} is not open`);
      // Ids are the order: a gap or a repeat would break every reader's Last-Event-ID arithmetic.
      if (event.id !== reply.events.length + 1) throw new Error(`Reply ${messageId} expected event ${reply.events.length + 1}, got ${event.id}`);
      reply.events.push(event);
      wake(reply);
    },

    async close(messageId, retentionMs) {
      const reply = replies.get(messageId);
      if (!reply) return;
      reply.ended = true;
      reply.stopWatchers.clear();
      wake(reply);
      setTimeout(() => replies.delete(messageId), retentionMs).unref();
    },

    async status(messageId) {
      const reply = replies.get(messageId);
      return reply ? { lastId: reply.events.length, ended: reply.ended, ...(reply.owner !== undefined ? { owner: reply.owner } : {}) } : undefined;
    },

    async *follow(messageId, afterId, signal) {
      const reply = replies.get(messageId);
      if (!reply) return;
      reply.readers += 1;
      // One abort listener for the reader's whole life, not one per wait: a caught-up reader waits once per token,
      // and adding and removing a listener on an AbortSignal each time was a measurable share of the CPU per token.
      let wakeReader: (() => void) | undefined;
      const onAbort = () => wakeReader?.();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        // Ids are 1..n in order, so the event after `afterId` is at index `afterId`.
        for (let next = Math.max(0, afterId); !signal.aborted;) {
          if (next < reply.events.length) {
            yield reply.events[next++]!;
            continue;
          }
          if (reply.ended) return;
          await new Promise<void>((resolve) => {
            wakeReader = resolve;
            reply.wakers.add(resolve);
          });
        }
      } finally {
        if (wakeReader) reply.wakers.delete(wakeReader);
        signal.removeEventListener("abort", onAbort);
        reply.readers -= 1;
        reply.lastReadAt = now();
      }
    },

    async lastReadAt(messageId) {
      const reply = replies.get(messageId);
      if (!reply) return 0;
      return reply.readers > 0 ? now() : reply.lastReadAt;
    },

    async requestStop(messageId, caller) {
      const reply = replies.get(messageId);
      if (!reply || !isOwnedBy(reply.owner, caller)) return "unknown";
      if (reply.ended) return "already_ended";
      if (!reply.stopRequested) {
        reply.stopRequested = true;
        for (const onStop of reply.stopWatchers) onStop();
      }
      return "stopping";
    },

    watchStop(messageId, onStop) {
      const reply = replies.get(messageId);
      if (!reply) return () => {};
      if (reply.stopRequested) {
        onStop();
        return () => {};
      }
      reply.stopWatchers.add(onStop);
      return () => reply.stopWatchers.delete(onStop);
    },
  };
}
