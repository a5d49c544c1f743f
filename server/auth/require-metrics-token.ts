import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { digestApiKey } from "./digest-api-key.js";
import { ApiKeysError, BEARER_TOKEN, MAX_PLAIN_KEY_LENGTH, MIN_PLAIN_KEY_LENGTH } from "./parse-api-keys.js";
import { readBearerToken } from "./read-bearer-token.js";
import { refuseUnauthorized } from "./refuse-unauthorized.js";

const MISSING = "/metrics needs the server's metrics token: send it as Authorization: Bearer <token>.";
const INVALID = "The metrics token was not accepted. Send the server's METRICS_TOKEN as Authorization: Bearer <token>.";

export interface MetricsTokenOptions {
  /** `METRICS_TOKEN`. */
  token: string | undefined;
  /** Whether the server has API keys: then `/metrics` is never open, token or not. */
  authConfigured: boolean;
}

/**
 * Guards `/metrics` (the spec's `metricsToken` scheme) with its own token, not an API key: a scraper's credential
 * should not be able to spend the model budget, nor a client's read the server's traffic. With `METRICS_TOKEN` set,
 * the token is required (compared in constant time, as keys are); unset on a server with keys, `/metrics` is closed
 * (an exposed server should not publish its traffic by omission); unset on an open server, it stays open.
 */
export function requireMetricsToken({ token, authConfigured }: MetricsTokenOptions): RequestHandler {
  const expected = token === undefined ? undefined : digestApiKey(token);
  return (req, res, next) => {
    if (expected === undefined && !authConfigured) return next();
    const credential = readBearerToken(req);
    if (credential.kind === "missing") throw refuseUnauthorized(res, "missing", MISSING);
    const accepted = credential.kind === "token" && expected !== undefined && timingSafeEqual(digestApiKey(credential.token), expected);
    if (!accepted) throw refuseUnauthorized(res, "invalid", INVALID);
    next();
  };
}

/** Refuses a `METRICS_TOKEN` that could never be sent as a Bearer token, or is short enough to guess. */
export function checkMetricsToken(token: string | undefined): void {
  if (token === undefined) return;
  if (!BEARER_TOKEN.test(token) || token.length < MIN_PLAIN_KEY_LENGTH || token.length > MAX_PLAIN_KEY_LENGTH) {
    throw new ApiKeysError(
      `METRICS_TOKEN must be ${MIN_PLAIN_KEY_LENGTH} to ${MAX_PLAIN_KEY_LENGTH} letters, digits or - . _ ~ + / (then = padding), as a Bearer token can`,
    );
  }
}
