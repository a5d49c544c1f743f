import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";
import { isClusterMessage, type MetricsRequestMessage, type MetricsResponseMessage } from "./cluster-messages.js";

/**
 * `/metrics` in cluster mode. A scrape reaches one worker, which alone knows a fraction of the traffic; so it asks
 * the primary, which collects every worker's registry through prom-client's `AggregatorRegistry` (counters and
 * histograms summed, `chat_streams_active` summed, event-loop lag averaged) and answers with the whole server.
 */

/** How long a worker waits for the primary's aggregate before the scrape fails (prom-client itself gives up after 5 s). */
const METRICS_TIMEOUT_MS = 6_000;

/** In a worker: offers `registry` to the primary's aggregation and returns the function `/metrics` renders with. */
export function createWorkerMetricsSource(registry: Registry): () => Promise<string> {
  // The constructor installs prom-client's listener that answers the primary's per-worker requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on("message", (message) => {
    if (!isClusterMessage(message, "chat:metrics-response")) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.text !== undefined) waiter?.resolve(message.text);
    else waiter?.reject(new Error(`Cannot collect the workers' metrics: ${message.error ?? "no answer"}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`The cluster primary did not answer a metrics request within ${METRICS_TIMEOUT_MS} ms`));
      }, METRICS_TIMEOUT_MS);
      pending.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send!({ type: "chat:metrics-request", id } satisfies MetricsRequestMessage);
    });
}

/** In the primary: answers every worker's metrics request with the aggregate of all workers. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message) => {
    if (!isClusterMessage(message, "chat:metrics-request")) return;
    const answer = (reply: Omit<MetricsResponseMessage, "type" | "id">) => {
      if (worker.isConnected()) worker.send({ type: "chat:metrics-response", id: message.id, ...reply } satisfies MetricsResponseMessage);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
