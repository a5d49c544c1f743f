import type { Logger } from "../logger.js";
import type { ApiKeyRing } from "./api-key-ring.js";
import { readApiKeys, type ApiKeysConfig } from "./read-api-keys.js";

/**
 * Re-reads the keys (on SIGHUP) and swaps them in: requests and streams already running are not touched, new ones
 * are checked against the new list. A file that cannot be read or parsed changes nothing: the previous keys stay,
 * and one error line says why (never the key), so a typo cannot lock every client out.
 */
export function reloadApiKeys(config: ApiKeysConfig, ring: ApiKeyRing, logger: Logger): void {
  try {
    const entries = readApiKeys(config);
    ring.replace(entries);
    logger.info({ apiKeys: entries.length, apiKeysFile: config.apiKeysFile }, "API keys reloaded");
  } catch (error) {
    logger.error(
      { apiKeys: ring.size, apiKeysFile: config.apiKeysFile },
      `API keys NOT reloaded, keeping the previous ones: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
