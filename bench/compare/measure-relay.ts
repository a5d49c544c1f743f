/**
 * Everything `compare.ts` measures of one relay, in one process started for it: a warm-up, then four loads against
 * the same upstream, each checked stream by stream (a relay that loses, alters or reorders one token fails, and is
 * not measured), then its figures.
 */
import { startHttpProcess, type IpcProcess, type UpstreamProcess } from "../start-bench-processes.js";
import { summarise } from "../summarise-latencies.js";
import type { LoadPlan } from "./load-client.js";
import { measurePhase, type PhaseMeasurement } from "./measure-phase.js";
import type { RelayVariant } from "./relay-variants.js";

/** How big each load is: `--quick` makes them small enough for a smoke run. */
export interface LoadSizes {
  /** Short replies (1 token each) for the cost of a request. */
  perRequest: { requests: number; concurrency: number };
  /** Paced streams, ramped, for the cost of a token, latency and memory. */
  paced: { streams: number; tokens: number; delayMs: number; rampMs: number };
  /** Long replies with no pacing: the relay as fast as it goes. */
  saturated: { streams: number; tokens: number };
  /** One stream at a time, for the time to first token alone. */
  single: { repeats: number; tokens: number; delayMs: number };
}

export interface RelayMetrics {
  cpuPerRequestUs: number;
  /** The paced run's CPU less its requests' cost (each 1-token reply already paid for one token), per further token. */
  cpuPerTokenUs: number;
  /** The paced run's CPU divided by its tokens, requests' cost included. */
  cpuPerTokenPlainUs: number;
  tokensPerCpuSecond: number;
  /** Client's arrival minus the upstream's write, ms. */
  addedFirstTokenSingle: { p50: number; p99: number };
  addedFirstTokenPaced: { p50: number; p99: number };
  addedTokenDelayPaced: { p50: number; p99: number };
  memoryPerStreamKiB: number;
  /** Redis's CPU per token of the paced run, when the relay uses it. */
  redisCpuPerTokenUs?: number;
  /** The most other processes used during any load, in % of one core. */
  othersPercentOfCore: number;
}

export type RelayOutcome = { ok: true; metrics: RelayMetrics } | { ok: false; failure: string };

const percentiles = (values: number[]) => {
  const { p50, p99 } = summarise(values);
  return { p50, p99 };
};

/** The first failed stream of a load, described, or undefined when every stream was whole. */
function findFailure(phase: string, measured: PhaseMeasurement): string | undefined {
  const failed = measured.results.filter((result) => !result.ok);
  if (failed.length > 0) return `${phase}: ${failed.length} of ${measured.results.length} streams failed (first: ${failed[0]!.error})`;
  const unmatched = measured.upstreamRequests.filter((request) => request === undefined).length;
  if (unmatched > 0) return `${phase}: the upstream has no record of ${unmatched} of ${measured.results.length} messages`;
  return undefined;
}

export async function measureRelay(
  variant: RelayVariant,
  sizes: LoadSizes,
  shared: { upstream: UpstreamProcess; client: IpcProcess<unknown>; redis?: { pid: number; url: string } },
): Promise<RelayOutcome> {
  const relay = await startHttpProcess(variant.title, variant.script, variant.env(shared.upstream.baseUrl, shared.redis?.url));
  try {
    const processes = { relayPid: relay.pid, upstream: shared.upstream, client: shared.client, redisPid: variant.needsRedis ? shared.redis?.pid : undefined };
    const plan = (label: string, requests: number, concurrency: number, tokens: number, extra: Partial<LoadPlan> = {}): LoadPlan => ({
      url: `${relay.baseUrl}/api/v1/messages`,
      format: variant.format,
      body: variant.body,
      label,
      requests,
      concurrency,
      rampMs: 0,
      expectedTokens: tokens,
      keepArrivals: false,
      timeoutMs: 120_000,
      ...extra,
    });
    const { perRequest, paced, saturated, single } = sizes;
    const phases: [string, () => Promise<PhaseMeasurement>][] = [
      // tsx's compile and the JIT are not what we measure: every path runs first, small.
      ["warm-up", () => measurePhase(processes, { tokens: 1, delayMs: 0 }, plan("warm-up short", 200, 20, 1))],
      ["warm-up", () => measurePhase(processes, { tokens: 200, delayMs: 0 }, plan("warm-up long", 20, 10, 200))],
      // Paced first: its memory per stream is the growth over the warmed-up process, before 2,000 requests grow the heap.
      [
        "paced",
        () =>
          measurePhase(
            processes,
            { tokens: paced.tokens, delayMs: paced.delayMs },
            plan("paced", paced.streams, paced.streams, paced.tokens, { rampMs: paced.rampMs, keepArrivals: true }),
          ),
      ],
      ["per request", () => measurePhase(processes, { tokens: 1, delayMs: 0 }, plan("short", perRequest.requests, perRequest.concurrency, 1))],
      ["single stream", () => measurePhase(processes, { tokens: single.tokens, delayMs: single.delayMs }, plan("single", single.repeats, 1, single.tokens))],
      [
        "saturated",
        () => measurePhase(processes, { tokens: saturated.tokens, delayMs: 0 }, plan("saturated", saturated.streams, saturated.streams, saturated.tokens)),
      ],
    ];
    const measured = new Map<string, PhaseMeasurement>();
    for (const [name, run] of phases) {
      process.stderr.write(`  ${variant.name}: ${name}… `);
      const result = await run();
      process.stderr.write(`${result.seconds.toFixed(1)} s\n`);
      const failure = findFailure(name, result);
      if (failure) return { ok: false, failure };
      measured.set(name, result);
    }
    return { ok: true, metrics: computeMetrics(sizes, measured) };
  } finally {
    await relay.stop();
  }
}

function computeMetrics(sizes: LoadSizes, measured: Map<string, PhaseMeasurement>): RelayMetrics {
  const perRequest = measured.get("per request")!;
  const single = measured.get("single stream")!;
  const paced = measured.get("paced")!;
  const saturated = measured.get("saturated")!;
  const cpuPerRequest = perRequest.cpu.relay / sizes.perRequest.requests;
  const pacedTokens = sizes.paced.streams * sizes.paced.tokens;
  const firstTokenDelays = (phase: PhaseMeasurement) =>
    phase.results.map((result, index) => result.arrivals[0]! - phase.upstreamRequests[index]!.tokenSentAt[0]!);
  const tokenDelays = paced.results.flatMap((result, index) =>
    result.arrivals.map((arrival, token) => arrival - paced.upstreamRequests[index]!.tokenSentAt[token]!),
  );
  const measuredLoads = [...measured.entries()].filter(([name]) => name !== "warm-up").map(([, phase]) => phase);
  return {
    cpuPerRequestUs: Math.round(cpuPerRequest * 1e6),
    cpuPerTokenUs: Math.round(((paced.cpu.relay - sizes.paced.streams * cpuPerRequest) / (pacedTokens - sizes.paced.streams)) * 1e6),
    cpuPerTokenPlainUs: Math.round((paced.cpu.relay / pacedTokens) * 1e6),
    // Under one clock tick (10 ms) of CPU there is nothing to divide by: NaN, shown as "–" (and null in JSON).
    tokensPerCpuSecond: saturated.cpu.relay > 0 ? Math.round((sizes.saturated.streams * sizes.saturated.tokens) / saturated.cpu.relay) : Number.NaN,
    addedFirstTokenSingle: percentiles(firstTokenDelays(single)),
    addedFirstTokenPaced: percentiles(firstTokenDelays(paced)),
    addedTokenDelayPaced: percentiles(tokenDelays),
    memoryPerStreamKiB: Math.round(((paced.peakRssMiB - paced.idleRssMiB) * 1024) / sizes.paced.streams),
    ...(paced.cpu.redis > 0 ? { redisCpuPerTokenUs: Math.round((paced.cpu.redis / pacedTokens) * 1e6) } : {}),
    othersPercentOfCore: Math.max(...measuredLoads.map((phase) => Math.round((phase.cpu.others / phase.seconds) * 100))),
  };
}
