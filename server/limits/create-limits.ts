import type { RequestHandler } from "express";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/create-metrics.js";
import type { RedisClient } from "../replies/reply-log/connect-redis.js";
import { createClientLimits, type ClientLimits } from "./create-client-limits.js";
import { createMemoryConcurrencyCounter, createRedisConcurrencyCounter } from "./create-concurrency-counter.js";
import { createLimitCounter } from "./create-limit-counter.js";
import { limitAuthFailures } from "./limit-auth-failures.js";

/** Every limit of the server, built on one store. */
export interface Limits {
  /** Per client: requests per minute, concurrent replies, tokens per day. */
  clients: ClientLimits;
  /** App-level middleware: failed authentications per address. */
  authFailures: RequestHandler;
}

export interface LimitsOptions {
  config: Pick<Config, "rateLimits" | "authFailuresPerMinute">;
  /**
   * The reply log's Redis client, shared (its commands are short; the blocking reads and the subscriber have their own
   * connections): limits then hold across every instance and cluster worker on that Redis. Without it, this process's
   * memory.
   */
  redis?: RedisClient;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

export function createLimits({ config, redis, logger, metrics, now }: LimitsOptions): Limits {
  // One warning per outage, not one per request: the limits go on, per instance, until Redis is back.
  let warned = false;
  const onFallback = () => {
    if (warned) return;
    warned = true;
    logger.warn("Redis is unavailable: rate limits are counted by each instance on its own until it returns");
  };
  redis?.on("ready", () => {
    if (warned) logger.info("Redis is back: rate limits are shared again");
    warned = false;
  });
  const store = { redis, onFallback };
  const memorySlots = createMemoryConcurrencyCounter();
  return {
    clients: createClientLimits({
      defaults: config.rateLimits,
      requests: createLimitCounter({ ...store, prefix: "requests", windowSeconds: 60 }),
      tokens: createLimitCounter({ ...store, prefix: "tokens", windowSeconds: 86_400 + 60 }),
      concurrency: redis ? createRedisConcurrencyCounter(redis, memorySlots, onFallback) : memorySlots,
      now,
    }),
    authFailures: limitAuthFailures({
      counter: createLimitCounter({ ...store, prefix: "auth-failures", windowSeconds: 60 }),
      perMinute: config.authFailuresPerMinute,
      metrics,
    }),
  };
}
