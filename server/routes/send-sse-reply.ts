import { streamReply } from "../chat/stream-reply.js";
import { UpstreamError } from "../chat/upstream-error.js";
import { createSseWriter, type SseWriterOptions } from "../sse/create-sse-writer.js";
import { abortOnClientGone, createMessageId, logRetries, type ReplyContext } from "./reply-context.js";

/**
 * Streams the reply as SSE: a `token` per piece, then `complete`. Never throws once headers are out:
 * a failure becomes one `error` event carrying every token already sent, and the response always ends.
 */
export async function sendSseReply({ res, chat, messages, upstream, log }: ReplyContext, writerOptions: SseWriterOptions): Promise<void> {
  const signal = abortOnClientGone(res);
  const sse = createSseWriter(res, writerOptions);
  const startedAt = performance.now();
  let content = "";
  let tokens = 0;
  log.info({ mode: "sse", model: chat.info.name }, "stream started");

  try {
    for await (const part of streamReply(chat.model, messages, { signal, upstream, onRetry: logRetries(log) })) {
      if (part.type === "token") {
        if (tokens === 0) log.info({ timeToFirstTokenMs: Math.round(performance.now() - startedAt) }, "first token");
        tokens += 1;
        content += part.content;
        await sse.send("token", { content: part.content });
      } else {
        const { finishReason, usage } = part;
        await sse.send("complete", { messageId: createMessageId(), content, finishReason, ...(usage ? { usage } : {}), model: chat.info });
        log.info({ tokens, durationMs: Math.round(performance.now() - startedAt), finishReason }, "stream complete");
      }
    }
  } catch (error) {
    if (signal.aborted) {
      log.info({ tokens, partialLength: content.length, durationMs: Math.round(performance.now() - startedAt) }, "stream aborted by client");
      return;
    }
    const failure =
      error instanceof UpstreamError ? error : new UpstreamError("internal", 500, false, "An unexpected error occurred while streaming the reply.");
    log[failure.code === "internal" ? "error" : "warn"]({ err: error, code: failure.code, tokens, partialLength: content.length }, "stream failed");
    const retryAfter = failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds };
    await sse.send("error", { code: failure.code, message: failure.message, retryable: failure.retryable, ...retryAfter, partialContent: content });
  } finally {
    sse.end();
  }
}
