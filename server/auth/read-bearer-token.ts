import type { Request } from "express";
import { BEARER_TOKEN, MAX_PLAIN_KEY_LENGTH } from "./parse-api-keys.js";

/**
 * What a request's `Authorization` header holds: nothing usable as a Bearer credential (`missing`: no header, or
 * another scheme such as Basic), a Bearer credential that cannot be a key (`malformed`), or a token to look up.
 */
export type BearerCredential = { kind: "missing" } | { kind: "malformed" } | { kind: "token"; token: string };

/**
 * Reads `Authorization: Bearer <token>` (RFC 6750). Two `Authorization` headers are malformed: Node keeps only the
 * first, and a proxy in front may have read the other, so neither can be trusted to be what the client meant. A token
 * longer than any key, or with characters a key cannot have (non-ASCII arrives as Latin-1), is refused unhashed.
 */
export function readBearerToken(req: Request): BearerCredential {
  let headers = 0;
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]!.toLowerCase() === "authorization") headers += 1;
  }
  if (headers > 1) return { kind: "malformed" };
  const value = req.headers.authorization?.trim();
  if (!value) return { kind: "missing" };
  const [scheme = "", ...rest] = value.split(/ +/);
  if (scheme.toLowerCase() !== "bearer") return { kind: "missing" };
  const token = rest.join(" ");
  if (rest.length !== 1 || token.length > MAX_PLAIN_KEY_LENGTH || !BEARER_TOKEN.test(token)) return { kind: "malformed" };
  return { kind: "token", token };
}
