/**
 * Relays compared (`npm run bench:compare`): this server, a raw relay (node:http + fetch + eventsource-parser) and
 * the Vercel AI SDK's pipeline, one after another, each in a process of its own, against one fake upstream in
 * another, driven by a load client in a third; all on this machine's cores. Per relay: CPU per request, CPU per
 * token at paced load, tokens per CPU-second unpaced, added time to first token alone and under load, added
 * delay per token, memory per stream, and what other processes used meanwhile; each as a multiple of the raw
 * relay's, with the targets of issue 11 marked met or not. Every stream is checked token by token: a relay that
 * loses one fails and is not measured.
 *
 *   npm run bench:compare -- [--runs N] [--quick] [--only server,raw,ai-sdk] [--json]
 *
 * Relays: raw, server, server-callbacks (LangChain's stream() with callbacks, as with tracing on), server-memory-log and server-redis-log (resumable replies with their log in memory or on
 * Redis; the last starts a redis-server), ai-sdk. Markdown on stdout (with `--json`, JSON instead); progress on stderr.
 * BENCH_SERVER_LOG=1 shows the relays' output.
 */
import { parseArgs } from "node:util";
import { startRedisServer, type RedisServerHandle } from "../fixtures/start-redis-server.js";
import { checkTargets, medianMetrics } from "./compare/compare-to-raw.js";
import { describeMachine, formatMachineNote } from "./compare/describe-machine.js";
import { formatComparison, type Comparison } from "./compare/format-comparison.js";
import { measureRelay, type LoadSizes, type RelayMetrics, type RelayOutcome } from "./compare/measure-relay.js";
import { RELAY_VARIANTS, type RelayName } from "./compare/relay-variants.js";
import { startIpcProcess, startUpstreamProcess } from "./start-bench-processes.js";

const FULL: LoadSizes = {
  perRequest: { requests: 2000, concurrency: 50 },
  paced: { streams: 200, tokens: 100, delayMs: 50, rampMs: 2000 },
  saturated: { streams: 50, tokens: 2000 },
  single: { repeats: 50, tokens: 20, delayMs: 10 },
};
const QUICK: LoadSizes = {
  perRequest: { requests: 200, concurrency: 20 },
  paced: { streams: 20, tokens: 20, delayMs: 50, rampMs: 500 },
  saturated: { streams: 10, tokens: 500 },
  single: { repeats: 5, tokens: 5, delayMs: 10 },
};
/** Other processes above this share of one core measured themselves as much as the relays. */
const BUSY_MACHINE_PERCENT = 10;

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a whole number of at least 1, got ${values.runs}`);
const known = RELAY_VARIANTS.map((variant) => variant.name);
const only = values.only?.split(",").map((name) => name.trim()) ?? known;
const unknown = only.filter((name) => !known.includes(name as RelayName));
if (unknown.length > 0) throw new Error(`--only takes ${known.join(", ")}; unknown: ${unknown.join(", ")}`);
const variants = RELAY_VARIANTS.filter((variant) => only.includes(variant.name));
const sizes = values.quick ? QUICK : FULL;

const machine = describeMachine();
process.stderr.write(`bench:compare on ${formatMachineNote(machine)}\n`);
if (machine.loadAverage[0] > machine.cores * 0.5) {
  process.stderr.write(`note: the machine is busy (load average ${machine.loadAverage[0]} on ${machine.cores} cores): figures are indicative only\n`);
}

/** Everything started, stopped in reverse order however the run ends. */
const started: { stop(): Promise<void> }[] = [];
const stopAll = async () => {
  for (const child of started.reverse()) await child.stop().catch(() => {});
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));

const runsOf = new Map<RelayName, RelayMetrics[]>();
const failures = new Map<RelayName, string>();
try {
  const upstream = await startUpstreamProcess(1, 0);
  started.push(upstream);
  const client = await startIpcProcess<unknown>("the load client", "bench/compare/load-client.ts", {});
  started.push(client);
  let redis: RedisServerHandle | undefined;
  if (variants.some((variant) => variant.needsRedis)) {
    redis = await startRedisServer();
    started.push(redis);
  }
  for (let run = 1; run <= RUNS; run++) {
    for (const variant of variants) {
      if (failures.has(variant.name)) continue;
      process.stderr.write(`run ${run} of ${RUNS}, ${variant.title}\n`);
      const outcome = await measureRelay(variant, sizes, { upstream, client, redis });
      if (!outcome.ok) {
        failures.set(variant.name, outcome.failure);
        process.stderr.write(`  ${variant.name} FAILED: ${outcome.failure}\n`);
        continue;
      }
      runsOf.set(variant.name, [...(runsOf.get(variant.name) ?? []), outcome.metrics]);
      if (outcome.metrics.othersPercentOfCore > BUSY_MACHINE_PERCENT) {
        process.stderr.write(`  warning: other processes used up to ${outcome.metrics.othersPercentOfCore}% of a core during ${variant.name}'s loads\n`);
      }
    }
  }
} finally {
  await stopAll();
}

const outcomeOf = (name: RelayName): RelayOutcome => {
  const failure = failures.get(name);
  return failure === undefined ? { ok: true, metrics: medianMetrics(runsOf.get(name)!) } : { ok: false, failure };
};
const relays = variants.map((variant) => ({ variant, outcome: outcomeOf(variant.name) }));
const metricsOf = (name: RelayName) => {
  const outcome = relays.find(({ variant }) => variant.name === name)?.outcome;
  return outcome?.ok ? outcome.metrics : undefined;
};
const comparison: Comparison = { machine, sizes, runs: RUNS, relays, targets: checkTargets(only as RelayName[], metricsOf) };
if (values.json) {
  console.log(
    JSON.stringify({ ...comparison, relays: relays.map(({ variant, outcome }) => ({ name: variant.name, title: variant.title, ...outcome })) }, null, 2),
  );
} else {
  console.log(formatComparison(comparison));
}
process.exit(failures.size > 0 ? 1 : 0);
