import type { Metrics } from "../observability/create-metrics.js";
import type { OperationDefinition } from "../operations/mount-operations.js";

/**
 * `getMetrics` (`GET /metrics`): Prometheus text format. `render` defaults to this process's registry; in cluster mode
 * it is the aggregate of every worker (see `cluster/cluster-metrics.ts`), since one worker sees only part of the traffic.
 */
export function createGetMetricsOperation(
  metrics: Metrics,
  render: () => Promise<string> = () => metrics.registry.metrics(),
): OperationDefinition<"getMetrics"> {
  return {
    failures: ["internal", "unauthorized"],
    async handle(_request, response) {
      response.text(200, await render(), metrics.registry.contentType);
    },
  };
}
