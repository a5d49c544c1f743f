import type { RateLimits } from "../config.js";

declare global {
  namespace Express {
    interface Locals {
      /**
       * Who is calling, set before any protected operation's own middleware runs: the API key that authenticated the
       * request, or, on a server without keys, the client's address. Limits are counted and replies owned by `id`.
       */
      client: ClientIdentity;
    }
  }
}

/** Who a request comes from, as far as limits and reply ownership are concerned. */
export interface ClientIdentity {
  /**
   * Stable and safe to log and to use in Redis keys: `key:<fingerprint>` (the first hex digits of the key's SHA-256,
   * never the key) or `addr:<client address>` when the server has no keys.
   */
  id: string;
  /** The key's name from `API_KEYS_FILE` (`name=`), for logs; absent for inline keys and addresses. */
  name?: string;
  /** This key's own limits from `API_KEYS_FILE`, each replacing the server-wide one. */
  limits: Partial<RateLimits>;
}
