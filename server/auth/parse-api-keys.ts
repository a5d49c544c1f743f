import type { RateLimits } from "../config.js";
import { digestApiKey, fingerprintOf } from "./digest-api-key.js";

/** One API key as the server holds it: its digest, never the key. */
export interface ApiKeyEntry {
  /** SHA-256 of the key (32 bytes), given as `sha256:<hex>` or computed from the plain key. */
  digest: Buffer;
  /** The first 12 hex digits of `digest`: how logs and limits name the key. */
  fingerprint: string;
  /** `name=<label>`, for logs. */
  name?: string;
  /** The key's own limits (`requests_per_minute=N`, …), each replacing the server-wide one. */
  limits: Partial<RateLimits>;
}

/** API keys (or a metrics token) that cannot be used; the message names where (line or entry) and why, never the key. */
export class ApiKeysError extends Error {
  override readonly name = "ApiKeysError";
}

/** Shorter plain keys are guessable by brute force over the network; a random 16-character key is not. */
export const MIN_PLAIN_KEY_LENGTH = 16;
/** A bound on what we hash and keep; longer keys add nothing. */
export const MAX_PLAIN_KEY_LENGTH = 512;
/** The characters of an RFC 6750 bearer token (`b64token`): a key with any other could not be sent as one. */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;
const NAME = /^[A-Za-z0-9._@:-]{1,64}$/;

const LIMIT_OPTIONS: Record<string, keyof RateLimits> = {
  requests_per_minute: "requestsPerMinute",
  concurrent_replies: "concurrentReplies",
  tokens_per_day: "tokensPerDay",
};
const MAX_LIMIT = 1_000_000_000_000;

/** The digest of a key written as `sha256:<hex>` or in plain text; `where` names its line or entry in errors. */
function readKey(field: string, where: string): Buffer {
  if (field.toLowerCase().startsWith("sha256:")) {
    const hex = DIGEST.exec(field)?.[1];
    if (!hex) throw new ApiKeysError(`${where}: a digest must be sha256: followed by 64 hex digits`);
    return Buffer.from(hex, "hex");
  }
  if (!BEARER_TOKEN.test(field)) {
    throw new ApiKeysError(`${where}: a key may contain only letters, digits and - . _ ~ + / (then = padding), as a Bearer token can`);
  }
  if (field.length < MIN_PLAIN_KEY_LENGTH) {
    throw new ApiKeysError(`${where}: a plain key must be at least ${MIN_PLAIN_KEY_LENGTH} characters (this one has ${field.length})`);
  }
  if (field.length > MAX_PLAIN_KEY_LENGTH) throw new ApiKeysError(`${where}: a plain key must be at most ${MAX_PLAIN_KEY_LENGTH} characters`);
  return digestApiKey(field);
}

/** `<key or sha256:hex> [name=<label>] [requests_per_minute=N] [concurrent_replies=N] [tokens_per_day=N]`. */
function parseEntry(fields: string[], where: string): ApiKeyEntry {
  const [keyField = "", ...options] = fields;
  const digest = readKey(keyField, where);
  const entry: ApiKeyEntry = { digest, fingerprint: fingerprintOf(digest), limits: {} };
  const seen = new Set<string>();
  for (const option of options) {
    const equals = option.indexOf("=");
    const optionName = equals > 0 ? option.slice(0, equals) : "";
    const value = option.slice(equals + 1);
    // Not even the option's name is quoted: a key split by a stray space (`abc=`) would show up as one.
    if (!(optionName === "name" || optionName in LIMIT_OPTIONS)) {
      throw new ApiKeysError(`${where}: unknown option; expected name=, requests_per_minute=, concurrent_replies= or tokens_per_day=`);
    }
    if (seen.has(optionName)) throw new ApiKeysError(`${where}: ${optionName}= is given twice`);
    seen.add(optionName);
    if (optionName === "name") {
      if (!NAME.test(value)) throw new ApiKeysError(`${where}: name= takes 1 to 64 letters, digits or . _ @ : -`);
      entry.name = value;
      continue;
    }
    const limit = /^\d{1,13}$/.test(value) ? Number(value) : NaN;
    if (!(limit <= MAX_LIMIT)) throw new ApiKeysError(`${where}: ${optionName}= takes a whole number from 0 (off) to ${MAX_LIMIT}`);
    entry.limits[LIMIT_OPTIONS[optionName]!] = limit;
  }
  return entry;
}

/** Refuses two entries for one key: which name and limits would apply would depend on their order. */
function refuseDuplicates(entries: { entry: ApiKeyEntry; where: string }[]): void {
  const first = new Map<string, string>();
  for (const { entry, where } of entries) {
    const hex = entry.digest.toString("hex");
    const earlier = first.get(hex);
    if (earlier) throw new ApiKeysError(`${where}: the same key as ${earlier}`);
    first.set(hex, where);
  }
}

/**
 * Parses `API_KEYS_FILE`: one key per line (plain, or `sha256:<hex>`), then optional `name=` and per-key limits,
 * separated by spaces; blank lines and `#` comments (whole lines, or after a space) are ignored.
 */
export function parseApiKeysFile(text: string): ApiKeyEntry[] {
  const parsed: { entry: ApiKeyEntry; where: string }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/(^|\s)#.*$/, "").trim();
    if (content === "") return;
    const where = `API_KEYS_FILE line ${index + 1}`;
    parsed.push({ entry: parseEntry(content.split(/\s+/), where), where });
  });
  refuseDuplicates(parsed);
  return parsed.map(({ entry }) => entry);
}

/** Parses `API_KEYS` (already split on commas): keys only, plain or `sha256:<hex>`; options need the file. */
export function parseInlineApiKeys(keys: readonly string[]): ApiKeyEntry[] {
  const parsed = keys.map((key, index) => {
    const where = `API_KEYS entry ${index + 1}`;
    if (/\s/.test(key)) throw new ApiKeysError(`${where}: names and limits need API_KEYS_FILE; API_KEYS takes keys only`);
    return { entry: parseEntry([key], where), where };
  });
  refuseDuplicates(parsed);
  return parsed.map(({ entry }) => entry);
}
