import type { MessageResponse } from "../../contract/index.js";
import { settleInterruptedReply, type ReplyContext } from "./reply-context.js";

/**
 * Answers with the whole reply as one JSON body. It reads the same stream as SSE mode, so both modes
 * share retries, timeouts and cancellation; a failure is thrown for the error handler to answer,
 * carrying the text the model had already written.
 */
export async function sendJsonReply(context: ReplyContext): Promise<void> {
  const { response, messageId, parts, model, telemetry } = context;
  const pieces: string[] = [];
  // Present only when the request asked for reasoning: the parts carry none otherwise.
  const thoughts: string[] = [];
  try {
    for await (const part of parts) {
      if (part.type === "token") {
        telemetry.token();
        pieces.push(part.content);
        continue;
      }
      if (part.type === "reasoning") {
        telemetry.reasoning();
        thoughts.push(part.content);
        continue;
      }
      const content = pieces.join("");
      const reasoning = thoughts.join("");
      const body: MessageResponse = {
        message: { id: messageId, role: "assistant", content, ...(reasoning ? { reasoning } : {}), createdAt: new Date().toISOString() },
        finishReason: part.finishReason,
        ...(part.usage ? { usage: part.usage } : {}),
        model,
      };
      telemetry.completed(part.finishReason, content);
      response.json(200, body);
    }
  } catch (error) {
    const failure = settleInterruptedReply(error, context, pieces.join(""), thoughts.join(""));
    if (failure) throw failure;
  }
}
