import type { OperationDefinition } from "../operations/mount-operations.js";
import type { ReplyLog } from "../replies/reply-log/reply-log.js";
import { notFound } from "./resume-message.js";

export interface StopMessageDeps {
  replyLog: ReplyLog;
  /** Whether replies belong to the API key that started them (a server with keys). */
  owned: boolean;
}

/**
 * `stopMessage` (`POST /api/v1/messages/{messageId}/stop`): asks whoever generates the reply to stop it (through the
 * reply log, so from any instance). Stopping a reply that already ended changes nothing and says so. On a server with
 * keys, another key's reply is not found, exactly as an unknown one.
 */
export function createStopMessageOperation({ replyLog, owned }: StopMessageDeps): OperationDefinition<"stopMessage"> {
  return {
    failures: ["internal", "unauthorized", "not_found", "rate_limited", "server_shutdown", "storage_unavailable"],
    async handle({ params: { messageId } }, response) {
      const outcome = await replyLog.requestStop(messageId, owned ? response.locals.client.id : undefined);
      if (outcome === "unknown") throw notFound(messageId);
      response.json(200, { messageId, outcome });
    },
  };
}
