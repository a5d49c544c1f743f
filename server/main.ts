/** Entry point: the only place that reads `process.env` and opens a port. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createApp } from "./app.js";
import { createChatModel } from "./chat/create-chat-model.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import { createReplyRegistry } from "./replies/reply-registry.js";

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const logger = createLogger(config.logLevel);
const chat = createChatModel(config);
const replies = createReplyRegistry({ maxConcurrent: config.maxConcurrentStreams });
// Built by `npm start` (scripts/start.ts) or `npm run build:web`; without it the server is the API alone.
const webRoot = fileURLToPath(new URL("../dist/web", import.meta.url));
const hasWebApp = existsSync(`${webRoot}/index.html`);
if (!hasWebApp) logger.warn("The web UI is not built, so only the API is served. Run `npm start` or `npm run build:web` to build it.");
const app = createApp({ config, chat, logger, replies, webRoot: hasWebApp ? webRoot : undefined });

const server = app.listen(config.port, config.host ?? "", (error?: Error) => {
  // Express 5 hands listen errors (EADDRINUSE) to this callback; the "error" handler below reports them.
  if (error) return;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info({ port, model: chat.info }, `Listening on http://localhost:${port}`);
  if (chat.info.demo) {
    logger.warn(
      "Using the built-in DEMO model: replies are canned, not from an LLM. To use a real model, set OPENAI_API_KEY " +
        "(OpenAI) or OPENAI_BASE_URL and OPENAI_MODEL (any OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama) and restart.",
    );
  }
});
server.on("error", (error) => {
  logger.fatal({ err: error }, `Cannot listen on port ${config.port}`);
  process.exit(1);
});

/**
 * Graceful shutdown: stop accepting connections, let running replies finish for SHUTDOWN_GRACE_MS, then end each
 * with a retryable `server_shutdown` error carrying its partial text, and exit 0 once every response has closed.
 */
/** After the grace period, how long ending replies (writing their error event) may take before we stop waiting. */
const SHUTDOWN_HARD_STOP_MS = 5_000;

async function shutDown(signal: string): Promise<void> {
  // A second signal means "now": no more waiting.
  process.once("SIGTERM", () => process.exit(1));
  process.once("SIGINT", () => process.exit(1));
  setTimeout(() => {
    logger.warn({ activeReplies: replies.active }, "replies still open after the grace period and hard stop; closing them");
    server.closeAllConnections();
    process.exit(0);
  }, config.shutdownGraceMs + SHUTDOWN_HARD_STOP_MS).unref();
  server.close();
  server.closeIdleConnections();
  logger.info({ signal, activeReplies: replies.active, graceMs: config.shutdownGraceMs }, "shutting down: no new requests; letting running replies finish");
  await replies.shutDown(config.shutdownGraceMs);
  server.closeAllConnections();
  logger.info("all replies ended; exiting");
  process.exit(0);
}
process.once("SIGTERM", () => void shutDown("SIGTERM"));
process.once("SIGINT", () => void shutDown("SIGINT"));
