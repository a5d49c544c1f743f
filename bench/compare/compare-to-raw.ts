/**
 * Every relay's figures as a multiple of the raw relay's ("×raw": relay ÷ raw, for every metric, so "CPU per token
 * 1.6× raw" reads as it sounds; for tokens per CPU-second, where more is better, the target is a floor), the medians
 * across runs, and the targets (issue 11, "A lean relay") with whether each is met.
 */
import type { RelayMetrics } from "./measure-relay.js";
import type { RelayName } from "./relay-variants.js";

type NumericMetric = { [Key in keyof RelayMetrics]-?: RelayMetrics[Key] extends number | undefined ? Key : never }[keyof RelayMetrics];

export interface Target {
  relay: RelayName;
  metric: NumericMetric;
  /** `at most` for costs, `at least` for throughput. */
  kind: "at most" | "at least";
  timesRaw: number;
}

const TARGETS: readonly Target[] = [
  { relay: "server", metric: "cpuPerTokenUs", kind: "at most", timesRaw: 1.6 },
  { relay: "server", metric: "cpuPerRequestUs", kind: "at most", timesRaw: 2 },
  { relay: "server", metric: "tokensPerCpuSecond", kind: "at least", timesRaw: 0.6 },
  { relay: "server-memory-log", metric: "cpuPerTokenUs", kind: "at most", timesRaw: 1.8 },
  { relay: "server-redis-log", metric: "cpuPerTokenUs", kind: "at most", timesRaw: 2.2 },
];

export interface TargetResult extends Target {
  measuredTimesRaw: number | undefined;
  met: boolean;
}

/** relay ÷ raw, to two decimals; undefined when either is missing or raw is zero. */
export function timesRaw(value: number | undefined, raw: number | undefined): number | undefined {
  if (value === undefined || raw === undefined || raw === 0 || !Number.isFinite(value) || !Number.isFinite(raw)) return undefined;
  return Math.round((value / raw) * 100) / 100;
}

/** The targets of the relays measured; a relay that failed, or a raw relay that did, meets none. */
export function checkTargets(measured: readonly RelayName[], metricsOf: (relay: RelayName) => RelayMetrics | undefined): TargetResult[] {
  const raw = metricsOf("raw");
  return TARGETS.filter((target) => measured.includes(target.relay)).map((target) => {
    const measuredTimesRaw = timesRaw(metricsOf(target.relay)?.[target.metric], raw?.[target.metric]);
    const met = measuredTimesRaw !== undefined && (target.kind === "at most" ? measuredTimesRaw <= target.timesRaw : measuredTimesRaw >= target.timesRaw);
    return { ...target, measuredTimesRaw, met };
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Each figure's median across runs (each percentile on its own); the others' CPU is the worst run's. */
export function medianMetrics(runs: readonly RelayMetrics[]): RelayMetrics {
  const of = (pick: (metrics: RelayMetrics) => number) => median(runs.map(pick));
  const pair = (pick: (metrics: RelayMetrics) => { p50: number; p99: number }) => ({ p50: of((m) => pick(m).p50), p99: of((m) => pick(m).p99) });
  const redis = runs.map((metrics) => metrics.redisCpuPerTokenUs).filter((value) => value !== undefined);
  return {
    cpuPerRequestUs: of((m) => m.cpuPerRequestUs),
    cpuPerTokenUs: of((m) => m.cpuPerTokenUs),
    cpuPerTokenPlainUs: of((m) => m.cpuPerTokenPlainUs),
    tokensPerCpuSecond: of((m) => m.tokensPerCpuSecond),
    addedFirstTokenSingle: pair((m) => m.addedFirstTokenSingle),
    addedFirstTokenPaced: pair((m) => m.addedFirstTokenPaced),
    addedTokenDelayPaced: pair((m) => m.addedTokenDelayPaced),
    memoryPerStreamKiB: of((m) => m.memoryPerStreamKiB),
    ...(redis.length > 0 ? { redisCpuPerTokenUs: median(redis) } : {}),
    othersPercentOfCore: Math.max(...runs.map((m) => m.othersPercentOfCore)),
  };
}
