import type { Health, ModelInfo } from "../../contract/index.js";
import type { OperationDefinition } from "../operations/mount-operations.js";

/**
 * `getHealth` (`GET /api/v1/health`): the server is up, which model answers (flagging the demo), and whether requests
 * need an API key (an open server says so, so nobody exposes one by mistake).
 */
export function createGetHealthOperation(info: ModelInfo, auth: Health["auth"]): OperationDefinition<"getHealth"> {
  return {
    failures: ["internal"],
    handle(_request, response) {
      response.json(200, { status: "ok", model: info, auth });
    },
  };
}
