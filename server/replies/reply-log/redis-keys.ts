/**
 * Redis key names of one reply. The `{messageId}` hash tag puts all of them in one slot, so Redis Cluster keeps a
 * reply on one node and a MULTI across its keys works.
 */
export function replyKeys(messageId: string) {
  return {
    /** A Stream: one entry per SSE event, entry id `<event id>-0`, fields `event` and `data`. */
    events: `reply:{${messageId}}:events`,
    /**
     * A hash: `state` (running | ended), `stop` (1 once requested), `lastReadAt` (ms, from readers on other instances),
     * `owner` (the client id of the API key that started it, on a server with keys).
     */
    meta: `reply:{${messageId}}:meta`,
    /** Present while the generating instance is alive: it renews the lease every second. */
    lease: `reply:{${messageId}}:lease`,
  };
}

/** The doorbell for stop requests: any instance publishes a message id; the one generating it stops at once. */
export const STOP_CHANNEL = "chat:reply-stop";
