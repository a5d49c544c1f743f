/**
 * The byte-identity check of `resumable.ts`: each sampled reply replayed from the start and resumed after a random
 * event id k, on each instance, against the frames its first reader got.
 */
import { findMismatch, replayReply, type FirstRead } from "./resumable-reply-client.js";
import { summarise } from "./summarise-latencies.js";

/** `count` items spread evenly over `items`, so a sample covers the whole ramp. */
export function spreadSample<T>(items: readonly T[], count: number): T[] {
  const taken = Math.min(count, items.length);
  return Array.from({ length: taken }, (_, index) => items[Math.floor((index * items.length) / taken)]!);
}

async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const work = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, work));
  return results;
}

export interface ReplayTarget<Name extends string> {
  name: Name;
  baseUrl: string;
}

export interface ReplayCheckOptions {
  /** Requests in flight at once. 1 measures each resume alone; more also measures the replays' contention. */
  concurrency: number;
  timeoutMs: number;
}

/** A replay's failure, with the likely cause when the reply was gone. */
const failureOf = (replay: { status: number; error?: string }) =>
  replay.status === 404 ? `${replay.error} (expired before the check? raise --retention-ms)` : replay.error;

/**
 * Replays every reply in `replies` on every target: `GET /events` from the start must repeat all the first reader's
 * frames, and with `Last-Event-ID: k` (k random in 1..n-1) frames k+1..n, byte for byte.
 */
export async function checkReplays<Name extends string>(
  replies: readonly (FirstRead & { messageId: string })[],
  targets: readonly ReplayTarget<Name>[],
  { concurrency, timeoutMs }: ReplayCheckOptions,
) {
  const checks = await mapWithConcurrency(replies, concurrency, async (read) => {
    const results = [];
    for (const { name, baseUrl } of targets) {
      const afterId = 1 + Math.floor(Math.random() * (read.frames.length - 1));
      const fromStart = await replayReply(baseUrl, read.messageId, 0, timeoutMs);
      const fromK = await replayReply(baseUrl, read.messageId, afterId, timeoutMs);
      results.push({
        name,
        messageId: read.messageId,
        afterId,
        fromStart: failureOf(fromStart) ?? findMismatch(read.frames, fromStart.frames),
        fromK: failureOf(fromK) ?? findMismatch(read.frames.slice(afterId), fromK.frames),
        latencies: [fromStart.latencyMs, fromK.latencyMs].filter((latency) => latency !== undefined),
      });
    }
    return results;
  });
  const all = checks.flat();
  const different = (check: (typeof all)[number]) => check.fromStart !== undefined || check.fromK !== undefined;
  const byTarget = Object.fromEntries(
    targets.map(({ name }) => {
      const mine = all.filter((check) => check.name === name);
      return [
        name,
        {
          fromStartIdentical: mine.filter((check) => check.fromStart === undefined).length,
          fromKIdentical: mine.filter((check) => check.fromK === undefined).length,
          different: mine.filter(different).length,
          /** From sending `GET /events` to the first replayed event, over both requests of every reply. */
          resumeLatencyMs: summarise(mine.flatMap((check) => check.latencies)),
        },
      ];
    }),
  ) as Record<Name, { fromStartIdentical: number; fromKIdentical: number; different: number; resumeLatencyMs: ReturnType<typeof summarise> }>;
  const firstMismatches = all
    .filter(different)
    .slice(0, 3)
    .map(({ name, messageId, afterId, fromStart, fromK }) => ({ name, messageId, afterId, fromStart, fromK }));
  return { checkedReplies: checks.length, concurrency, ...byTarget, firstMismatches };
}
