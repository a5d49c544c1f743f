import cluster from "node:cluster";
import { createApp } from "./app.js";
import { createApiKeyRing, type ApiKeyRing } from "./auth/api-key-ring.js";
import { logAuthSetup } from "./auth/log-auth-setup.js";
import type { ApiKeyEntry } from "./auth/parse-api-keys.js";
import { isAuthConfigured, readApiKeys } from "./auth/read-api-keys.js";
import { reloadApiKeys } from "./auth/reload-api-keys.js";
import { createChatModel } from "./chat/create-chat-model.js";
import type { ChatModelHandle } from "./chat/model-info.js";
import { isClusterMessage, type DrainingMessage } from "./cluster/cluster-messages.js";
import { createWorkerMetricsSource } from "./cluster/cluster-metrics.js";
import { createClusterReadiness } from "./cluster/cluster-readiness.js";
import { createPrimaryReplySlots } from "./cluster/reply-slots.js";
import type { Config } from "./config.js";
import { createHttpServer } from "./http/create-http-server.js";
import { exitAfterFlushingLogs, type Logger } from "./logger.js";
import { createReplyLog, type OwnedReplyLog } from "./replies/reply-log/create-reply-log.js";
import { createReplyRegistry } from "./replies/reply-registry.js";

/** After the grace period, how long ending replies (writing their error event) may take before we stop waiting. */
export const SHUTDOWN_HARD_STOP_MS = 5_000;

/**
 * Runs the HTTP server in this process: alone (`SERVER_WORKERS=1`), or as one cluster worker sharing the port. A
 * worker differs in three ways only: the primary logs "Listening" and "shutting down" for the whole server (so the
 * workers log "worker listening" and "worker draining"), `/metrics` answers for every worker, and the primary's
 * shutdown message or the primary's death drains it as a signal would. With `webRoot`, it also serves the built UI.
 * `apiKeys` are the keys `main.ts` read (and checked) at startup; SIGHUP, or the primary's message, re-reads them.
 */
export async function startServer(
  config: Config,
  baseLogger: Logger,
  { webRoot, apiKeys }: { webRoot?: string; apiKeys?: readonly ApiKeyEntry[] } = {},
): Promise<void> {
  const worker = cluster.isWorker ? cluster.worker : undefined;
  const logger = worker ? baseLogger.child({ worker: worker.id }) : baseLogger;
  let replyLog: OwnedReplyLog;
  let keyRing: ApiKeyRing | undefined;
  let chat: ChatModelHandle;
  try {
    keyRing = isAuthConfigured(config) ? createApiKeyRing(apiKeys ?? readApiKeys(config)) : undefined;
    chat = await createChatModel(config);
    replyLog = await createReplyLog(config, logger);
  } catch (error) {
    // One clear line and a clean exit: a process manager's restarts should not fill the log with stack traces.
    logger.fatal(error instanceof Error ? error.message : String(error));
    return exitAfterFlushingLogs(logger, 1);
  }
  // In a cluster the primary counts every worker's replies, so the limit is the whole server's.
  const replies = createReplyRegistry({ maxConcurrent: config.maxConcurrentStreams, ...(worker ? { slots: createPrimaryReplySlots() } : {}) });
  let shuttingDown = false;
  const clusterReadiness = worker ? createClusterReadiness() : undefined;
  // Read at every probe: a worker asks the primary whether its siblings listen and whether a shutdown began.
  const readiness = async () => {
    const [cluster_, redis] = await Promise.all([clusterReadiness?.(), replyLog.health()]);
    return {
      workersListening: cluster_ ? cluster_.allListening : server.listening,
      redis,
      shuttingDown: shuttingDown || (cluster_?.shuttingDown ?? false),
    };
  };
  const app = createApp({
    config,
    chat,
    logger,
    replies,
    replyLog: replyLog.log,
    redis: replyLog.redis,
    readiness,
    webRoot,
    apiKeys: keyRing,
    ...(worker ? { metricsSource: (metrics) => createWorkerMetricsSource(metrics.registry) } : {}),
  });

  const server = createHttpServer(app, config.http, logger);
  server.listen(config.port, config.host ?? "", () => {
    if (worker) return void logger.info({ pid: process.pid }, "worker listening");
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    // Before "Listening": whoever waits for that line (a test, a person) has the warnings about access by then.
    logAuthSetup(logger, config, keyRing?.size ?? 0);
    logger.info({ port, model: chat.info, replyStore: replyLog.store }, `Listening on http://localhost:${port}`);
    if (chat.info.demo) logger.warn(DEMO_WARNING);
  });
  server.on("error", (error) => {
    // Once listening, an error is one failed accept (EMFILE when file descriptors run out): the server goes on.
    if (server.listening) return void logger.error({ err: error }, "accepting a connection failed");
    logger.fatal({ err: error }, `Cannot listen on port ${config.port}`);
    exitAfterFlushingLogs(logger, 1);
  });

  /**
   * Graceful shutdown: stop accepting connections, let running replies finish for SHUTDOWN_GRACE_MS, then end each
   * with a retryable `server_shutdown` error carrying its partial text, and exit 0 once every response has closed.
   */
  async function shutDown(reason: string): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    // Not unref()-ed: whatever else happens (a shutdown step that throws, a log destination that blocks), this ends it.
    setTimeout(() => {
      logger.warn({ activeReplies: replies.active }, "replies still open after the grace period and hard stop; closing them");
      server.closeAllConnections();
      exitAfterFlushingLogs(logger, 0);
    }, config.shutdownGraceMs + SHUTDOWN_HARD_STOP_MS);
    const details = { signal: reason, activeReplies: replies.active, graceMs: config.shutdownGraceMs };
    const closeListener = () => {
      server.close();
      server.closeIdleConnections();
      if (worker) {
        // Sent after close(): the primary handles our listener's removal first (same channel, in order), so when it
        // logs "shutting down" no new connection can reach this worker.
        if (process.connected) process.send!({ type: "chat:draining", activeReplies: replies.active } satisfies DrainingMessage);
        logger.info(details, "worker draining");
      } else logger.info(details, "shutting down: no new requests; letting running replies finish");
    };
    // From now on /readyz answers 503 and new replies get server_shutdown; the listener stays open for
    // SHUTDOWN_READINESS_DELAY_MS (within the grace period) so a load balancer sees 503s before refused connections.
    const delay = Math.min(config.shutdownReadinessDelayMs, config.shutdownGraceMs);
    if (delay > 0) setTimeout(closeListener, delay);
    else closeListener();
    await replies.shutDown(config.shutdownGraceMs);
    await replyLog.close();
    server.closeAllConnections();
    logger.info("all replies ended; exiting");
    exitAfterFlushingLogs(logger, 0);
  }
  // A second signal means "now": no more waiting. Only signals count: in a terminal, Ctrl-C reaches a worker both
  // directly (same process group) and as the primary's shutdown message, and that is still one request to stop.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => (++signals > 1 ? process.exit(1) : void shutDown(signal));
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  if (keyRing && config.apiKeysFile !== undefined) {
    const ring = keyRing;
    // Swapping the ring touches no connection: running streams go on, new requests meet the new keys.
    process.on("SIGHUP", () => reloadApiKeys(config, ring, logger));
    process.on("message", (message) => {
      if (isClusterMessage(message, "chat:reload-api-keys")) reloadApiKeys(config, ring, logger);
    });
  }
  if (worker) {
    process.on("message", (message) => {
      if (isClusterMessage(message, "chat:shutdown")) void shutDown(message.signal);
    });
    // The primary is gone (killed): nobody would ever tell this worker to stop, and it would hold the port.
    process.once("disconnect", () => void shutDown("primary-exited"));
  }
}

export const DEMO_WARNING =
  "Using the built-in DEMO model: replies are canned, not from an LLM. To use a real model, set OPENAI_API_KEY " +
  "(OpenAI) or OPENAI_BASE_URL and OPENAI_MODEL (any OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama) and restart.";
