import { readFileSync } from "node:fs";
import type { Config } from "../config.js";
import { ApiKeysError, parseApiKeysFile, parseInlineApiKeys, type ApiKeyEntry } from "./parse-api-keys.js";

export type ApiKeysConfig = Pick<Config, "apiKeys" | "apiKeysFile">;

/** Whether the server asks for API keys: with `API_KEYS` or `API_KEYS_FILE` set, even if the file lists none yet. */
export function isAuthConfigured(config: ApiKeysConfig): boolean {
  return config.apiKeys.length > 0 || config.apiKeysFile !== undefined;
}

/**
 * The configured keys: `API_KEYS`, then the lines of `API_KEYS_FILE` (read now, synchronously: at startup and on
 * SIGHUP only). Throws an {@link ApiKeysError} that names the line and never the key. A configured but empty list is
 * an error too: a server that refuses everyone is a mistake, not a setting (stop it instead).
 */
export function readApiKeys(config: ApiKeysConfig): ApiKeyEntry[] {
  const inline = parseInlineApiKeys(config.apiKeys);
  let fromFile: ApiKeyEntry[] = [];
  if (config.apiKeysFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(config.apiKeysFile, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      throw new ApiKeysError(`API_KEYS_FILE ${config.apiKeysFile} cannot be read (${code})`);
    }
    fromFile = parseApiKeysFile(text);
  }
  const inlineDigests = new Set(inline.map((entry) => entry.digest.toString("hex")));
  const shared = fromFile.find((entry) => inlineDigests.has(entry.digest.toString("hex")));
  if (shared) throw new ApiKeysError(`API_KEYS and API_KEYS_FILE both list the key with fingerprint ${shared.fingerprint}; list it once`);
  const entries = [...inline, ...fromFile];
  if (isAuthConfigured(config) && entries.length === 0) throw new ApiKeysError(`API_KEYS_FILE ${config.apiKeysFile} lists no key`);
  return entries;
}
