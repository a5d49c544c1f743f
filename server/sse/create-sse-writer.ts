import type { ServerResponse } from "node:http";
import type { StreamEventName, StreamEventPayloads } from "../../contract/index.js";
import type { LoggedEvent } from "../replies/reply-log/reply-log.js";
import { formatSerializedSseFrame, formatSseComment, formatSseFrame } from "./format-sse-frame.js";
import { SSE_HEADERS } from "./sse-headers.js";

/** Writes the contract's events to one response. */
export interface SseWriter {
  /** Writes one event with the next id. Resolves once the socket can take more, so a slow reader slows the producer. */
  send<Name extends StreamEventName>(event: Name, data: StreamEventPayloads[Name]): Promise<void>;
  /** Writes an event exactly as a reply log kept it, with its own id. Same backpressure as `send`. */
  sendLogged(event: LoggedEvent): Promise<void>;
  /** True once the client is gone or the stream was ended; later sends are dropped. */
  readonly closed: boolean;
  /** Stops the heartbeat and ends the response. Safe to call more than once. */
  end(): void;
}

const WRITTEN: Promise<void> = Promise.resolve();

/** Resolves when the socket drains or closes; a client that reads nothing for `stallTimeoutMs` is disconnected. */
function waitForDrainOrClose(res: ServerResponse, stallTimeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(stalled);
      res.off("drain", settle);
      res.off("close", settle);
      resolve();
    };
    // Destroying closes the response, which aborts the model call: a stuck reader must not hold a provider connection.
    const stalled = setTimeout(() => res.destroy(), stallTimeoutMs);
    res.on("drain", settle);
    res.on("close", settle);
  });
}

/** Options of {@link createSseWriter}. */
export interface SseWriterOptions {
  /** Headers besides the SSE ones (e.g. `X-Message-Id`), sent with the status at once. */
  headers?: Record<string, string>;
  /** Interval of `: heartbeat` comments. */
  heartbeatMs: number;
  /** How long a full socket buffer may stay full before the client is considered gone. */
  stallTimeoutMs: number;
}

/**
 * Starts an SSE response: writes the headers at once (so the client sees 200 before the model's first
 * token), then sends a comment every `heartbeatMs` so idle proxies keep the connection open. Event ids start at 1
 * and increase by one per event.
 */
export function createSseWriter(
  res: ServerResponse,
  { heartbeatMs, stallTimeoutMs, headers, status = 200 }: SseWriterOptions & { status?: number },
): SseWriter {
  let nextId = 1;
  let ended = false;
  const isClosed = () => ended || res.destroyed || res.writableEnded;

  res.writeHead(status, headers ? { ...SSE_HEADERS, ...headers } : SSE_HEADERS);
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  const heartbeat = setInterval(() => {
    if (!isClosed()) res.write(formatSseComment("heartbeat"));
  }, heartbeatMs);
  heartbeat.unref();
  res.once("close", () => clearInterval(heartbeat));

  // Not async: a frame the socket took at once answers the one settled promise, not a new one per token.
  const write = (frame: string): Promise<void> => {
    if (isClosed() || res.write(frame)) return WRITTEN;
    // The kernel buffer is full: wait until it drains or the client goes away, instead of queueing in memory.
    return waitForDrainOrClose(res, stallTimeoutMs);
  };

  return {
    get closed() {
      return isClosed();
    },
    send(event, data) {
      return write(formatSseFrame({ event, id: nextId++, data }));
    },
    sendLogged({ event, id, data }) {
      return write(formatSerializedSseFrame(event, id, data));
    },
    end() {
      clearInterval(heartbeat);
      if (ended) return;
      ended = true;
      if (!res.writableEnded) res.end();
    },
  };
}
