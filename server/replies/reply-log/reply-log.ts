import type { StreamEventName } from "../../../contract/index.js";

/** One event of a reply as its first stream sent it: readers replay these bytes exactly. */
export interface LoggedEvent {
  /** The SSE id: 1 for the reply's first event, then one more per event. */
  id: number;
  event: StreamEventName;
  /** The `data:` line's JSON text, as sent. */
  data: string;
}

/** Where a reply stands, for readers that ask before following it. */
export interface ReplyLogStatus {
  /** The id of the last event logged so far (0 when none). */
  lastId: number;
  /** True once the reply's terminal event (`complete` or `error`) is logged. */
  ended: boolean;
  /** Who started it (`ClientIdentity.id` of the API key), on a server with keys; absent on an open server. */
  owner?: string;
}

/**
 * Whether `caller` may read or stop a reply owned by `owner`. An open server names no caller, so anyone may, as
 * before keys existed: an address is not an identity (a phone changes networks mid-reply). With keys, only the key
 * that started the reply may; to any other, the reply does not exist.
 */
export function isOwnedBy(owner: string | undefined, caller: string | undefined): boolean {
  return caller === undefined || owner === caller;
}

/** What a stop request found. */
export type StopOutcome = "stopping" | "already_ended" | "unknown";

/**
 * The events of resumable replies, decoupled from the connections that read them: one writer (the instance that
 * generates a reply) appends, any number of readers replay and follow, and a stop requested anywhere reaches the
 * writer. In memory for one process (`createMemoryReplyLog`), or in Redis for many.
 */
export interface ReplyLog {
  /** Starts the log of a new reply, owned by `owner` (the API key's client id) when the server has keys. */
  open(messageId: string, owner?: string): Promise<void>;
  /** Appends the reply's next event; its id must be the last one plus one. */
  append(messageId: string, event: LoggedEvent): Promise<void>;
  /** Marks the reply ended (its terminal event is appended) and keeps its events readable for `retentionMs`. */
  close(messageId: string, retentionMs: number): Promise<void>;
  /** Where the reply stands; `undefined` when it is unknown or expired. */
  status(messageId: string): Promise<ReplyLogStatus | undefined>;
  /**
   * The events after `afterId`, then the live ones as they are appended, ending after the terminal event, or when
   * `signal` aborts. While iterated, the reply counts as read (see {@link lastReadAt}). Nothing for an unknown reply.
   */
  follow(messageId: string, afterId: number, signal: AbortSignal): AsyncIterable<LoggedEvent>;
  /** When someone last read the reply: now while a reader follows it. */
  lastReadAt(messageId: string): Promise<number>;
  /**
   * Asks whoever generates the reply to stop it. With `caller`, a reply it does not own (see {@link isOwnedBy}) is
   * `unknown`, exactly as one that does not exist.
   */
  requestStop(messageId: string, caller?: string): Promise<StopOutcome>;
  /** Calls `onStop` once a stop is requested for the reply (at once if one already was); returns a function to stop watching. */
  watchStop(messageId: string, onStop: () => void): () => void;
}
