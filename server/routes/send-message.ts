import type { ChatModelHandle } from "../chat/model-info.js";
import type { Config } from "../config.js";
import { negotiateResponseMode } from "../http/negotiate-response-mode.js";
import { requireJsonContentType } from "../http/require-json-content-type.js";
import type { Metrics } from "../observability/create-metrics.js";
import type { OperationDefinition } from "../operations/mount-operations.js";
import { ContractError } from "../replies/contract-error.js";
import { createReplyTelemetry } from "../replies/create-reply-telemetry.js";
import type { ReplyRegistry } from "../replies/reply-registry.js";
import { sendJsonReply } from "../replies/send-json-reply.js";
import { sendSseReply } from "../replies/send-sse-reply.js";

export interface SendMessageDeps {
  config: Pick<Config, "heartbeatMs" | "clientStallTimeoutMs" | "maxBodyBytes" | "logContent">;
  chat: ChatModelHandle;
  replies: ReplyRegistry;
  metrics: Metrics;
}

/**
 * `sendMessage` (`POST /api/v1/messages`): negotiate the response mode → check the media type → (parse and validate,
 * by the operation layer) → admit → hand the model's reply to the writer for that mode.
 */
export function createSendMessageOperation({ config, chat, replies, metrics }: SendMessageDeps): OperationDefinition<"sendMessage"> {
  return {
    failures: [
      "internal",
      "invalid_request",
      "malformed_json",
      "not_acceptable",
      "payload_too_large",
      "unsupported_media_type",
      "overloaded",
      "server_shutdown",
      "upstream_auth",
      "upstream_error",
      "upstream_rate_limited",
      "upstream_unavailable",
      "upstream_timeout",
    ],
    bodyLimitBytes: config.maxBodyBytes,
    before: [negotiateResponseMode, requireJsonContentType],
    async handle({ body: request }, response) {
      const admitted = replies.admit(response.connection);
      if (admitted instanceof ContractError) {
        metrics.rejected.inc({ code: admitted.code });
        throw admitted;
      }
      const { log: requestLog, responseMode: mode } = response.locals;
      const log = request.conversationId ? requestLog.child({ conversationId: request.conversationId }) : requestLog;
      const telemetry = createReplyTelemetry({ log, metrics, mode, model: chat.info.name, prompt: request.message, logContent: config.logContent });
      const { signal } = admitted;
      const parts = chat.streamReply(request, { signal, onRetry: telemetry.retry });
      const context = { response, parts, model: chat.info, signal, telemetry };
      if (mode === "sse") await sendSseReply(context, { heartbeatMs: config.heartbeatMs, stallTimeoutMs: config.clientStallTimeoutMs });
      else await sendJsonReply(context);
    },
  };
}
