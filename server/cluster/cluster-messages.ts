/**
 * The messages the cluster primary and its workers exchange over the IPC channel `node:cluster` opens. Each carries
 * a `chat:` type so they never collide with Node's own cluster messages or prom-client's metric requests.
 */

/** Primary → worker: drain and exit, as on a signal (the primary received one). */
export interface ShutdownMessage {
  type: "chat:shutdown";
  signal: string;
}

/** Primary → worker: re-read `API_KEYS_FILE` (the primary received SIGHUP). */
export interface ReloadApiKeysMessage {
  type: "chat:reload-api-keys";
}

/** Worker → primary: the worker stopped accepting connections and is draining this many replies. */
export interface DrainingMessage {
  type: "chat:draining";
  activeReplies: number;
}

/** Worker → primary: a `/metrics` scrape arrived; answer with every worker's metrics summed. */
export interface MetricsRequestMessage {
  type: "chat:metrics-request";
  id: number;
}

/** Primary → worker: the summed metrics (Prometheus text), or why they could not be collected. */
export interface MetricsResponseMessage {
  type: "chat:metrics-response";
  id: number;
  text?: string;
  error?: string;
}

/** Worker → primary: may this worker start one more reply? (`MAX_CONCURRENT_STREAMS` counts the whole tree.) */
export interface SlotRequestMessage {
  type: "chat:slot-request";
  id: number;
}

/** Primary → worker: whether the slot was granted. */
export interface SlotAnswerMessage {
  type: "chat:slot-answer";
  id: number;
  granted: boolean;
}

/** Worker → primary: a reply ended; its slot is free. */
export interface SlotReleaseMessage {
  type: "chat:slot-release";
}

/** Worker → primary: is every worker listening, with no shutdown begun? (for `/readyz`) */
export interface ReadinessRequestMessage {
  type: "chat:readiness-request";
  id: number;
}

/** Primary → worker: the answer. */
export interface ReadinessAnswerMessage {
  type: "chat:readiness-answer";
  id: number;
  allListening: boolean;
  shuttingDown: boolean;
}

export type ClusterMessage =
  | ReadinessRequestMessage
  | ReadinessAnswerMessage
  | ShutdownMessage
  | ReloadApiKeysMessage
  | DrainingMessage
  | MetricsRequestMessage
  | MetricsResponseMessage
  | SlotRequestMessage
  | SlotAnswerMessage
  | SlotReleaseMessage;

export function isClusterMessage<Type extends ClusterMessage["type"]>(message: unknown, type: Type): message is Extract<ClusterMessage, { type: Type }> {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === type;
}
