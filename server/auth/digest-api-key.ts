import { createHash } from "node:crypto";

/** A key's SHA-256: what the server keeps and compares, never the key itself. */
export function digestApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/**
 * The name a key goes by in logs and limits: the first 12 hex digits of its SHA-256. Enough to tell an operator's
 * keys apart (and to match `printf %s "$KEY" | sha256sum`), far too little to recover or guess the key from.
 */
export function fingerprintOf(digest: Buffer): string {
  return digest.toString("hex").slice(0, 12);
}
