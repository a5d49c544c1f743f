import type { ChatModelHandle } from "../chat/model-info.js";
import type { ReplyPart } from "../chat/reply-part.js";
import type { Config } from "../config.js";
import { negotiateResponseMode } from "../http/negotiate-response-mode.js";
import { requireJsonContentType } from "../http/require-json-content-type.js";
import type { ClientLimits } from "../limits/create-client-limits.js";
import { limitReplies } from "../limits/limit-replies.js";
import { countPromptCharacters, meterReplyTokens } from "../limits/meter-reply-tokens.js";
import type { Metrics } from "../observability/create-metrics.js";
import type { OperationDefinition } from "../operations/mount-operations.js";
import { ContractError } from "../replies/contract-error.js";
import { createReplyTelemetry } from "../replies/create-reply-telemetry.js";
import { followReply } from "../replies/follow-reply.js";
import { createMessageId } from "../replies/reply-context.js";
import type { ReplyLog } from "../replies/reply-log/reply-log.js";
import type { ReplyRegistry } from "../replies/reply-registry.js";
import { runResumableReply } from "../replies/run-resumable-reply.js";
import { sendJsonReply } from "../replies/send-json-reply.js";
import { sendSseReply } from "../replies/send-sse-reply.js";

export interface SendMessageDeps {
  config: Pick<Config, "heartbeatMs" | "clientStallTimeoutMs" | "maxBodyBytes" | "logContent" | "replyRetentionMs" | "replyMaxDetachedMs">;
  chat: ChatModelHandle;
  replies: ReplyRegistry;
  replyLog: ReplyLog;
  metrics: Metrics;
  /** Per-client limits: requests per minute, concurrent replies, tokens per day. */
  limits: ClientLimits;
  /** Whether a resumable reply belongs to the API key that started it (a server with keys). */
  owned: boolean;
}

/**
 * `sendMessage` (`POST /api/v1/messages`): the client's limits → negotiate the response mode → check the media type →
 * (parse and validate, by the operation layer) → admit → hand the model's reply to the writer for that mode.
 */
export function createSendMessageOperation({ config, chat, replies, replyLog, metrics, limits, owned }: SendMessageDeps): OperationDefinition<"sendMessage"> {
  const writerOptions = { heartbeatMs: config.heartbeatMs, stallTimeoutMs: config.clientStallTimeoutMs };
  return {
    failures: [
      "internal",
      "invalid_request",
      "malformed_json",
      "unauthorized",
      "not_acceptable",
      "payload_too_large",
      "unsupported_media_type",
      "rate_limited",
      "overloaded",
      "server_shutdown",
      "storage_unavailable",
      "upstream_auth",
      "upstream_error",
      "upstream_rate_limited",
      "upstream_unavailable",
      "upstream_timeout",
    ],
    bodyLimitBytes: config.maxBodyBytes,
    before: [limitReplies(limits, metrics), negotiateResponseMode, requireJsonContentType],
    async handle({ body: request }, response) {
      const { log: requestLog, responseMode: mode, replyAllowance: allowance } = response.locals;
      // Resumable is an SSE notion: a JSON client waits for the whole reply anyway.
      const resumable = mode === "sse" && request.resumable === true;
      const detached = resumable ? await replies.admitDetached() : undefined;
      const admitted = detached ?? (await replies.admit(response.connection));
      if (admitted instanceof ContractError) {
        metrics.rejected.inc({ code: admitted.code });
        throw admitted;
      }
      const messageId = createMessageId();
      const log = requestLog.child({ messageId, ...(request.conversationId ? { conversationId: request.conversationId } : {}) });
      const telemetry = createReplyTelemetry({ log, metrics, mode, model: chat.info.name, prompt: request.message, logContent: config.logContent });
      const { signal } = admitted;
      // Counted against the client's day once the reply ends, however it ends.
      const meter = (parts: AsyncIterable<ReplyPart>) =>
        meterReplyTokens(parts, { promptCharacters: countPromptCharacters(request), onEnd: (tokens) => allowance?.countTokens(tokens) });
      if (detached && !(detached instanceof ContractError)) {
        // The reply runs on its own, so it keeps its client's concurrency slot until it ends, not until this response does.
        const releaseClientSlot = allowance?.detach() ?? (() => {});
        const release = () => {
          detached.release();
          releaseClientSlot();
        };
        // The reply runs on its own; this response is only its first reader.
        await replyLog.open(messageId, owned ? response.locals.client.id : undefined).catch((error: unknown) => {
          release();
          throw error;
        });
        void runResumableReply({
          messageId,
          startParts: (runSignal) => meter(chat.streamReply(request, { signal: runSignal, onRetry: telemetry.retry })),
          model: chat.info,
          log: replyLog,
          telemetry,
          shutdownSignal: signal,
          release,
          retentionMs: config.replyRetentionMs,
          maxDetachedMs: config.replyMaxDetachedMs,
        });
        return followReply(response, { log: replyLog, messageId, afterId: 0, writerOptions });
      }
      const parts = meter(chat.streamReply(request, { signal, onRetry: telemetry.retry }));
      const context = { response, messageId, parts, model: chat.info, signal, telemetry };
      if (mode === "sse") await sendSseReply(context, writerOptions);
      else await sendJsonReply(context);
    },
  };
}
