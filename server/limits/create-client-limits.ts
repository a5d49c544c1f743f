import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { ClientIdentity } from "../auth/client-identity.js";
import type { RateLimits } from "../config.js";
import type { ConcurrencyCounter } from "./create-concurrency-counter.js";
import { describeLimit } from "./describe-limit.js";
import type { PolicyStatus } from "./rate-limit-headers.js";

const MINUTE_SECONDS = 60;
const DAY_SECONDS = 86_400;
/**
 * When a client at its concurrency limit may try again. Nobody knows when one of its replies will end; replies last
 * seconds, and a client polling every second costs one cheap refusal each time.
 */
const CONCURRENT_RETRY_AFTER_MS = 1_000;

/** What the limits decided about a new reply, with every configured policy's status for the RateLimit headers. */
export type Admission =
  | {
      allowed: true;
      policies: PolicyStatus[];
      /** Frees the reply's concurrency slot; idempotent, and a no-op without a concurrency limit. */
      release: () => void;
    }
  | {
      allowed: false;
      policies: PolicyStatus[];
      /** The limit that refused, named in `RateLimit`. */
      refusedBy: PolicyStatus;
      retryAfterMs: number;
      /** For people: which limit, and when to retry. */
      message: string;
    };

/** Requests per minute, concurrent replies and tokens per day, per client (per key, or per address without keys). */
export interface ClientLimits {
  /**
   * Decides a `sendMessage` request: counts it against the requests of the minute, refuses it when the day's tokens
   * are spent, and takes a concurrency slot; the first limit reached refuses it.
   */
  admit(client: ClientIdentity): Promise<Admission>;
  /** Adds a reply's tokens to its client's day, once the reply has ended (however it ended). */
  countTokens(client: ClientIdentity, tokens: number): Promise<void>;
}

export interface ClientLimitsOptions {
  /** The server's limits (`config.rateLimits`); each key's own replace them one by one. */
  defaults: RateLimits;
  /** Counts `sendMessage` requests in a 60 s window from each client's first. */
  requests: RateLimiterAbstract;
  /** Counts tokens per client and UTC day. */
  tokens: RateLimiterAbstract;
  concurrency: ConcurrencyCounter;
  /** The clock, for the day's boundary; tests pass their own. */
  now?: () => number;
}

/** A client's limits: the server's, each replaced by the key's own when it has one. */
function limitsOf(client: ClientIdentity, defaults: RateLimits): RateLimits {
  const own = Object.fromEntries(Object.entries(client.limits).filter(([, value]) => value !== undefined));
  return { ...defaults, ...own };
}

/**
 * The token budget's day is the UTC calendar day, not a rolling 24 h: an operator reads "per day" that way, everyone's
 * day turns at the same moment, and `Retry-After` is exact (the seconds to the next 00:00 UTC). Each day has its own
 * counter key, so a new day starts at zero without anything being reset.
 */
function tokenDay(nowMs: number): { key: string; msLeft: number } {
  const date = new Date(nowMs);
  const nextMidnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
  return { key: date.toISOString().slice(0, 10), msLeft: nextMidnight - nowMs };
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

export function createClientLimits({ defaults, requests, tokens, concurrency, now = Date.now }: ClientLimitsOptions): ClientLimits {
  return {
    async admit(client) {
      const limits = limitsOf(client, defaults);
      const day = tokenDay(now());
      // Every configured policy, in a fixed order; each is replaced by its measured status as it is checked.
      const policies: PolicyStatus[] = [];
      if (limits.requestsPerMinute > 0)
        policies.push({ name: "requests", quota: limits.requestsPerMinute, windowSeconds: MINUTE_SECONDS, remaining: limits.requestsPerMinute });
      if (limits.concurrentReplies > 0) policies.push({ name: "concurrent", quota: limits.concurrentReplies, remaining: limits.concurrentReplies });
      if (limits.tokensPerDay > 0) policies.push({ name: "tokens", quota: limits.tokensPerDay, windowSeconds: DAY_SECONDS, remaining: limits.tokensPerDay });
      const measure = (status: PolicyStatus) => (policies[policies.findIndex((policy) => policy.name === status.name)] = status);
      const refuse = (status: PolicyStatus, retryAfterMs: number): Admission => {
        measure(status);
        return { allowed: false, policies, refusedBy: status, retryAfterMs, message: describeLimit(status.name, status.quota, seconds(retryAfterMs), client) };
      };

      if (limits.requestsPerMinute > 0) {
        const counted = await requests.consume(client.id, 1);
        const quota = limits.requestsPerMinute;
        const status = {
          name: "requests",
          quota,
          windowSeconds: MINUTE_SECONDS,
          remaining: Math.max(0, quota - counted.consumedPoints),
          resetSeconds: seconds(counted.msBeforeNext),
        } as const;
        if (counted.consumedPoints > quota) return refuse(status, counted.msBeforeNext);
        measure(status);
      }
      if (limits.tokensPerDay > 0) {
        const used = (await tokens.get(`${client.id}:${day.key}`))?.consumedPoints ?? 0;
        const quota = limits.tokensPerDay;
        const status = { name: "tokens", quota, windowSeconds: DAY_SECONDS, remaining: Math.max(0, quota - used), resetSeconds: seconds(day.msLeft) } as const;
        if (used >= quota) return refuse(status, day.msLeft);
        measure(status);
      }
      let release = () => {};
      if (limits.concurrentReplies > 0) {
        const quota = limits.concurrentReplies;
        const slot = await concurrency.acquire(client.id, quota);
        const status = { name: "concurrent", quota, remaining: Math.max(0, quota - slot.running) } as const;
        if (!slot.acquired) return refuse({ ...status, resetSeconds: seconds(CONCURRENT_RETRY_AFTER_MS) }, CONCURRENT_RETRY_AFTER_MS);
        measure(status);
        release = slot.release;
      }
      return { allowed: true, policies, release };
    },
    async countTokens(client, count) {
      if (count <= 0 || limitsOf(client, defaults).tokensPerDay <= 0) return;
      const day = tokenDay(now());
      // The key outlives its day by a minute, so a count landing at midnight is not lost to an expiry race.
      await tokens.penalty(`${client.id}:${day.key}`, count, { customDuration: seconds(day.msLeft) + 60 });
    },
  };
}
