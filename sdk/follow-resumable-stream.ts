import { ChatSdkError } from "./errors.js";
import type { EventStreamResponse } from "./open-event-stream.js";
import { parseEventStream } from "./parse-event-stream.js";
import type { StreamEvent } from "./types.js";

/**
 * How a resumable stream reconnects after its connection drops. The defaults ride out a restarting proxy or a
 * network change (4 to 8 s of waiting in all) without hammering a server that is down.
 *
 * @example
 * const client = createChatClient({ reconnect: { maxAttempts: 10, maxDelayMs: 10_000 } });
 */
export interface ReconnectOptions {
  /** Attempts in a row that may fail before the stream throws `stream_interrupted`; an event received resets the count. Default 5; 0 turns reconnecting off. */
  maxAttempts?: number;
  /** Wait before the first attempt, in ms; it doubles with each failed attempt, and a random part of it is taken off. Default 250. */
  initialDelayMs?: number;
  /** The longest wait between attempts, in ms. Default 4000. */
  maxDelayMs?: number;
}

const DEFAULT_RECONNECT: Required<ReconnectOptions> = { maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 4_000 };

/** The next connection to a reply's events: an open stream, or (a 204) the server's word that the reader has them all. */
export type ReplyConnection = EventStreamResponse | "no_more_events";

/** Options of {@link followResumableStream}. */
export interface FollowResumableStreamOptions {
  messageId: string;
  /** Opens the reply's events after `lastEventId` (all of them when undefined); throws a {@link ChatSdkError} when refused. */
  resume: (lastEventId: string | undefined) => Promise<ReplyConnection>;
  /** The id of the last event the caller already had before this stream (`resumeMessage`'s `lastEventId`). */
  lastEventId?: string | undefined;
  signal?: AbortSignal | undefined;
  reconnect?: ReconnectOptions | undefined;
}

/** Equal jitter: at least half the doubled delay, so attempts stay spaced out, plus a random half, so clients cut off together do not come back together. */
function reconnectDelayMs(attempt: number, { initialDelayMs, maxDelayMs }: Required<ReconnectOptions>): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Whether another attempt may succeed: the network, a server error, or an answer that was not a stream may be passing. */
function isWorthRetrying(error: ChatSdkError): boolean {
  return (
    error.type === "network_error" ||
    (error.type === "http_error" && (error.status === undefined || error.status === 200 || error.status === 429 || error.status >= 500))
  );
}

/** Ids are whole numbers that increase within a reply; an event without a numeric id cannot be placed, so it is kept. */
function isAtOrBefore(id: string, lastId: string | undefined): boolean {
  return lastId !== undefined && /^\d+$/.test(id) && /^\d+$/.test(lastId) && Number(id) <= Number(lastId);
}

/**
 * Reads a resumable reply's events from `first`, and whenever the connection drops before the terminal event
 * (`stream_interrupted` from {@link parseEventStream}), waits and resumes after the last event it yielded, skipping
 * any event it already yielded: the caller sees one sequence with no gap and no repeat. Gives up with
 * `stream_interrupted` when the server no longer knows the reply (404), when it says the reply ended without a
 * terminal event, or after `maxAttempts` failed attempts in a row. The caller's abort is rethrown as is.
 */
export async function* followResumableStream(first: ReplyConnection, options: FollowResumableStreamOptions): AsyncGenerator<StreamEvent, void, undefined> {
  const { messageId, signal } = options;
  const reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  // Tracked here, not read from the parser: an event without an `id:` field arrives with an empty id.
  let lastId = options.lastEventId;
  let yieldedAny = false;
  let partialContent = "";
  let requestId: string | undefined;
  let failedAttempts = 0;
  let lastFailure: unknown;
  let connection: ReplyConnection | undefined = first;

  const interrupted = (reason: string, cause: unknown) =>
    new ChatSdkError("stream_interrupted", `The stream of reply ${messageId} broke and could not be resumed: ${reason}`, {
      cause,
      partialContent,
      requestId: cause instanceof ChatSdkError ? (cause.requestId ?? requestId) : requestId,
      ...(cause instanceof ChatSdkError && cause.type === "http_error" ? { status: cause.status, body: cause.body } : {}),
    });

  for (;;) {
    if (connection === undefined) {
      if (failedAttempts >= reconnect.maxAttempts) {
        const detail = lastFailure instanceof Error ? ` (last: ${lastFailure.message})` : "";
        throw interrupted(`${failedAttempts} attempts in a row failed${detail}.`, lastFailure);
      }
      failedAttempts += 1;
      await sleep(reconnectDelayMs(failedAttempts, reconnect), signal);
      try {
        connection = await options.resume(lastId);
      } catch (error) {
        if (signal?.aborted || !(error instanceof ChatSdkError)) throw error;
        if (!isWorthRetrying(error)) throw interrupted(`the server refused to resume it (${error.message}).`, error);
        lastFailure = error;
        continue;
      }
    }
    if (connection === "no_more_events") {
      // The server answers 204 only for a reply that ended. The caller's own lastEventId is trusted to be that end;
      // an event this stream yielded was not (it would have returned), so the terminal event never came.
      if (!yieldedAny && options.lastEventId !== undefined) return;
      throw interrupted("the reply ended without a complete or error event reaching this client.", lastFailure);
    }
    const { body } = connection;
    requestId = connection.requestId ?? requestId;
    connection = undefined;
    try {
      for await (const event of parseEventStream(body, { signal, requestId })) {
        if (isAtOrBefore(event.id, lastId)) continue;
        if (event.id !== "") lastId = event.id;
        if (event.type === "token") partialContent += event.data.content;
        yieldedAny = true;
        failedAttempts = 0;
        yield event;
        if (event.type === "complete" || event.type === "error") return;
      }
      // The parser ends quietly only after a terminal event; here one that repeated an id already yielded.
      return;
    } catch (error) {
      if (signal?.aborted || !(error instanceof ChatSdkError)) throw error;
      // The parser knows only this connection's text; the caller has been handed more.
      if (error.type !== "stream_interrupted") throw new ChatSdkError(error.type, error.message, { cause: error.cause, requestId, partialContent });
      lastFailure = error;
    }
  }
}
