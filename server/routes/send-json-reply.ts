import { streamReply } from "../chat/stream-reply.js";
import { UpstreamError } from "../chat/upstream-error.js";
import type { MessageResponse } from "../../sdk/types.js";
import { abortOnClientGone, createMessageId, logRetries, type ReplyContext } from "./reply-context.js";

/**
 * Answers with the whole reply as one JSON body. It reads the same stream as SSE mode, so both modes
 * share retries, timeouts and cancellation; a failure is thrown for the error handler to answer.
 */
export async function sendJsonReply({ res, chat, messages, upstream, log }: ReplyContext): Promise<void> {
  const signal = abortOnClientGone(res);
  const startedAt = performance.now();
  const pieces: string[] = [];
  log.info({ mode: "json", model: chat.info.name }, "reply started");
  try {
    for await (const part of streamReply(chat.model, messages, { signal, upstream, onRetry: logRetries(log) })) {
      if (part.type === "token") {
        pieces.push(part.content);
        continue;
      }
      const body: MessageResponse = {
        message: { id: createMessageId(), role: "assistant", content: pieces.join(""), createdAt: new Date().toISOString() },
        finishReason: part.finishReason,
        ...(part.usage ? { usage: part.usage } : {}),
        model: chat.info,
      };
      log.info({ tokens: pieces.length, durationMs: Math.round(performance.now() - startedAt) }, "reply complete");
      res.json(body);
    }
  } catch (error) {
    if (signal.aborted) {
      log.info({ tokens: pieces.length, durationMs: Math.round(performance.now() - startedAt) }, "reply aborted by client");
      return;
    }
    // The error answer carries what the model already wrote, as the `error` event does in SSE mode.
    if (error instanceof UpstreamError && pieces.length > 0) error.partialContent = pieces.join("");
    throw error;
  }
}
