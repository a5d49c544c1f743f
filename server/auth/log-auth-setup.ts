import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { isAuthConfigured } from "./read-api-keys.js";

/**
 * The startup log's lines about who may use the server: loud when anyone can (the model budget is open to whoever
 * reaches the port), and when `/metrics` is closed for want of a token. Never a key: only how many.
 */
export function logAuthSetup(logger: Logger, config: Pick<Config, "apiKeys" | "apiKeysFile" | "metricsToken">, keyCount: number): void {
  if (!isAuthConfigured(config)) {
    logger.warn(
      "No API keys (API_KEYS, API_KEYS_FILE): ANYONE who can reach this server can use it and spend the model budget. " +
        "Set API_KEYS_FILE before exposing it beyond this machine.",
    );
    return;
  }
  logger.info({ apiKeys: keyCount, apiKeysFile: config.apiKeysFile }, "API keys required (Authorization: Bearer <key>)");
  if (config.metricsToken === undefined) logger.warn("/metrics answers 401 to everyone: set METRICS_TOKEN to let Prometheus scrape it.");
}
