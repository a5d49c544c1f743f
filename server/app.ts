import express, { Router, type Express } from "express";
import { createApiKeyRing, type ApiKeyRing } from "./auth/api-key-ring.js";
import { identifyByAddress, parseTrustProxy } from "./auth/identify-by-address.js";
import { isAuthConfigured, readApiKeys } from "./auth/read-api-keys.js";
import { requireApiKey } from "./auth/require-api-key.js";
import { requireMetricsToken } from "./auth/require-metrics-token.js";
import type { ChatModelHandle } from "./chat/model-info.js";
import type { Config } from "./config.js";
import { handleErrors, respondNotFound } from "./http/handle-errors.js";
import { allowCors } from "./http/allow-cors.js";
import { assignRequestContext } from "./http/request-context.js";
import { serveWebApp } from "./http/serve-web-app.js";
import { setSecurityHeaders } from "./http/set-security-headers.js";
import type { Logger } from "./logger.js";
import { createLimits } from "./limits/create-limits.js";
import { createMetrics, type Metrics } from "./observability/create-metrics.js";
import { createMemoryReplyLog } from "./replies/reply-log/create-memory-reply-log.js";
import type { RedisClient } from "./replies/reply-log/connect-redis.js";
import type { ReplyLog } from "./replies/reply-log/reply-log.js";
import type { ReplyRegistry } from "./replies/reply-registry.js";
import { mountOperations } from "./operations/mount-operations.js";
import { createGetHealthOperation } from "./routes/get-health.js";
import { createGetLivenessOperation } from "./routes/get-liveness.js";
import { createGetReadinessOperation, type ReadinessChecks } from "./routes/get-readiness.js";
import { createGetMetricsOperation } from "./routes/get-metrics.js";
import { createResumeMessageOperation } from "./routes/resume-message.js";
import { createSendMessageOperation } from "./routes/send-message.js";
import { createStopMessageOperation } from "./routes/stop-message.js";
import { createSchemaValidator } from "./validation/create-schema-validator.js";

export interface AppDeps {
  config: Pick<
    Config,
    | "heartbeatMs"
    | "clientStallTimeoutMs"
    | "maxBodyBytes"
    | "logContent"
    | "corsOrigins"
    | "replyRetentionMs"
    | "replyMaxDetachedMs"
    | "apiKeys"
    | "apiKeysFile"
    | "metricsToken"
    | "trustProxy"
    | "rateLimits"
    | "authFailuresPerMinute"
  >;
  chat: ChatModelHandle;
  logger: Logger;
  /** Admits and tracks replies; `start-server.ts` keeps it to end them on shutdown. */
  replies: ReplyRegistry;
  /** Where resumable replies' events live; by default this process's memory. */
  replyLog?: ReplyLog;
  /** The reply log's Redis connection, if any: the rate limits count there, shared by every instance. */
  redis?: RedisClient;
  /**
   * Given the app's own metrics, returns what `/metrics` serves; by default that registry. Cluster workers pass the
   * aggregate of every worker.
   */
  metricsSource?: (metrics: Metrics) => () => Promise<string>;
  /** What `/readyz` reports; by default ready (an app in a test has nothing to wait for). */
  readiness?: ReadinessChecks;
  /** The built UI (`dist/web`) to serve at `/`; without it the app is the API alone. */
  webRoot?: string;
  /**
   * The API keys accepted now, when `API_KEYS` or `API_KEYS_FILE` is set; `start-server.ts` keeps the ring to re-read
   * the file on SIGHUP. By default read once from the config.
   */
  apiKeys?: ApiKeyRing;
}

const alwaysReady: ReadinessChecks = async () => ({ workersListening: true, redis: "not_configured", shuttingDown: false });

/**
 * Builds the Express app from its dependencies. It reads no environment (`main.ts` does) and opens no port
 * (`start-server.ts` does), so tests build it with their own config, model and logger.
 */
export function createApp({
  config,
  chat,
  logger,
  replies,
  replyLog = createMemoryReplyLog(),
  redis,
  metricsSource,
  readiness = alwaysReady,
  webRoot,
  apiKeys,
}: AppDeps): Express & { metrics: Metrics } {
  const authConfigured = isAuthConfigured(config);
  const keys = authConfigured ? (apiKeys ?? createApiKeyRing(readApiKeys(config))) : undefined;
  const metrics = createMetrics({ activeReplies: () => replies.active });
  const limits = createLimits({ config, redis, logger, metrics });
  const app = express();
  app.disable("x-powered-by");
  // Replies are never the same twice, so an ETag only costs a hash of every body.
  app.set("etag", false);
  app.set("trust proxy", parseTrustProxy(config.trustProxy));
  app.use(setSecurityHeaders);
  app.use(assignRequestContext(logger));
  app.use(allowCors(config.corsOrigins));
  app.use(identifyByAddress);
  // Before authentication: an address that keeps failing is refused before its key is even looked at.
  app.use(limits.authFailures);
  // Every operation of the spec, at the method and path the spec gives it, answered only as the spec documents.
  const api = Router();
  mountOperations(
    api,
    {
      sendMessage: createSendMessageOperation({ config, chat, replies, replyLog, metrics, limits: limits.clients, owned: authConfigured }),
      resumeMessage: createResumeMessageOperation({ config, replyLog, owned: authConfigured }),
      stopMessage: createStopMessageOperation({ replyLog, owned: authConfigured }),
      getHealth: createGetHealthOperation(chat.info, authConfigured ? "api_keys" : "none"),
      getMetrics: createGetMetricsOperation(metrics, metricsSource?.(metrics)),
      getLiveness: createGetLivenessOperation(),
      getReadiness: createGetReadinessOperation(readiness),
    },
    createSchemaValidator(),
    // The spec says which operations need which (its `security`), so a new operation is protected by default.
    { apiKey: requireApiKey(keys), metricsToken: requireMetricsToken({ token: config.metricsToken, authConfigured }) },
  );
  app.use(api);
  if (webRoot) app.use(serveWebApp(webRoot));
  app.use(respondNotFound);
  app.use(handleErrors);
  return Object.assign(app, { metrics });
}
