import type { RequestHandler } from "express";

/** Headers a browser page on another origin may read: the correlation id, the retry hint, and the reply's id (to resume or stop it). */
const EXPOSED_HEADERS = "X-Request-Id, Retry-After, X-Message-Id";
/** Last-Event-ID: a page resuming a reply sends it (it is not CORS-safelisted). */
const ALLOWED_HEADERS = "Content-Type, Accept, X-Request-Id, Last-Event-ID";

/**
 * CORS for browser apps on other origins, for the origins in `CORS_ORIGINS` (`*` for any). Answers preflights
 * itself (204), so they never reach the routes. With no origins configured it adds nothing: same-origin only.
 */
export function allowCors(origins: readonly string[]): RequestHandler {
  const anyOrigin = origins.includes("*");
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get("origin");
    if (origin === undefined || !(anyOrigin || allowed.has(origin))) return next();
    res.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    if (!anyOrigin) res.append("Vary", "Origin");
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    if (req.method !== "OPTIONS") return next();
    res.setHeader("Access-Control-Allow-Methods", "GET, POST");
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
  };
}
