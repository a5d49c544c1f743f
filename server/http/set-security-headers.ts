import type { RequestHandler } from "express";

/**
 * On every response the app writes (the API, the UI, 404s and errors), before anything else can fail:
 *
 * - `X-Content-Type-Options: nosniff`: a browser never reads a JSON error or an SSE stream as script or HTML.
 * - `X-Frame-Options: DENY`: no page may frame ours (clickjacking); `frame-ancestors 'none'` in the UI's CSP says the
 *   same to browsers that read CSP, and this to those that do not.
 * - `Referrer-Policy: no-referrer`: a reply's or a conversation's URL never leaves in a `Referer`.
 * - `Cross-Origin-Opener-Policy: same-origin`: a page we open, or that opens us, gets no handle on our window.
 * - A CSP of `default-src 'none'` for everything but the UI's page (which sets its own): a JSON or SSE body opened
 *   as a document can load and run nothing.
 *
 * Node itself answers a few requests the app never sees (a malformed request line `400`, headers too large `431`, a
 * headers or request timeout `408`): those have no body, so there is nothing for these headers to protect.
 */
const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
} as const;

export const setSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(SECURITY_HEADERS);
  next();
};
