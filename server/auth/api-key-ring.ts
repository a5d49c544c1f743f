import { timingSafeEqual } from "node:crypto";
import { digestApiKey } from "./digest-api-key.js";
import type { ApiKeyEntry } from "./parse-api-keys.js";

/** The keys the server accepts now; replaced whole when `API_KEYS_FILE` is re-read. */
export interface ApiKeyRing {
  /** The entry of `presented`, or `undefined`; takes the same time whichever key (if any) matches. */
  find(presented: string): ApiKeyEntry | undefined;
  /** Swaps in a new list; requests already authenticated keep going. */
  replace(entries: readonly ApiKeyEntry[]): void;
  readonly size: number;
}

/**
 * Holds digests only, so a heap dump or a debugger shows no key. The presented key is hashed and compared with
 * every digest, without stopping at a match: how long it takes tells nothing about which keys exist, and hashing
 * first makes the comparison's time independent of how many leading characters a guess got right.
 */
export function createApiKeyRing(initial: readonly ApiKeyEntry[]): ApiKeyRing {
  let entries = [...initial];
  return {
    find(presented) {
      const digest = digestApiKey(presented);
      let found: ApiKeyEntry | undefined;
      for (const entry of entries) {
        const same = timingSafeEqual(digest, entry.digest);
        found = same && found === undefined ? entry : found;
      }
      return found;
    },
    replace(next) {
      entries = [...next];
    },
    get size() {
      return entries.length;
    },
  };
}
