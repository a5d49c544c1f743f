import { ChatSdkError, type ReconnectOptions } from "streaming-chat/sdk";
import type { MessageFailure } from "./chat-message.js";
import { describeThrown } from "./describe-failure.js";

/**
 * The SDK's own defaults, one attempt more: the app turns the SDK's reconnecting off and does it here, where the
 * status bar can say "Reconnecting…" (the SDK reports nothing while it retries). About 8 s of waiting in all rides out
 * a restarting proxy or a network change.
 */
const DEFAULT_RECONNECT: Required<ReconnectOptions> = { maxAttempts: 6, initialDelayMs: 250, maxDelayMs: 4_000 };

/** Wait before attempt `failures` (1, 2, …): doubling up to the cap, with equal jitter so pages cut off together do not come back together. */
export function reconnectDelayMs(failures: number, options: ReconnectOptions = {}): number {
  const { initialDelayMs, maxDelayMs } = { ...DEFAULT_RECONNECT, ...options };
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (failures - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Whether trying again may work: the network, or a server error or answer that may pass. */
function mayPass({ type, status }: ChatSdkError): boolean {
  if (type === "network_error") return true;
  if (type === "stream_interrupted") return status === undefined || status >= 500;
  return type === "http_error" && (status === undefined || status === 200 || status === 429 || status >= 500);
}

/** What a failed read of a reply means. */
export type ReadFailure =
  /** Pick the reply up again after this wait. */
  | { kind: "retry"; waitMs: number }
  /** The server no longer knows the reply (404): expired, or a restart without a shared store. */
  | { kind: "expired" }
  /** The reply failed: show this. */
  | { kind: "fail"; failure: MessageFailure };

/**
 * Decides after a read of a reply failed. Only a reply the server named can be picked up again; an error status
 * before that (a full server, a bad request) is the reply's failure, as for any request.
 */
export function describeReadFailure(error: unknown, context: { named: boolean; failures: number; reconnect?: ReconnectOptions | undefined }): ReadFailure {
  const { named, failures, reconnect } = context;
  if (named && error instanceof ChatSdkError) {
    if (error.status === 404) return { kind: "expired" };
    if (mayPass(error) && failures <= (reconnect?.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts)) {
      return { kind: "retry", waitMs: reconnectDelayMs(failures, reconnect) };
    }
  }
  return { kind: "fail", failure: describeThrown(error) };
}
