import { RateLimiterMemory, RateLimiterRedis, RLWrapperTimeouts, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisClient } from "../replies/reply-log/connect-redis.js";

/**
 * Counters never refuse by themselves: each client's quota is its own (a key's overrides), so the caller compares
 * the count with it. The library still does what it is for: atomic counts that expire with their window, in memory
 * or in Redis, with a memory fallback.
 */
const NEVER_REFUSE = Number.MAX_SAFE_INTEGER;

/**
 * Longest wait for Redis before a count goes to memory instead. A stalled Redis keeps its connection (so it looks
 * ready) and answers nothing; every request would wait for it. A count takes well under a millisecond when Redis is
 * well.
 */
export const REDIS_LIMIT_TIMEOUT_MS = 500;

export interface LimitCounterOptions {
  /** Keeps this counter's keys apart from the others' (`chat:rl:<prefix>:<client>` in Redis). */
  prefix: string;
  /** The window, in seconds, from a key's first count (a call may pass its own, `customDuration`). */
  windowSeconds: number;
  /** Shared by every instance when given; this process's memory otherwise. */
  redis?: RedisClient;
  /** Called whenever Redis failed and this process's memory counted instead. */
  onFallback: () => void;
}

/**
 * One rate-limiter-flexible counter: in memory, or in Redis with a memory `insuranceLimiter`. While Redis is down (not
 * ready, a command failed, or no answer within {@link REDIS_LIMIT_TIMEOUT_MS}) the counts go to this process's memory, so every instance enforces the limits on its own
 * rather than refusing everyone or answering 500; they are not copied back when Redis returns.
 */
export function createLimitCounter({ prefix, windowSeconds, redis, onFallback }: LimitCounterOptions): RateLimiterAbstract {
  const options = { keyPrefix: `chat:rl:${prefix}`, points: NEVER_REFUSE, duration: windowSeconds };
  if (!redis) return new RateLimiterMemory(options);
  const insuranceLimiter = new ReportingMemoryLimiter(options, onFallback);
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    useRedisPackage: true,
    // node-redis queues commands while it reconnects; a request must not wait for Redis to come back.
    rejectIfRedisNotReady: true,
    insuranceLimiter,
  });
  // Inherits the insurance limiter: a count Redis does not answer in time goes to memory too.
  return new RLWrapperTimeouts({ limiter, timeoutMs: REDIS_LIMIT_TIMEOUT_MS }) as unknown as RateLimiterAbstract;
}

/** The insurance limiter: a memory limiter that says when it is used. */
class ReportingMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>) {
    this.onUse();
    return super.consume(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory["penalty"]>) {
    this.onUse();
    return super.penalty(...args);
  }

  override get(...args: Parameters<RateLimiterMemory["get"]>) {
    this.onUse();
    return super.get(...args);
  }
}
