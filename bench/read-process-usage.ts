/**
 * CPU and memory of processes on this machine, from /proc (Linux only), as `load.ts` measures them: a benchmark
 * shares the machine's cores with everything else, so it reports what each process it started used, and what the
 * rest of the machine did meanwhile.
 */
import { readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcessUsage {
  /** User and system CPU time since the process started, all threads. */
  cpuSeconds: number;
  rssMiB: number;
}

function readOneProcessUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS; // utime, stime
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return { cpuSeconds, rssMiB: rssKiB / 1024 };
}

/** A process and its live descendants: in cluster mode the server is a primary and its workers. */
export function readProcessTreeUsage(pid: number): ProcessUsage {
  const own = readOneProcessUsage(pid);
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return children.map(readProcessTreeUsage).reduce((sum, child) => ({ cpuSeconds: sum.cpuSeconds + child.cpuSeconds, rssMiB: sum.rssMiB + child.rssMiB }), own);
}

/** CPU seconds every process on the machine has used (all cores): to see what else ran during a measurement. */
export function readMachineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}
