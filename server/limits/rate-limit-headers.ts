import type { Response } from "express";

/** One limit a client is held to, as the RateLimit headers name it. */
export type PolicyName = "requests" | "concurrent" | "tokens" | "auth-failures";

/** Where one client stands against one limit, now. */
export interface PolicyStatus {
  name: PolicyName;
  /** The quota: requests, replies at once, or tokens. */
  quota: number;
  /** The window in seconds; none for a concurrency limit, which is not spent over time. */
  windowSeconds?: number;
  /** What is left of the quota (never below 0). */
  remaining: number;
  /** Seconds until the quota is restored, when known. */
  resetSeconds?: number;
}

/**
 * `RateLimit-Policy` and `RateLimit` as draft-ietf-httpapi-ratelimit-headers-12 (November 2026) defines them: both
 * are Structured Field Lists (RFC 9651) of policies, each a quoted name with parameters. The policy field carries the
 * quota `q`, the window `w` in seconds and the quota unit `qu` (omitted for the default, "requests"; the draft's
 * "concurrent-requests" for concurrency; tokens have no registered unit, so the policy's name says what is counted);
 * the other carries the remaining quota `r` and the seconds `t` until it is restored.
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/
 */
export function formatRateLimitPolicy(policies: readonly PolicyStatus[]): string {
  return policies
    .map(({ name, quota, windowSeconds }) => {
      const unit = name === "concurrent" ? ';qu="concurrent-requests"' : "";
      return `"${name}";q=${quota}${unit}${windowSeconds === undefined ? "" : `;w=${windowSeconds}`}`;
    })
    .join(", ");
}

/** The `RateLimit` field for one policy: the one nearest to refusing (see {@link findTightestPolicy}). */
export function formatRateLimit({ name, remaining, resetSeconds }: PolicyStatus): string {
  return `"${name}";r=${remaining}${resetSeconds === undefined ? "" : `;t=${resetSeconds}`}`;
}

/**
 * The policy nearest to refusing: the smallest share of its quota left; on a tie, the one restored last, since that
 * is the longer wait.
 */
export function findTightestPolicy(policies: readonly PolicyStatus[]): PolicyStatus | undefined {
  const share = (policy: PolicyStatus) => policy.remaining / policy.quota;
  return [...policies].sort((a, b) => share(a) - share(b) || (b.resetSeconds ?? 0) - (a.resetSeconds ?? 0))[0];
}

/**
 * Sets both fields on a response not yet sent: every policy in `RateLimit-Policy`, the tightest in `RateLimit`
 * (`tightest` overrides the choice, for a refusal that must name the limit it hit). Nothing when no limit applies.
 */
export function setRateLimitHeaders(res: Pick<Response, "setHeader">, policies: readonly PolicyStatus[], tightest = findTightestPolicy(policies)): void {
  if (policies.length === 0 || tightest === undefined) return;
  res.setHeader("RateLimit-Policy", formatRateLimitPolicy(policies));
  res.setHeader("RateLimit", formatRateLimit(tightest));
}
