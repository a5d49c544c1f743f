/**
 * The comparison as Markdown, ready to paste into the README: the machine it ran on, one row per relay with every
 * figure and its multiple of the raw relay's, and the issue's targets, each marked met or not met.
 */
import type { TargetResult } from "./compare-to-raw.js";
import { timesRaw } from "./compare-to-raw.js";
import { formatMachineNote, type MachineNote } from "./describe-machine.js";
import type { LoadSizes, RelayMetrics, RelayOutcome } from "./measure-relay.js";
import type { RelayVariant } from "./relay-variants.js";

export interface Comparison {
  machine: MachineNote;
  sizes: LoadSizes;
  runs: number;
  relays: { variant: RelayVariant; outcome: RelayOutcome }[];
  targets: TargetResult[];
}

const METRIC_NAMES: Record<TargetResult["metric"], string> = {
  cpuPerRequestUs: "CPU per request",
  cpuPerTokenUs: "CPU per token",
  cpuPerTokenPlainUs: "CPU per token (plain)",
  tokensPerCpuSecond: "tokens per CPU-second",
  memoryPerStreamKiB: "memory per stream",
  redisCpuPerTokenUs: "Redis CPU per token",
  othersPercentOfCore: "other processes' CPU",
};

const grouped = (value: number) => (Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: 1 }) : "–");
const ratio = (value: number | undefined) => (value === undefined ? "" : ` (${value}×)`);

function row(variant: RelayVariant, metrics: RelayMetrics, raw: RelayMetrics | undefined): string {
  const withRatio = (value: number, rawValue: number | undefined, unit: string) => `${grouped(value)}${unit}${ratio(timesRaw(value, rawValue))}`;
  const pair = (value: { p50: number; p99: number }, rawValue: { p50: number; p99: number } | undefined) =>
    `${grouped(value.p50)} / ${grouped(value.p99)} ms${rawValue ? ` (${timesRaw(value.p50, rawValue.p50) ?? "–"}× / ${timesRaw(value.p99, rawValue.p99) ?? "–"}×)` : ""}`;
  return [
    variant.title,
    withRatio(metrics.cpuPerRequestUs, raw?.cpuPerRequestUs, " µs"),
    withRatio(metrics.cpuPerTokenUs, raw?.cpuPerTokenUs, " µs"),
    withRatio(metrics.cpuPerTokenPlainUs, raw?.cpuPerTokenPlainUs, " µs"),
    withRatio(metrics.tokensPerCpuSecond, raw?.tokensPerCpuSecond, ""),
    pair(metrics.addedFirstTokenSingle, raw?.addedFirstTokenSingle),
    pair(metrics.addedFirstTokenPaced, raw?.addedFirstTokenPaced),
    pair(metrics.addedTokenDelayPaced, raw?.addedTokenDelayPaced),
    withRatio(metrics.memoryPerStreamKiB, raw?.memoryPerStreamKiB, " KiB"),
    `${metrics.othersPercentOfCore} %`,
  ].join(" | ");
}

export function formatComparison({ machine, sizes, runs, relays, targets }: Comparison): string {
  const raw = relays.find(({ variant }) => variant.name === "raw")?.outcome;
  const rawMetrics = raw?.ok ? raw.metrics : undefined;
  const { perRequest, paced, saturated, single } = sizes;
  const lines = [
    `Measured ${formatMachineNote(machine)}; ${runs === 1 ? "one run" : `median of ${runs} runs`}.`,
    "",
    `| Relay | CPU per request | CPU per token | CPU per token (plain) | Tokens per CPU-second | Added first token, 1 stream p50 / p99 | Added first token, ${paced.streams} streams p50 / p99 | Added token delay, ${paced.streams} streams p50 / p99 | Memory per stream | Other processes |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...relays.map(({ variant, outcome }) =>
      outcome.ok ? `| ${row(variant, outcome.metrics, rawMetrics)} |` : `| ${variant.title} | **failed**: ${outcome.failure} |${" – |".repeat(8)}`,
    ),
    "",
    `(×raw: the relay's figure ÷ the raw relay's. CPU per request: ${grouped(perRequest.requests)} 1-token replies, ${perRequest.concurrency} at a time. ` +
      `CPU per token: ${paced.streams} streams × ${paced.tokens} tokens at one per ${paced.delayMs} ms, ramped over ${grouped(paced.rampMs)} ms, less the requests' cost, per further token; ` +
      `plain: the same run's CPU ÷ its tokens. Tokens per CPU-second: ${saturated.streams} × ${grouped(saturated.tokens)} tokens, unpaced. ` +
      `First token alone: ${single.repeats} replies one after another. Added: the client's arrival minus the upstream's write. ` +
      `Other processes: the most CPU the rest of the machine used during any load, in % of one core.)`,
  ];
  const redis = relays.find(({ variant, outcome }) => variant.name === "server-redis-log" && outcome.ok)?.outcome;
  if (redis?.ok && redis.metrics.redisCpuPerTokenUs !== undefined)
    lines.push("", `Redis itself used ${redis.metrics.redisCpuPerTokenUs} µs of CPU per token (not in the server's figures).`);
  if (targets.length > 0) {
    lines.push("", "| Target (issue 11) | Measured | |", "| --- | --- | --- |");
    for (const target of targets) {
      const title = relays.find(({ variant }) => variant.name === target.relay)?.variant.title ?? target.relay;
      const bound = `${target.kind === "at most" ? "≤" : "≥"} ${target.timesRaw}× raw`;
      const measured = target.measuredTimesRaw === undefined ? "–" : `${target.measuredTimesRaw}× raw`;
      lines.push(`| ${title}: ${METRIC_NAMES[target.metric]} ${bound} | ${measured} | ${target.met ? "met" : "**not met**"} |`);
    }
  }
  return lines.join("\n");
}
