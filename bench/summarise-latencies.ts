/** Rounds to 0.1, the precision the benchmarks report. */
export const roundToTenth = (value: number) => Math.round(value * 10) / 10;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** p50, p95, p99 and max of the values (nearest-rank), rounded to 0.1: how the benchmarks report latencies. */
export function summarise(values: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: roundToTenth(percentile(sorted, 50)),
    p95: roundToTenth(percentile(sorted, 95)),
    p99: roundToTenth(percentile(sorted, 99)),
    max: roundToTenth(sorted.at(-1) ?? Number.NaN),
  };
}
