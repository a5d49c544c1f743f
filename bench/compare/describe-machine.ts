/**
 * What a comparison ran on, printed with its figures: they are only comparable with figures from the same kind of
 * machine, and only trustworthy when the machine was quiet (the load average says how busy it was as the run began).
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

export interface MachineNote {
  date: string;
  cores: number;
  cpuModel: string;
  node: string;
  /** 1-, 5- and 15-minute load averages as the run began. */
  loadAverage: [number, number, number];
}

export function describeMachine(): MachineNote {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU";
  const [one, five, fifteen] = loadavg().map((value) => Math.round(value * 100) / 100);
  return {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    cores: availableParallelism(),
    cpuModel,
    node: process.version,
    loadAverage: [one!, five!, fifteen!],
  };
}

export function formatMachineNote(machine: MachineNote): string {
  return `${machine.date}; ${machine.cores} cores (${machine.cpuModel}); Node ${machine.node}; load average ${machine.loadAverage.join(" / ")} at the start`;
}
