/**
 * One load against one relay, with what every process on the machine spent meanwhile: the relay's CPU and its peak
 * memory, the upstream's, the load client's, Redis's, this orchestrator's, and everything else's (the machine's busy
 * time minus all of those). On a shared machine the last one says whether the others were measured alone.
 */
import { readMachineBusySeconds, readProcessTreeUsage } from "../read-process-usage.js";
import type { IpcProcess, UpstreamProcess } from "../start-bench-processes.js";
import type { UpstreamReport } from "../fake-upstream-process.js";
import type { LoadAnswer, LoadPlan, LoadRequest } from "./load-client.js";
import type { RelayStreamResult } from "./read-relay-stream.js";

/** Often enough to catch the peak of a 7-second run, rarely enough to cost this process next to nothing. */
const RSS_SAMPLE_MS = 100;

export interface PhaseProcesses {
  relayPid: number;
  upstream: UpstreamProcess;
  client: IpcProcess<unknown>;
  redisPid?: number;
}

export interface PhaseMeasurement {
  results: RelayStreamResult[];
  /** The upstream's record of each result's request (same index), for delivery delays. */
  upstreamRequests: (UpstreamReport["requests"][number] | undefined)[];
  seconds: number;
  /** CPU seconds each spent during the load. */
  cpu: { relay: number; upstream: number; client: number; redis: number; orchestrator: number; others: number };
  idleRssMiB: number;
  peakRssMiB: number;
}

function snapshot({ relayPid, upstream, client, redisPid }: PhaseProcesses) {
  const orchestrator = process.cpuUsage();
  return {
    relay: readProcessTreeUsage(relayPid),
    upstream: readProcessTreeUsage(upstream.pid).cpuSeconds,
    client: readProcessTreeUsage(client.pid).cpuSeconds,
    redis: redisPid === undefined ? 0 : readProcessTreeUsage(redisPid).cpuSeconds,
    orchestrator: (orchestrator.user + orchestrator.system) / 1e6,
    machine: readMachineBusySeconds(),
  };
}

/** Sets the upstream's reply, runs `plan` in the load client, and measures every process while it runs. */
export async function measurePhase(processes: PhaseProcesses, reply: { tokens: number; delayMs: number }, plan: LoadPlan): Promise<PhaseMeasurement> {
  await processes.upstream.setReply(reply.tokens, reply.delayMs);
  await processes.upstream.report(); // forget what came before
  const before = snapshot(processes);
  let peakRssMiB = before.relay.rssMiB;
  const sampler = setInterval(() => (peakRssMiB = Math.max(peakRssMiB, readProcessTreeUsage(processes.relayPid).rssMiB)), RSS_SAMPLE_MS);
  const startedAt = performance.now();
  const { results } = await processes.client.ask<LoadAnswer, LoadRequest>({ type: "load", plan }, "loaded");
  const seconds = (performance.now() - startedAt) / 1000;
  clearInterval(sampler);
  const after = snapshot(processes);
  peakRssMiB = Math.max(peakRssMiB, after.relay.rssMiB);

  const byMessage = new Map((await processes.upstream.report()).map((request) => [request.message, request]));
  const spent = {
    relay: after.relay.cpuSeconds - before.relay.cpuSeconds,
    upstream: after.upstream - before.upstream,
    client: after.client - before.client,
    redis: after.redis - before.redis,
    orchestrator: after.orchestrator - before.orchestrator,
  };
  const ours = spent.relay + spent.upstream + spent.client + spent.redis + spent.orchestrator;
  return {
    results,
    upstreamRequests: results.map((result) => byMessage.get(result.message)),
    seconds,
    cpu: { ...spent, others: Math.max(0, after.machine - before.machine - ours) },
    idleRssMiB: before.relay.rssMiB,
    peakRssMiB,
  };
}
