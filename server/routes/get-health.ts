import type { ModelInfo } from "../../contract/index.js";
import type { OperationDefinition } from "../operations/mount-operations.js";

/** `getHealth` (`GET /api/v1/health`): the server is up, and which model answers (flagging the demo). */
export function createGetHealthOperation(info: ModelInfo): OperationDefinition<"getHealth"> {
  return {
    failures: ["internal"],
    handle(_request, response) {
      response.json(200, { status: "ok", model: info });
    },
  };
}
