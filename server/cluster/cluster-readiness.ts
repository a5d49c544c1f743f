import cluster, { type Worker } from "node:cluster";
import { isClusterMessage, type ReadinessAnswerMessage, type ReadinessRequestMessage } from "./cluster-messages.js";

/** What the primary knows of the cluster's readiness. */
export interface ClusterState {
  allListening(): boolean;
  shuttingDown(): boolean;
}

/**
 * In the primary: answers workers' readiness questions. A worker alone cannot tell whether its siblings listen, and a
 * cluster that reports ready when one worker listens gets every early connection on that worker (measured: 43 of 50).
 */
export function serveClusterReadiness(state: ClusterState): void {
  cluster.on("fork", (worker: Worker) => {
    worker.on("message", (message) => {
      if (!isClusterMessage(message, "chat:readiness-request") || !worker.isConnected()) return;
      worker.send({
        type: "chat:readiness-answer",
        id: message.id,
        allListening: state.allListening(),
        shuttingDown: state.shuttingDown(),
      } satisfies ReadinessAnswerMessage);
    });
  });
}

/** Longest wait for the primary's answer; no answer means not ready. */
const ANSWER_TIMEOUT_MS = 1_000;

/** In a worker: asks the primary ({@link serveClusterReadiness}). */
export function createClusterReadiness(): () => Promise<{ allListening: boolean; shuttingDown: boolean }> {
  let nextId = 1;
  const pending = new Map<number, (answer: { allListening: boolean; shuttingDown: boolean }) => void>();
  process.on("message", (message) => {
    if (!isClusterMessage(message, "chat:readiness-answer")) return;
    pending.get(message.id)?.({ allListening: message.allListening, shuttingDown: message.shuttingDown });
    pending.delete(message.id);
  });
  return () => {
    const notReady = { allListening: false, shuttingDown: false };
    if (!process.connected) return Promise.resolve(notReady);
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(notReady);
      }, ANSWER_TIMEOUT_MS);
      pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      process.send!({ type: "chat:readiness-request", id } satisfies ReadinessRequestMessage);
    });
  };
}
