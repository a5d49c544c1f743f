import type { OperationDefinition } from "../operations/mount-operations.js";

/** `getLiveness` (`GET /livez`): the process runs and its event loop turns; nothing else is checked. */
export function createGetLivenessOperation(): OperationDefinition<"getLiveness"> {
  return {
    failures: ["internal"],
    handle(_request, response) {
      response.json(200, { status: "ok" });
    },
  };
}
