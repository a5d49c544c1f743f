import type { Readiness } from "../../contract/index.js";
import type { OperationDefinition } from "../operations/mount-operations.js";

/** What readiness depends on, read at each probe. */
export type ReadinessChecks = () => Promise<Readiness["checks"]>;

/**
 * `getReadiness` (`GET /readyz`): 200 only when every worker listens, Redis answers (when configured) and no shutdown
 * has begun; 503 otherwise, with the checks that say why.
 */
export function createGetReadinessOperation(checks: ReadinessChecks): OperationDefinition<"getReadiness"> {
  return {
    failures: ["internal"],
    async handle(_request, response) {
      const current = await checks();
      const ready = current.workersListening && current.redis !== "unavailable" && !current.shuttingDown;
      if (ready) response.json(200, { status: "ready", checks: current });
      else response.json(503, { status: "not_ready", checks: current });
    },
  };
}
