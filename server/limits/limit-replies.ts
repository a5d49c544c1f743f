import type { RequestHandler } from "express";
import type { Metrics } from "../observability/create-metrics.js";
import { ContractError } from "../replies/contract-error.js";
import type { ClientLimits } from "./create-client-limits.js";
import { setRateLimitHeaders } from "./rate-limit-headers.js";
// Declares `res.locals.client`, which this reads.
import "../auth/client-identity.js";

/** What a `sendMessage` request admitted by the client limits carries to its handler. */
export interface ReplyAllowance {
  /**
   * Keeps the concurrency slot past this response, for a reply that runs on its own (resumable); returns what frees
   * it, to call once at the reply's real end. Without this the slot is freed when the response closes.
   */
  detach(): () => void;
  /** Adds the reply's tokens to its client's day (see `meterReplyTokens`). */
  countTokens(tokens: number): void;
}

declare global {
  namespace Express {
    interface Locals {
      /** Set on `sendMessage` requests the client limits admitted. */
      replyAllowance?: ReplyAllowance;
    }
  }
}

/**
 * The first middleware of `sendMessage`: the client limits decide (requests per minute, tokens per day, concurrent
 * replies), the RateLimit headers go on the response whatever it will be (200 SSE or JSON, any error), and a refusal
 * is the contract's 429 `rate_limited` with `Retry-After`. Before the body is parsed: a refusal costs no parsing.
 */
export function limitReplies(limits: ClientLimits, metrics: Metrics): RequestHandler {
  return async (_req, res, next) => {
    const { client } = res.locals;
    const admission = await limits.admit(client);
    setRateLimitHeaders(res, admission.policies, admission.allowed ? undefined : admission.refusedBy);
    if (!admission.allowed) {
      metrics.rateLimited.inc({ limit: admission.refusedBy.name === "auth-failures" ? "auth_failures" : admission.refusedBy.name });
      throw new ContractError("rate_limited", admission.message, { retryAfterMs: admission.retryAfterMs });
    }
    let detached = false;
    const releaseWithResponse = () => detached || admission.release();
    // A response that already closed never emits "close" again.
    if (res.destroyed || res.writableFinished) releaseWithResponse();
    else res.once("close", releaseWithResponse);
    res.locals.replyAllowance = {
      detach() {
        detached = true;
        return admission.release;
      },
      countTokens(tokens) {
        limits.countTokens(client, tokens).catch((error: unknown) => res.locals.log?.warn({ err: error }, "could not count a reply's tokens"));
      },
    };
    next();
  };
}
