import { Router, type Request, type RequestHandler } from "express";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Metrics } from "../observability/create-metrics.js";
import { listOperations, type OperationLocation } from "../operations/find-operation.js";
import { ContractError } from "../replies/contract-error.js";
import { describeLimit } from "./describe-limit.js";
import { setRateLimitHeaders, type PolicyStatus } from "./rate-limit-headers.js";

const WINDOW_SECONDS = 60;
/**
 * The routes a blocked address is refused on, from the spec: every operation that needs a key or token and documents
 * a 429. Health and the probes stay open to everyone; `/metrics` takes its own token and documents no 429, so its
 * failures count but a blocked address still reaches it.
 */
export function findKeyedRoutes(): Pick<OperationLocation, "method" | "expressPath">[] {
  return listOperations()
    .filter(({ security, statuses }) => security !== undefined && statuses.includes("429"))
    .map(({ method, expressPath }) => ({ method, expressPath }));
}

export interface AuthFailureLimitOptions {
  /** Counts failures per address in a 60 s window from the first (memory, or Redis shared by every instance). */
  counter: RateLimiterAbstract;
  /** `AUTH_FAILURES_PER_MINUTE`; 0 turns this off. */
  perMinute: number;
  metrics: Metrics;
}

/** The address as Express reads it: the socket's, or the one `TRUST_PROXY` lets `X-Forwarded-For` give. */
const addressOf = (req: Request) => `addr:${req.ip ?? req.socket.remoteAddress ?? "unknown"}`;

/**
 * Brute-force protection that knows nothing of how keys are checked: any response that finishes with 401 counts a
 * failure against the client's address, and an address with `perMinute` failures in its window is answered 429
 * `rate_limited` on every keyed operation, before anything else runs (its key is not even looked at) until the window
 * ends. Mounted before authentication, so a blocked address cannot keep guessing.
 */
export function limitAuthFailures({ counter, perMinute, metrics }: AuthFailureLimitOptions): RequestHandler {
  const router = Router();
  if (perMinute <= 0) return router;
  const policy = (remaining: number, resetSeconds: number): PolicyStatus => ({
    name: "auth-failures",
    quota: perMinute,
    windowSeconds: WINDOW_SECONDS,
    remaining,
    resetSeconds,
  });

  router.use((req, res, next) => {
    res.once("finish", () => {
      if (res.statusCode !== 401) return;
      counter.penalty(addressOf(req), 1).catch((error: unknown) => res.locals.log?.warn({ err: error }, "could not count a failed authentication"));
    });
    next();
  });
  const refuseBlocked: RequestHandler = async (req, res, next) => {
    const failures = await counter.get(addressOf(req));
    if (!failures || failures.consumedPoints < perMinute) return next();
    const status = policy(0, Math.ceil(failures.msBeforeNext / 1000));
    setRateLimitHeaders(res, [status]);
    metrics.rateLimited.inc({ limit: "auth_failures" });
    throw new ContractError("rate_limited", describeLimit("auth-failures", perMinute, status.resetSeconds!, { id: addressOf(req) }), {
      retryAfterMs: failures.msBeforeNext,
    });
  };
  for (const { method, expressPath } of findKeyedRoutes()) router[method](expressPath, refuseBlocked);
  return router;
}
