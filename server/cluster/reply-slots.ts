import cluster, { type Worker } from "node:cluster";
import type { ReplySlots } from "../replies/reply-registry.js";
import { isClusterMessage, type SlotAnswerMessage, type SlotReleaseMessage, type SlotRequestMessage } from "./cluster-messages.js";

/**
 * In the primary: counts the replies running in every worker against one `maxConcurrent`, so `MAX_CONCURRENT_STREAMS`
 * means the whole process tree (an operator's reading of it), not each worker. A worker that exits gives its slots
 * back. The round trip costs a worker one IPC message each way per reply, not per token.
 */
export function serveReplySlots(maxConcurrent: number): void {
  const held = new Map<number, number>();
  const total = () => [...held.values()].reduce((sum, count) => sum + count, 0);
  const watch = (worker: Worker) => {
    worker.on("message", (message) => {
      if (isClusterMessage(message, "chat:slot-request")) {
        const granted = total() < maxConcurrent;
        if (granted) held.set(worker.id, (held.get(worker.id) ?? 0) + 1);
        if (worker.isConnected()) worker.send({ type: "chat:slot-answer", id: message.id, granted } satisfies SlotAnswerMessage);
      } else if (isClusterMessage(message, "chat:slot-release")) {
        held.set(worker.id, Math.max(0, (held.get(worker.id) ?? 0) - 1));
      }
    });
    worker.once("exit", () => held.delete(worker.id));
  };
  cluster.on("fork", watch);
}

/** In a worker: slots granted by the primary ({@link serveReplySlots}). Refused when the primary is gone. */
export function createPrimaryReplySlots(): ReplySlots {
  let nextId = 1;
  const pending = new Map<number, (granted: boolean) => void>();
  process.on("message", (message) => {
    if (!isClusterMessage(message, "chat:slot-answer")) return;
    pending.get(message.id)?.(message.granted);
    pending.delete(message.id);
  });
  process.once("disconnect", () => {
    for (const answer of pending.values()) answer(false);
    pending.clear();
  });
  return {
    acquire() {
      if (!process.connected) return Promise.resolve(false);
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        process.send!({ type: "chat:slot-request", id } satisfies SlotRequestMessage);
      });
    },
    release() {
      if (process.connected) process.send!({ type: "chat:slot-release" } satisfies SlotReleaseMessage);
    },
  };
}
