import { streamReply } from "../chat/stream-reply.js";
import { UpstreamError } from "../chat/upstream-error.js";
import { ServerShutdownError } from "../replies/reply-registry.js";
import { createSseWriter, type SseWriterOptions } from "../sse/create-sse-writer.js";
import { createMessageId, type ReplyContext } from "./reply-context.js";

function toFailure(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof ServerShutdownError) {
    return new UpstreamError("server_shutdown", 503, true, error.message, error.retryAfterSeconds * 1000);
  }
  return new UpstreamError("internal", 500, false, "An unexpected error occurred while streaming the reply.");
}

/**
 * Streams the reply as SSE: a `token` per piece, then `complete`. Never throws once headers are out:
 * a failure (or shutdown) becomes one `error` event carrying every token already sent, and the response always ends.
 */
export async function sendSseReply({ res, chat, messages, upstream, signal, telemetry }: ReplyContext, writerOptions: SseWriterOptions): Promise<void> {
  const sse = createSseWriter(res, writerOptions);
  let content = "";
  try {
    for await (const part of streamReply(chat.model, messages, { signal, upstream, onRetry: telemetry.retry })) {
      if (part.type === "token") {
        telemetry.token(part.content);
        content += part.content;
        await sse.send("token", { content: part.content });
      } else {
        const { finishReason, usage } = part;
        await sse.send("complete", { messageId: createMessageId(), content, finishReason, ...(usage ? { usage } : {}), model: chat.info });
        // A client that vanished while `complete` waited for drain never got it.
        if (signal.aborted) telemetry.aborted("client", content.length);
        else telemetry.completed(finishReason, content);
      }
    }
  } catch (error) {
    const shutdown = signal.reason instanceof ServerShutdownError;
    if (signal.aborted) telemetry.aborted(shutdown ? "shutdown" : "client", content.length);
    // A client that left gets nothing more; everyone else learns why the stream ended, with the text so far.
    if (signal.aborted && !shutdown) return;
    const failure = toFailure(shutdown ? signal.reason : error);
    if (!shutdown) telemetry.failed(failure.code, content.length, error);
    const retryAfter = failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds };
    await sse.send("error", { code: failure.code, message: failure.message, retryable: failure.retryable, ...retryAfter, partialContent: content });
  } finally {
    sse.end();
  }
}
