/**
 * Entry point: the only place that reads `process.env`. It runs the cluster primary (`SERVER_WORKERS` > 1), which
 * forks workers that run this file again, or the server itself; `start-server.ts` owns `listen()` and shutdown.
 */
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApiKeysError, type ApiKeyEntry } from "./auth/parse-api-keys.js";
import { readApiKeys } from "./auth/read-api-keys.js";
import { checkMetricsToken } from "./auth/require-metrics-token.js";
import { findMissingProviderPackage } from "./chat/langchain-providers.js";
import { runClusterPrimary } from "./cluster/run-cluster-primary.js";
import { ConfigError, listSecrets, loadConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./start-server.js";

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

/** The API keys, checked before anything starts: a cluster would otherwise restart workers that cannot start. */
function readKeys(config: Config): ApiKeyEntry[] {
  try {
    checkMetricsToken(config.metricsToken);
    return readApiKeys(config);
  } catch (error) {
    if (error instanceof ApiKeysError) {
      console.error(`Invalid configuration:\n  - ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const apiKeys = readKeys(config);
// Before anything listens or forks: a missing provider package is a configuration error, not a failure per reply.
const missingPackage = await findMissingProviderPackage(config.model);
if (missingPackage) {
  console.error(`Invalid configuration:\n  - ${missingPackage}`);
  process.exit(1);
}
const logger = createLogger(config.logLevel, undefined, { secrets: listSecrets(config) });
// One Node process relays about 4,000 tokens/s on one core; workers use the others (ADR-7). The primary only
// forks, supervises and aggregates; with SERVER_WORKERS=1 this process is the server.
// Built by `npm start`, `npm run build` or `npm run build:web`; without it the server is the API alone. This file is
// server/main.ts under tsx and dist/server/main.js compiled: either way the UI is dist/web.
const webRoot = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../dist/web" : "../web", import.meta.url));
const hasWebApp = existsSync(`${webRoot}/index.html`);
if (!hasWebApp && cluster.isPrimary) logger.warn("The web UI is not built, so only the API is served. Run `npm start` or `npm run build:web` to build it.");
if (config.workers > 1 && cluster.isPrimary) runClusterPrimary(config, logger, apiKeys.length);
else void startServer(config, logger, { webRoot: hasWebApp ? webRoot : undefined, apiKeys });
