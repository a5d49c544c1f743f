import { ContractError } from "./contract-error.js";
import type { SseWriterOptions } from "../sse/create-sse-writer.js";
import { settleInterruptedReply, type ReplyContext } from "./reply-context.js";

/**
 * Streams the reply as SSE: a `token` per piece (and a `reasoning` per piece of thinking, which the parts carry only
 * when the request asked for it), then `complete`. Never throws once headers are out: a failure (or shutdown) becomes
 * one `error` event carrying every token and reasoning piece already sent, and the response always ends.
 */
export async function sendSseReply(context: ReplyContext, writerOptions: SseWriterOptions): Promise<void> {
  const { response, messageId, parts, model, signal, telemetry } = context;
  const sse = response.eventStream(200, { ...writerOptions, headers: { ...writerOptions.headers, "X-Message-Id": messageId } });
  let content = "";
  let reasoning = "";
  try {
    for await (const part of parts) {
      if (part.type === "token") {
        telemetry.token();
        content += part.content;
        await sse.send("token", { content: part.content });
      } else if (part.type === "reasoning") {
        telemetry.reasoning();
        reasoning += part.content;
        await sse.send("reasoning", { content: part.content });
      } else {
        const { finishReason, usage } = part;
        await sse.send("complete", { messageId, content, ...(reasoning ? { reasoning } : {}), finishReason, ...(usage ? { usage } : {}), model });
        // A client that vanished (or was cut off by shutdown) while `complete` waited for drain never got it.
        if (signal.aborted) telemetry.aborted(signal.reason instanceof ContractError ? "shutdown" : "client", content);
        else telemetry.completed(finishReason, content);
      }
    }
  } catch (error) {
    // A client that left gets nothing more; everyone else learns why the stream ended, with the text so far.
    const failure = settleInterruptedReply(error, context, content, reasoning);
    if (failure) await sse.send("error", failure.toErrorEvent());
  } finally {
    sse.end();
  }
}
