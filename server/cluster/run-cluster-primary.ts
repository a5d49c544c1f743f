import { fileURLToPath } from "node:url";
import cluster, { type Worker } from "node:cluster";
import { logAuthSetup } from "../auth/log-auth-setup.js";
import type { Config } from "../config.js";
import { exitAfterFlushingLogs, type Logger } from "../logger.js";
import { DEMO_WARNING, SHUTDOWN_HARD_STOP_MS } from "../start-server.js";
import { isClusterMessage, type ReloadApiKeysMessage, type ShutdownMessage } from "./cluster-messages.js";
import { serveClusterMetrics } from "./cluster-metrics.js";
import { serveClusterReadiness } from "./cluster-readiness.js";
import { serveReplySlots } from "./reply-slots.js";

/** Beyond the workers' own hard stop: how long the primary waits before it kills what is left. */
const PRIMARY_EXTRA_STOP_MS = 2_000;

/**
 * The cluster primary: forks `config.workers` workers that share the port (Node's round-robin hands each new
 * connection to the next worker), and serves nothing itself. It logs for the whole server, so operators read one
 * "Listening" and one "shutting down" line as with a single process, aggregates `/metrics`, replaces a worker that
 * crashes, on SIGHUP tells every worker to re-read `API_KEYS_FILE`, and on SIGTERM/SIGINT tells every worker to drain,
 * then exits 0 once all have (1 if one failed). `apiKeyCount` is for the startup log.
 */
export function runClusterPrimary(config: Config, logger: Logger, apiKeyCount: number): void {
  serveClusterMetrics();
  serveReplySlots(config.maxConcurrentStreams);
  let listening = 0;
  /** Workers listening now: a crashed one leaves, its replacement joins once it listens. */
  const listeningWorkers = new Set<number>();
  let shutdownSignal: string | undefined;
  serveClusterReadiness({ allListening: () => listeningWorkers.size === config.workers, shuttingDown: () => shutdownSignal !== undefined });
  let failedExits = 0;
  const draining = new Map<number, number>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once("listening", ({ port }) => {
      listening += 1;
      listeningWorkers.add(worker.id);
      if (listening === config.workers) {
        const demo = config.model.provider === "demo";
        const model = { provider: config.model.provider, name: config.model.name, demo };
        logger.info(
          { port, model, workers: config.workers, maxConcurrentStreams: config.maxConcurrentStreams, replyStore: "redis" },
          `Listening on http://localhost:${port}`,
        );
        if (demo) logger.warn(DEMO_WARNING);
        logAuthSetup(logger, config, apiKeyCount);
      }
    });
    worker.on("message", (message) => {
      if (!isClusterMessage(message, "chat:draining")) return;
      draining.set(worker.id, message.activeReplies);
      if (shutdownSignal !== undefined && draining.size === Object.keys(cluster.workers ?? {}).length) {
        const activeReplies = [...draining.values()].reduce((sum, count) => sum + count, 0);
        logger.info(
          { signal: shutdownSignal, activeReplies, graceMs: config.shutdownGraceMs, workers: draining.size },
          "shutting down: no new requests; letting running replies finish",
        );
      }
    });
    return worker;
  };

  cluster.on("exit", (worker, code, signal) => {
    listeningWorkers.delete(worker.id);
    const clean = code === 0 && signal === null;
    // Only a failed drain makes the exit code 1; a crash earlier was handled by its replacement.
    if (!clean && shutdownSignal !== undefined) failedExits += 1;
    if (shutdownSignal === undefined && !clean) {
      // A crash (not a drain the worker chose, e.g. its own SIGTERM): keep the server at full size.
      logger.error({ worker: worker.id, code, signal }, "worker died; starting a replacement");
      fork();
      return;
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info({ failedExits }, "all workers exited; exiting");
      exitAfterFlushingLogs(logger, failedExits === 0 ? 0 : 1);
    }
  });

  const shutDown = (signal: string) => {
    if (shutdownSignal !== undefined) {
      // A second signal means "now".
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      process.exit(1);
    }
    shutdownSignal = signal;
    setTimeout(
      () => {
        logger.warn({ workers: Object.keys(cluster.workers ?? {}).length }, "workers still running after their hard stop; killing them");
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
        exitAfterFlushingLogs(logger, 1);
      },
      // Not unref()-ed: this is what guarantees the primary ends, whatever its workers or its stdout do.
      config.shutdownGraceMs + SHUTDOWN_HARD_STOP_MS + PRIMARY_EXTRA_STOP_MS,
    );
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected()) worker.send({ type: "chat:shutdown", signal } satisfies ShutdownMessage);
    }
  };
  process.on("SIGTERM", () => shutDown("SIGTERM"));
  process.on("SIGINT", () => shutDown("SIGINT"));
  // Only with a key file: otherwise SIGHUP keeps its default meaning (the terminal is gone: end).
  if (config.apiKeysFile !== undefined) {
    process.on("SIGHUP", () => {
      logger.info({ workers: Object.keys(cluster.workers ?? {}).length }, "SIGHUP: every worker re-reads API_KEYS_FILE");
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker?.isConnected()) worker.send({ type: "chat:reload-api-keys" } satisfies ReloadApiKeysMessage);
      }
    });
  }

  // Workers run the server entry itself, whatever started the primary (`npm start` runs scripts/start.mjs, which
  // builds the UI first: the workers must not each check that again).
  cluster.setupPrimary({ exec: fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../main.ts" : "../main.js", import.meta.url)) });
  for (let index = 0; index < config.workers; index++) fork();
}
