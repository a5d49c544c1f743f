import type { RedisClient } from "../replies/reply-log/connect-redis.js";
import { REDIS_LIMIT_TIMEOUT_MS } from "./create-limit-counter.js";

/**
 * How long a reply's slot outlives its last renewal. A running reply renews it every third of that, so only a crashed
 * instance's slots ever expire this way: within 30 s of the crash, its clients have their full concurrency back.
 */
const SLOT_LEASE_MS = 30_000;
const RENEW_EVERY_MS = SLOT_LEASE_MS / 3;

/** A reply's place in its client's concurrency limit. */
export type SlotVerdict = { acquired: true; running: number; release: () => void } | { acquired: false; running: number };

/** Replies running at once per client, counted across every instance sharing the store. */
export interface ConcurrencyCounter {
  /** Takes a slot unless `clientId` already holds `limit`; `running` counts this reply when it got one. */
  acquire(clientId: string, limit: number): Promise<SlotVerdict>;
}

/** Slots in this process's memory: exact, and gone with the process. */
export function createMemoryConcurrencyCounter(): ConcurrencyCounter {
  const held = new Map<string, Set<symbol>>();
  return {
    async acquire(clientId, limit) {
      const slots = held.get(clientId) ?? new Set<symbol>();
      if (slots.size >= limit) return { acquired: false, running: slots.size };
      const slot = Symbol(clientId);
      slots.add(slot);
      held.set(clientId, slots);
      const release = () => {
        if (slots.delete(slot) && slots.size === 0 && held.get(clientId) === slots) held.delete(clientId);
      };
      return { acquired: true, running: slots.size, release };
    },
  };
}

/**
 * Takes a slot atomically: drops expired leases, counts the rest, and adds this one with a lease. Times come from
 * Redis's clock, so instances whose clocks disagree still agree on which leases expired.
 */
const ACQUIRE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local running = redis.call('ZCARD', KEYS[1])
if running >= tonumber(ARGV[1]) then return {0, running} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, running + 1}
`;

/** Extends a running reply's lease (XX: a lease already released or expired is not brought back). */
const RENEW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * Slots in Redis, one sorted set per client (`chat:rl:concurrent:<client>`), each member a running reply whose score
 * is when its lease ends; this instance renews the leases of its running replies. rate-limiter-flexible counts events
 * in a window, which a slot is not: a counter's TTL would either expire under replies still running, or never while a
 * client stays busy, keeping a crashed instance's slots forever. While Redis is unavailable, slots are counted in
 * `fallback` (this process's memory) and `onFallback` is called, so limits hold per instance instead of failing.
 */
export function createRedisConcurrencyCounter(redis: RedisClient, fallback: ConcurrencyCounter, onFallback: () => void): ConcurrencyCounter {
  const leases = new Map<string, { key: string; member: string }>();
  let renewal: NodeJS.Timeout | undefined;
  const renewAll = () => {
    for (const { key, member } of leases.values()) {
      // A failed renewal is retried in 10 s; the lease lasts 30 s.
      redis.eval(RENEW_SCRIPT, { keys: [key], arguments: [member, String(SLOT_LEASE_MS)] }).catch(() => {});
    }
  };
  const acquireFromFallback = (clientId: string, limit: number) => {
    onFallback();
    return fallback.acquire(clientId, limit);
  };
  return {
    async acquire(clientId, limit) {
      if (!redis.isReady) return acquireFromFallback(clientId, limit);
      const key = `chat:rl:concurrent:${clientId}`;
      const member = crypto.randomUUID();
      const asked = redis.eval(ACQUIRE_SCRIPT, { keys: [key], arguments: [String(limit), member, String(SLOT_LEASE_MS)] }) as Promise<[number, number]>;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), REDIS_LIMIT_TIMEOUT_MS)));
      const reply = await Promise.race([asked, late]).catch(() => "failed" as const);
      clearTimeout(timer);
      if (reply === "late" || reply === "failed") {
        // A stalled Redis may still take the slot when it wakes up: give it back then.
        if (reply === "late") asked.then(([acquired]) => (acquired === 1 ? redis.zRem(key, member) : 0)).catch(() => {});
        return acquireFromFallback(clientId, limit);
      }
      const [acquired, running] = reply;
      if (acquired !== 1) return { acquired: false, running };
      leases.set(member, { key, member });
      renewal ??= setInterval(renewAll, RENEW_EVERY_MS).unref();
      const release = () => {
        if (!leases.delete(member)) return;
        if (leases.size === 0) {
          clearInterval(renewal);
          renewal = undefined;
        }
        // If Redis is away, the lease ends on its own within SLOT_LEASE_MS.
        redis.zRem(key, member).catch(() => {});
      };
      return { acquired: true, running, release };
    },
  };
}
