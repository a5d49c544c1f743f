import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import { connectRedis } from "./connect-redis.js";
import { createMemoryReplyLog } from "./create-memory-reply-log.js";
import { createRedisReplyLog } from "./create-redis-reply-log.js";
import type { ReplyLog } from "./reply-log.js";

/** A reply log and how to let it go at shutdown. */
export interface OwnedReplyLog {
  log: ReplyLog;
  /** Where it keeps replies, for the startup log. */
  store: "memory" | "redis";
  close(): Promise<void>;
}

/**
 * The configured reply log: Redis when `REDIS_URL` is set (rejects at once when Redis is unreachable), this process's
 * memory otherwise, so `npm start` needs no other service.
 */
export async function createReplyLog(config: Pick<Config, "redisUrl" | "replyRetentionMs">, logger: Logger): Promise<OwnedReplyLog> {
  if (!config.redisUrl) return { log: createMemoryReplyLog(), store: "memory", close: async () => {} };
  const client = await connectRedis(config.redisUrl, logger);
  const log = await createRedisReplyLog({ client, log: logger, retentionMs: config.replyRetentionMs });
  return {
    log,
    store: "redis",
    async close() {
      await log.dispose();
      // close() lets queued writes (a reply's last events) reach Redis before the connection ends.
      await client.close().catch(() => client.destroy());
    },
  };
}
