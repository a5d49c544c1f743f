import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import { connectRedis, type RedisClient } from "./connect-redis.js";
import { createMemoryReplyLog } from "./create-memory-reply-log.js";
import { createRedisReplyLog } from "./create-redis-reply-log.js";
import type { ReplyLog } from "./reply-log.js";

/** A reply log and how to let it go at shutdown. */
export interface OwnedReplyLog {
  log: ReplyLog;
  /** Where it keeps replies, for the startup log. */
  store: "memory" | "redis";
  /** The Redis connection, when there is one, for the rate limits to share (their commands are short too). */
  redis?: RedisClient;
  /** Whether the store answers, for `/readyz`: Redis must answer a PING within a second. */
  health(): Promise<"ok" | "unavailable" | "not_configured">;
  close(): Promise<void>;
}

/** Longest wait for Redis to answer a readiness PING. */
const PING_TIMEOUT_MS = 1_000;

/**
 * The configured reply log: Redis when `REDIS_URL` is set (rejects at once when Redis is unreachable), this process's
 * memory otherwise, so `npm start` needs no other service.
 */
export async function createReplyLog(config: Pick<Config, "redisUrl" | "replyRetentionMs">, logger: Logger): Promise<OwnedReplyLog> {
  if (!config.redisUrl) return { log: createMemoryReplyLog(), store: "memory", health: async () => "not_configured", close: async () => {} };
  const client = await connectRedis(config.redisUrl, logger);
  const log = await createRedisReplyLog({ client, log: logger, retentionMs: config.replyRetentionMs });
  return {
    log,
    store: "redis",
    redis: client,
    async health() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"unavailable">((resolve) => (timer = setTimeout(() => resolve("unavailable"), PING_TIMEOUT_MS)));
      const answered = client.ping().then(
        () => "ok" as const,
        () => "unavailable" as const,
      );
      return Promise.race([answered, late]).finally(() => clearTimeout(timer));
    },
    async close() {
      await log.dispose();
      // close() lets queued writes (a reply's last events) reach Redis before the connection ends.
      await client.close().catch(() => client.destroy());
    },
  };
}
