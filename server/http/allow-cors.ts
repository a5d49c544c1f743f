import type { RequestHandler } from "express";

/** Headers a browser page on another origin may read: the correlation id, the retry hint, and the reply's id (to resume or stop it). */
const EXPOSED_HEADERS = "X-Request-Id, Retry-After, X-Message-Id";
/** Last-Event-ID: a page resuming a reply sends it (it is not CORS-safelisted). */
const ALLOWED_HEADERS = "Content-Type, Accept, X-Request-Id, Last-Event-ID";

/**
 * CORS for browser apps on other origins, for the origins in `CORS_ORIGINS` (`*` for any). Answers preflights
 * itself (204), so they never reach the routes. With no origins configured it adds nothing: same-origin only.
 *
 * It echoes an origin only when that exact string is listed, never a pattern or whatever was sent, and never allows
 * credentials (`Access-Control-Allow-Credentials`): the API has no cookies to protect, and `*` with credentials is
 * what browsers forbid for good reason.
 */
export function allowCors(origins: readonly string[]): RequestHandler {
  const anyOrigin = origins.includes("*");
  const allowed = new Set(origins);
  return (req, res, next) => {
    // With a list, the answer depends on Origin whether it is listed or not: a cache must not hand one origin's
    // answer (with or without Access-Control-Allow-Origin) to another.
    if (allowed.size > 0 && !anyOrigin) res.append("Vary", "Origin");
    const origin = req.get("origin");
    if (origin === undefined || !(anyOrigin || allowed.has(origin))) return next();
    res.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    if (req.method !== "OPTIONS") return next();
    res.setHeader("Access-Control-Allow-Methods", "GET, POST");
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
  };
}
