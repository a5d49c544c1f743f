import type { RequestHandler } from "express";
// Declares `res.locals.client`, which this sets.
import "./client-identity.js";

/**
 * Names the caller by its address (`addr:<ip>`), for a server without API keys: limits are then counted per client
 * address. Authentication, when configured, replaces this identity with the key's. The address is the socket's unless
 * `TRUST_PROXY` says which proxies' `X-Forwarded-For` to believe.
 */
export const identifyByAddress: RequestHandler = (req, res, next) => {
  res.locals.client = { id: `addr:${req.ip ?? req.socket.remoteAddress ?? "unknown"}`, limits: {} };
  next();
};

/** `TRUST_PROXY` as Express's `trust proxy` setting takes it: a hop count, a boolean, or addresses and names. */
export function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}
