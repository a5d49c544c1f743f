import type { RequestHandler } from "express";
import type { ApiKeyRing } from "./api-key-ring.js";
// Declares `res.locals.client`, which this sets.
import "./client-identity.js";
import { readBearerToken } from "./read-bearer-token.js";
import { refuseUnauthorized } from "./refuse-unauthorized.js";

const MISSING = "This server needs an API key: send it as Authorization: Bearer <key>.";
const INVALID = "The API key was not accepted. Check it, and send it as Authorization: Bearer <key>.";

/**
 * Authenticates an operation the spec protects with the `apiKey` scheme, before its body is read or its `Accept`
 * looked at, so an unauthenticated client spends no parsing and learns nothing else. Without keys (`keys`
 * undefined) the server is open and the caller stays named by its address. On success the request is the key's:
 * limits are counted and replies owned by `key:<fingerprint>`, which (with the key's name) its log lines carry.
 */
export function requireApiKey(keys: ApiKeyRing | undefined): RequestHandler {
  return (req, res, next) => {
    if (keys === undefined) return next();
    const credential = readBearerToken(req);
    if (credential.kind === "missing") throw refuseUnauthorized(res, "missing", MISSING);
    const entry = credential.kind === "token" ? keys.find(credential.token) : undefined;
    if (!entry) throw refuseUnauthorized(res, "invalid", INVALID);
    const id = `key:${entry.fingerprint}`;
    res.locals.client = { id, ...(entry.name ? { name: entry.name } : {}), limits: { ...entry.limits } };
    res.locals.log = res.locals.log.child({ client: id, ...(entry.name ? { clientName: entry.name } : {}) });
    next();
  };
}
