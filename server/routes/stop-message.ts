import type { OperationDefinition } from "../operations/mount-operations.js";
import type { ReplyLog } from "../replies/reply-log/reply-log.js";
import { notFound } from "./resume-message.js";

/**
 * `stopMessage` (`POST /api/v1/messages/{messageId}/stop`): asks whoever generates the reply to stop it (through the
 * reply log, so from any instance). Stopping a reply that already ended changes nothing and says so.
 */
export function createStopMessageOperation({ replyLog }: { replyLog: ReplyLog }): OperationDefinition<"stopMessage"> {
  return {
    failures: ["internal", "not_found", "rate_limited", "server_shutdown", "storage_unavailable"],
    async handle({ params: { messageId } }, response) {
      const outcome = await replyLog.requestStop(messageId);
      if (outcome === "unknown") throw notFound(messageId);
      response.json(200, { messageId, outcome });
    },
  };
}
