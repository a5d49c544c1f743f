/**
 * Resumable replies under load (`npm run bench:resumable`): N concurrent resumable replies through the real server
 * (its own process tree) to the fake upstream (another process), each read to its end; then, for a sample, a replay
 * from the start and a resume after a random event id k, whose bytes must equal the first reader's frames (1..n and
 * k+1..n; heartbeat comments aside); then a wait past REPLY_RETENTION_MS, after which nothing may be left.
 *
 *   npm run bench:resumable -- --streams 100 --tokens 100 --delay-ms 50 --store redis
 *   npm run bench:resumable -- --streams 1000 --tokens 50 --delay-ms 100 --store redis --retention-ms 30000
 *
 * `--retention-ms` (the servers' REPLY_RETENTION_MS) must outlast the ramp, the replies' lateness and the replay
 * checks, or the first replies expire before they are checked (a 404, reported as such). `--workers` sets the
 * server's SERVER_WORKERS (default 1); the memory store takes one worker only.
 *
 * With `--store redis` it starts a redis-server and a second server instance on it. The generating instance answers
 * a resume from its own memory while the reply is retained, so only the second instance's replays come from Redis:
 * both are checked. Reports completed/failed, time to first token, the server's CPU per token, resume latency, Redis
 * memory per reply and what was left after retention, with the CPU that other processes used meanwhile. Exits 1
 * when a check failed (a reply incomplete, a replay different, a key left behind).
 *
 * BENCH_SERVER_LOG=1 shows the servers' log lines.
 */
import { availableParallelism, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { startRedisServer } from "../fixtures/start-redis-server.js";
import { readMachineBusySeconds, readProcessTreeUsage } from "./read-process-usage.js";
import { checkReplays, spreadSample } from "./check-replays.js";
import { measureReplyKeys } from "./measure-reply-keys.js";
import { readResumableReply, replayReply, type FirstRead } from "./resumable-reply-client.js";
import { startServerProcess, startUpstreamProcess, type ServerProcess } from "./start-bench-processes.js";
import { roundToTenth, summarise } from "./summarise-latencies.js";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "100" },
    tokens: { type: "string", default: "100" },
    "delay-ms": { type: "string", default: "50" },
    "ramp-ms": { type: "string", default: "2000" },
    store: { type: "string", default: "memory" },
    workers: { type: "string", default: "1" },
    // Replies replayed and resumed after the run; all of them by default.
    sample: { type: "string" },
    // Must outlast the ramp plus the replay checks, or the first replies expire before they are checked.
    "retention-ms": { type: "string", default: "10000" },
    // Replays in flight at once: 1 measures each resume alone, more adds their contention to the latency.
    "replay-concurrency": { type: "string", default: "1" },
    "timeout-s": { type: "string", default: "300" },
    json: { type: "boolean", default: false },
  },
});
const readCount = (name: keyof typeof values, min: number) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got ${String(values[name])}`);
  return value;
};
const STREAMS = readCount("streams", 1);
const TOKENS = readCount("tokens", 1);
const DELAY_MS = readCount("delay-ms", 0);
const RAMP_MS = readCount("ramp-ms", 0);
const WORKERS = readCount("workers", 1);
const SAMPLE = Math.min(STREAMS, values.sample === undefined ? STREAMS : readCount("sample", 1));
const RETENTION_MS = readCount("retention-ms", 1000);
const REPLAY_CONCURRENCY = readCount("replay-concurrency", 1);
const TIMEOUT_MS = readCount("timeout-s", 10) * 1000;
const STORE = values.store;
if (STORE !== "memory" && STORE !== "redis") throw new Error(`--store must be memory or redis, got ${STORE}`);
// Each worker keeps its own memory log: a resume that lands on another worker would find nothing.
if (STORE === "memory" && WORKERS > 1) throw new Error("--store memory needs --workers 1: each worker's memory log is its own");

/** Concurrent replies before the measurement, so the JIT has compiled the paths measured. */
const WARM_UPS = 5;
/** A reply that has not ended this long after its last token was due has failed. */
const STREAM_SLACK_MS = 60_000;
const REPLAY_TIMEOUT_MS = 30_000;
/** How long past the retention Redis and the servers get to let go of an ended reply (Redis expires keys lazily). */
const EXPIRY_SLACK_MS = 15_000;
/** Replies whose Redis keys are measured with MEMORY USAGE. */
const MEMORY_USAGE_SAMPLE = 50;
/** Replies asked for after retention, on each instance: each must be gone (404). */
const EXPIRY_SAMPLE = 50;
const STREAM_TIMEOUT_MS = TOKENS * DELAY_MS + STREAM_SLACK_MS;

const now = () => performance.timeOrigin + performance.now();
const range = (count: number) => Array.from({ length: count }, (_, index) => index);

/** Everything started, stopped in reverse order however the run ends. */
const started: { stop(): Promise<void> }[] = [];
let stopping: Promise<void> | undefined;
const stopAll = () =>
  (stopping ??= (async () => {
    for (const process_ of started.reverse()) await process_.stop().catch(() => {});
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));
const giveUp = setTimeout(() => {
  console.error(`bench:resumable: gave up after ${TIMEOUT_MS / 1000} s (--timeout-s); stopping everything it started`);
  void stopAll().then(() => process.exit(2));
}, TIMEOUT_MS);

async function run() {
  const redisServer = STORE === "redis" ? await startRedisServer() : undefined;
  if (redisServer) started.push(redisServer);
  const redis = redisServer ? createClient({ url: redisServer.url }) : undefined;
  if (redis) {
    redis.on("error", () => {});
    await redis.connect();
    started.push({ stop: () => redis.close() });
  }
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec((await redis?.info("memory")) ?? "")?.[1] ?? Number.NaN);
  const dbSize = async () => (redis ? await redis.dbSize() : undefined);

  const upstream = await startUpstreamProcess(TOKENS, DELAY_MS);
  started.push(upstream);
  const serverEnv = {
    OPENAI_BASE_URL: upstream.baseUrl,
    OPENAI_API_KEY: "bench",
    OPENAI_MODEL: "fake-model",
    MAX_CONCURRENT_STREAMS: String(STREAMS + WARM_UPS),
    SERVER_WORKERS: String(WORKERS),
    REPLY_RETENTION_MS: String(RETENTION_MS),
    LOG_LEVEL: "info",
    ...(redisServer ? { REDIS_URL: redisServer.url } : {}),
  };
  const server = await startServerProcess("the server", serverEnv);
  started.push(server);
  const second = redisServer ? await startServerProcess("the second instance", { ...serverEnv, SERVER_WORKERS: "1" }) : undefined;
  if (second) started.push(second);
  const instances: { name: "sameInstance" | "otherInstance"; server: ServerProcess }[] = [
    { name: "sameInstance", server },
    ...(second ? [{ name: "otherInstance" as const, server: second }] : []),
  ];

  /** Once past the retention of the last reply: how many keys, and how many of `messageIds` are still readable. */
  const waitForExpiry = async (messageIds: string[], lastEndedAt: number) => {
    await sleep(Math.max(0, lastEndedAt + RETENTION_MS - now()));
    const ids = spreadSample(messageIds, EXPIRY_SAMPLE);
    for (;;) {
      const keysLeft = await dbSize();
      const answers = await Promise.all(instances.flatMap(({ server: { baseUrl } }) => ids.map((id) => replayReply(baseUrl, id, 0, REPLAY_TIMEOUT_MS))));
      const stillReadable = answers.filter((answer) => answer.status !== 404).length;
      const gone = (keysLeft ?? 0) === 0 && stillReadable === 0;
      if (gone || now() > lastEndedAt + RETENTION_MS + EXPIRY_SLACK_MS) {
        return { afterLastEndMs: Math.round(now() - lastEndedAt), keysLeft, repliesAskedOnEachInstance: ids.length, stillReadable };
      }
      await sleep(500);
    }
  };

  // Warm-up: the first and the replay paths compiled, and its keys expired, so the measurement starts from nothing.
  process.stderr.write(`warm-up: ${WARM_UPS} replies… `);
  const warmUps = await Promise.all(range(WARM_UPS).map((index) => readResumableReply(server.baseUrl, `warm-up ${index}`, TOKENS, STREAM_TIMEOUT_MS)));
  const failedWarmUp = warmUps.find((read) => !read.ok);
  if (failedWarmUp) throw new Error(`a warm-up reply failed: ${failedWarmUp.error}`);
  const warmUpIds = warmUps.map((read) => read.messageId!);
  for (const { server: instance } of instances) await Promise.all(warmUpIds.map((id) => replayReply(instance.baseUrl, id, 1, REPLAY_TIMEOUT_MS)));
  const warmUpExpiry = await waitForExpiry(warmUpIds, Math.max(...warmUps.map((read) => read.endedAt!)));
  process.stderr.write(`expired after ${warmUpExpiry.afterLastEndMs} ms\n`);

  const usage = () => ({
    server: readProcessTreeUsage(server.pid),
    upstream: readProcessTreeUsage(upstream.pid).cpuSeconds,
    redis: redisServer ? readProcessTreeUsage(redisServer.pid).cpuSeconds : 0,
    second: second ? readProcessTreeUsage(second.pid).cpuSeconds : 0,
    client: process.cpuUsage(),
    machine: readMachineBusySeconds(),
    loadAverage: loadavg()[0]!,
  });
  const redisMemoryBefore = await usedMemory();
  const before = usage();
  let peakRss = before.server.rssMiB;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, readProcessTreeUsage(server.pid).rssMiB)), 1000);

  process.stderr.write(`${STREAMS} resumable replies, ${TOKENS} tokens each at ${DELAY_MS} ms, ramp ${RAMP_MS} ms, store ${STORE}, ${WORKERS} worker(s)… `);
  const loadStartedAt = performance.now();
  const reads = await Promise.all(
    range(STREAMS).map(async (index) => {
      await sleep((RAMP_MS * index) / STREAMS);
      return readResumableReply(server.baseUrl, `resumable ${index}`, TOKENS, STREAM_TIMEOUT_MS);
    }),
  );
  const loadSeconds = (performance.now() - loadStartedAt) / 1000;
  clearInterval(sampler);
  const after = usage();
  process.stderr.write(`${Math.round(loadSeconds * 1000)} ms\n`);
  const redisMemoryAfter = await usedMemory();
  const keysAtEnd = await dbSize();

  const completed = reads.filter((read): read is FirstRead & { messageId: string } => read.ok && read.messageId !== undefined);
  const failures = reads.filter((read) => !read.ok);
  const lastEndedAt = Math.max(...reads.map((read) => read.endedAt ?? 0));

  const sampledKeys = redis
    ? await measureReplyKeys(
        redis,
        spreadSample(completed, MEMORY_USAGE_SAMPLE).map((read) => read.messageId),
        TOKENS + 1,
      )
    : undefined;

  process.stderr.write(`replaying ${SAMPLE} replies from the start and from a random id on ${instances.length} instance(s)… `);
  const replayStartedAt = performance.now();
  const replays = await checkReplays(
    spreadSample(completed, SAMPLE),
    instances.map(({ name, server: instance }) => ({ name, baseUrl: instance.baseUrl })),
    { concurrency: REPLAY_CONCURRENCY, timeoutMs: REPLAY_TIMEOUT_MS },
  );
  process.stderr.write(`${Math.round(performance.now() - replayStartedAt)} ms\n`);

  process.stderr.write(`waiting for REPLY_RETENTION_MS (${RETENTION_MS} ms) to pass… `);
  const expiry = await waitForExpiry(
    completed.map((read) => read.messageId),
    lastEndedAt,
  );
  process.stderr.write(`${expiry.afterLastEndMs} ms after the last reply ended\n`);
  const redisMemoryAfterRetention = await usedMemory();
  const rssAfterRetentionMiB = readProcessTreeUsage(server.pid).rssMiB;

  const cpu = (from: number, to: number) => to - from;
  const serverCpu = cpu(before.server.cpuSeconds, after.server.cpuSeconds);
  const clientCpu = (after.client.user - before.client.user + after.client.system - before.client.system) / 1e6;
  const percentOfCore = (seconds: number) => Math.round((seconds / loadSeconds) * 100);
  const othersCpu =
    cpu(before.machine, after.machine) -
    serverCpu -
    cpu(before.upstream, after.upstream) -
    cpu(before.redis, after.redis) -
    cpu(before.second, after.second) -
    clientCpu;
  const tokensRelayed = completed.length * TOKENS + failures.reduce((sum, read) => sum + read.tokens, 0);

  return {
    config: {
      streams: STREAMS,
      tokensPerStream: TOKENS,
      tokenDelayMs: DELAY_MS,
      rampMs: RAMP_MS,
      store: STORE,
      serverWorkers: WORKERS,
      replyRetentionMs: RETENTION_MS,
      replayedSample: SAMPLE,
      cores: availableParallelism(),
    },
    firstReads: { completed: completed.length, failed: failures.length, firstErrors: [...new Set(failures.map((read) => read.error))].slice(0, 3) },
    // Includes the upstream's own --delay-ms before its first chunk.
    timeToFirstTokenMs: summarise(completed.flatMap((read) => (read.timeToFirstTokenMs === undefined ? [] : [read.timeToFirstTokenMs]))),
    // How much longer than tokens × delay-ms each reply took to arrive whole: the server keeping pace, or not.
    replyLatenessMs: summarise(completed.map((read) => read.endedAt! - read.startedAt - TOKENS * DELAY_MS)),
    replays,
    serverProcess: {
      cpuPercentOfOneCore: percentOfCore(serverCpu),
      cpuMicrosecondsPerToken: Math.round((serverCpu * 1e6) / tokensRelayed),
      idleRssMiB: Math.round(before.server.rssMiB),
      peakRssMiB: Math.round(peakRss),
      rssAfterRetentionMiB: Math.round(rssAfterRetentionMiB),
    },
    ...(redis
      ? {
          redis: {
            cpuPercentOfOneCore: percentOfCore(cpu(before.redis, after.redis)),
            usedMemoryBeforeBytes: redisMemoryBefore,
            usedMemoryAtEndBytes: redisMemoryAfter,
            usedMemoryAfterRetentionBytes: redisMemoryAfterRetention,
            bytesPerReply: Math.round((redisMemoryAfter - redisMemoryBefore) / completed.length),
            bytesPerToken: roundToTenth((redisMemoryAfter - redisMemoryBefore) / completed.length / TOKENS),
            keysAtEnd,
            memoryUsageOfSampledKeys: sampledKeys,
          },
        }
      : {}),
    afterRetention: expiry,
    warmUpAfterRetention: warmUpExpiry,
    machine: {
      loadGeneratorCpuPercentOfOneCore: percentOfCore(clientCpu),
      fakeUpstreamCpuPercentOfOneCore: percentOfCore(cpu(before.upstream, after.upstream)),
      ...(second ? { secondInstanceCpuPercentOfOneCore: percentOfCore(cpu(before.second, after.second)) } : {}),
      // Anything else running here takes cores the server would use: more than a few percent, and the figures are
      // the machine's, not the server's alone.
      otherProcessesCpuPercentOfOneCore: percentOfCore(othersCpu),
      loadAverageBefore: roundToTenth(before.loadAverage),
      loadAverageAfter: roundToTenth(after.loadAverage),
    },
  };
}

let exitCode = 1;
try {
  const report = await run();
  const passed =
    report.firstReads.failed === 0 &&
    report.replays.firstMismatches.length === 0 &&
    report.replays.checkedReplies === report.config.replayedSample &&
    (report.afterRetention.keysLeft ?? 0) === 0 &&
    report.afterRetention.stillReadable === 0;
  if (report.machine.otherProcessesCpuPercentOfOneCore > 10) {
    console.error(
      `warning: other processes used ${report.machine.otherProcessesCpuPercentOfOneCore}% of a core during the run; the figures are not the server's alone`,
    );
  }
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  if (!passed) console.error("bench:resumable: a check failed (see firstReads, replays and afterRetention above)");
  exitCode = passed ? 0 : 1;
} catch (error) {
  console.error("bench:resumable:", error instanceof Error ? (error.stack ?? error.message) : error);
} finally {
  clearTimeout(giveUp);
  await stopAll();
}
process.exit(exitCode);
