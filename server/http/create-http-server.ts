import { createServer, type RequestListener, type Server } from "node:http";
import type { HttpServerConfig } from "../config.js";
import type { Logger } from "../logger.js";

/** At most one "connection limit reached" line this often, however many connections are dropped meanwhile. */
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * How often Node looks for requests past their headers or request deadline. Its default (30 s) would let a connection
 * outlive a 10 s headers timeout by up to 30 s; a tenth of the shortest deadline keeps the overshoot small, and one
 * sweep costs a walk over the connections still receiving a request, not over every open one.
 */
function checkingIntervalFor({ headersTimeoutMs, requestTimeoutMs }: HttpServerConfig): number {
  return Math.min(1_000, Math.max(50, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 10)));
}

/**
 * The one HTTP server of this process, with every limit a client could otherwise stretch set on purpose:
 *
 * - `headersTimeout`: a client that opens a connection (or starts a request on a kept-alive one) and dribbles its
 *   headers, or sends nothing, is answered 408 and closed (slowloris).
 * - `requestTimeout`: the same for the whole request, body included. Node stops counting once the request is
 *   received, so a streamed reply is never cut by it, however long it runs.
 * - `keepAliveTimeout`: an idle kept-alive connection is closed after it.
 * - `maxHeaderSize`: a request line and headers larger than this get 431 and are closed.
 * - `maxConnections`: connections beyond it are closed as soon as they are accepted, so a flood cannot exhaust this
 *   process's file descriptors (which the model provider's and Redis's connections need too). Per process: with
 *   `SERVER_WORKERS` > 1, each worker has its own.
 */
export function createHttpServer(app: RequestListener, limits: HttpServerConfig, logger: Logger): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      connectionsCheckingInterval: checkingIntervalFor(limits),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  // A flood would otherwise write one line per refused connection: the log would be the next thing to fill up.
  let dropped = 0;
  let lastLoggedAt = -Infinity;
  server.on("drop", () => {
    dropped += 1;
    const now = performance.now();
    if (now - lastLoggedAt < DROP_LOG_INTERVAL_MS) return;
    logger.warn({ maxConnections: limits.maxConnections, droppedSinceLastLine: dropped }, "connection limit reached: closing new connections");
    lastLoggedAt = now;
    dropped = 0;
  });
  return server;
}
