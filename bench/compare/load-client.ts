/**
 * `compare.ts`'s load client, in a process of its own so its CPU is neither the relay's nor the orchestrator's (and
 * can be read from /proc like theirs). Talks over IPC: sends `{ type: "ready" }`, answers each `{ type: "load",
 * plan }` with `{ type: "loaded", results }`, one result per request, in the order the requests were numbered.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readRelayStream, type RelayStreamResult, type RelayWireFormat } from "./read-relay-stream.js";

/** `requests` requests through `concurrency` lanes, each lane sending its next request when the last has ended. */
export interface LoadPlan {
  url: string;
  format: RelayWireFormat;
  /** Sent with every request besides `message` (e.g. `{ resumable: true }`). */
  body: Record<string, unknown>;
  /** Request i sends the message `${label} ${i}`. */
  label: string;
  requests: number;
  concurrency: number;
  /** The lanes start spread over this long, as users arrive, rather than in one burst. */
  rampMs: number;
  expectedTokens: number;
  /** Every token's arrival (for delivery delays), or only the first (long replies would make a large answer). */
  keepArrivals: boolean;
  timeoutMs: number;
}

export interface LoadRequest {
  type: "load";
  plan: LoadPlan;
}

export interface LoadAnswer {
  type: "loaded";
  results: RelayStreamResult[];
}

async function runPlan(plan: LoadPlan): Promise<RelayStreamResult[]> {
  const results: RelayStreamResult[] = new Array<RelayStreamResult>(plan.requests);
  let next = 0;
  const lanes = Math.min(plan.concurrency, plan.requests);
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      await sleep((plan.rampMs * lane) / lanes);
      for (let index = next++; index < plan.requests; index = next++) {
        results[index] = await readRelayStream({ ...plan, message: `${plan.label} ${index}` });
      }
    }),
  );
  return results;
}

process.on("message", (message: LoadRequest) => {
  if (message.type !== "load") return;
  void runPlan(message.plan).then((results) => process.send!({ type: "loaded", results } satisfies LoadAnswer));
});
process.send!({ type: "ready" });
