/**
 * Where a process's CPU went, grouped by package: reads a V8 `.cpuprofile` (`node --cpu-prof`, or `BENCH_CPU_PROF=1`
 * with `bench:load`) and sums each function's self time under the npm package, Node built-in or project folder that
 * holds it. Idle time is left out, so the shares are of the CPU actually used.
 *
 *   node --import tsx bench/profile-by-package.ts tmp/prof/CPU.*.cpuprofile [--functions 20]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { functions: { type: "string", default: "15" } } });

/** The package, built-in or folder a script URL belongs to. */
function groupOf({ functionName, url }: ProfileNode["callFrame"]): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return url.replace(/^node:(internal\/)?/, "node:").split("/")[0]!;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  const inProject = /\/(server|sdk|contract|generated|fixtures|bench)\/(?:([^/]+)\/)?/.exec(url);
  return inProject ? `(ours) ${inProject[1]}${inProject[2] && !inProject[2].includes(".") ? `/${inProject[2]}` : ""}` : url;
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += micros;
    const group = groupOf(frame);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    const name = `${frame.functionName || "(anonymous)"} ${group}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const share = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`${file}: ${(busy / 1000).toFixed(0)} ms of CPU (idle left out)`);
  for (const [group, micros] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`  ${share(micros)}  ${group}`);
  console.log(`  top functions by self time:`);
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.functions))) console.log(`  ${share(micros)}  ${name}`);
}
