/**
 * Redis's own account of resumable replies' keys (`MEMORY USAGE`), for `resumable.ts`. The key names are the
 * server's (`server/replies/reply-log/redis-keys.ts`); a benchmark reads them the way an operator would.
 */
import type { createClient } from "redis";
import { roundToTenth } from "./summarise-latencies.js";

const mean = (numbers: number[]) => numbers.reduce((sum, value) => sum + value, 0) / numbers.length;

/** Mean bytes of the replies' `reply:{id}:events` Streams and `reply:{id}:meta` hashes; `eventsPerReply` for the per-event figure. */
export async function measureReplyKeys(redis: ReturnType<typeof createClient>, messageIds: string[], eventsPerReply: number) {
  // SAMPLES 0 counts every entry of the Stream rather than estimating from the first five.
  const keyBytes = async (key: string) => Number(await redis.memoryUsage(key, { SAMPLES: 0 }));
  const eventsKeyBytes = await Promise.all(messageIds.map((id) => keyBytes(`reply:{${id}}:events`)));
  const metaKeyBytes = await Promise.all(messageIds.map((id) => keyBytes(`reply:{${id}}:meta`)));
  // A Stream allocates nodes of up to 100 entries and preallocates 4 KiB for each (Redis 7), so a reply's events
  // cost ~4.7 KB per started hundred events, however short: the bytes per event fall as replies grow.
  return {
    replies: messageIds.length,
    eventsKeyMeanBytes: Math.round(mean(eventsKeyBytes)),
    eventsKeyBytesPerEvent: roundToTenth(mean(eventsKeyBytes) / eventsPerReply),
    metaKeyMeanBytes: Math.round(mean(metaKeyBytes)),
  };
}
