import { streamReply } from "../chat/stream-reply.js";
import { UpstreamError } from "../chat/upstream-error.js";
import type { MessageResponse } from "../../sdk/types.js";
import { HttpError } from "../errors.js";
import { ServerShutdownError } from "../replies/reply-registry.js";
import { createMessageId, type ReplyContext } from "./reply-context.js";

/**
 * Answers with the whole reply as one JSON body. It reads the same stream as SSE mode, so both modes
 * share retries, timeouts and cancellation; a failure is thrown for the error handler to answer,
 * carrying the text the model had already written.
 */
export async function sendJsonReply({ res, chat, messages, upstream, signal, telemetry }: ReplyContext): Promise<void> {
  const pieces: string[] = [];
  try {
    for await (const part of streamReply(chat.model, messages, { signal, upstream, onRetry: telemetry.retry })) {
      if (part.type === "token") {
        telemetry.token(part.content);
        pieces.push(part.content);
        continue;
      }
      const content = pieces.join("");
      const body: MessageResponse = {
        message: { id: createMessageId(), role: "assistant", content, createdAt: new Date().toISOString() },
        finishReason: part.finishReason,
        ...(part.usage ? { usage: part.usage } : {}),
        model: chat.info,
      };
      telemetry.completed(part.finishReason, content);
      res.json(body);
    }
  } catch (error) {
    const partialContent = pieces.join("");
    if (signal.reason instanceof ServerShutdownError) {
      telemetry.aborted("shutdown", partialContent.length);
      throw new HttpError(503, "server_shutdown", signal.reason.message, { partialContent, retryAfterSeconds: signal.reason.retryAfterSeconds });
    }
    if (signal.aborted) return telemetry.aborted("client", partialContent.length);
    const failure = error instanceof UpstreamError ? error : new UpstreamError("internal", 500, false, "An unexpected error occurred.", undefined, { cause: error });
    telemetry.failed(failure.code, partialContent.length, error);
    failure.partialContent = partialContent || undefined;
    throw failure;
  }
}
