import { createClient, type RedisClientType } from "redis";
import type { Logger } from "../../logger.js";

export type RedisClient = RedisClientType;

/** Longest wait between reconnection attempts once the server is running. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Connects to Redis. At startup an unreachable Redis is an error at once (a clear message and exit, not a
 * crash loop); once connected, a lost connection is retried with backoff for as long as it takes, and commands issued
 * meanwhile wait in node-redis's offline queue, in order, so a reply's events reach Redis in order when it returns.
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisClient> {
  let everReady = false;
  const client: RedisClient = createClient({
    url,
    socket: {
      reconnectStrategy: (retries, cause) =>
        everReady
          ? Math.min(2 ** retries * 50, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 200)
          : new Error(`Redis is unreachable at ${redact(url)}: ${cause.message}`),
    },
  });
  let lastLogged = 0;
  client.on("error", (error: Error) => {
    // Every failed reconnection attempt emits an error: log at most one line every 10 s.
    if (!everReady || Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    log.warn({ err: error.message }, "Redis connection lost; retrying");
  });
  client.on("ready", () => {
    if (everReady) log.info("Redis connection restored");
    everReady = true;
  });
  await client.connect();
  return client;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an invalid REDIS_URL)";
  }
}
