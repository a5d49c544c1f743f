import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { ReasoningCallOptions } from "./stream-reply.js";

/**
 * How a reply's chunks are read from the model (ADR-26 in architecture.md):
 * - `"direct"`: the model's own chunk generator, `_streamResponseChunks()`, and nothing around it. No callbacks run.
 * - `"callbacks"`: LangChain's `stream()`, which runs callbacks and LangSmith tracing for every chunk, and pays for it
 *   on every token: a callback manager and an AsyncLocalStorage context per chunk, a web ReadableStream around the
 *   generator, and every chunk merged into a running total (about a quarter of the server's CPU per token).
 */
export type ModelStreamPath = "direct" | "callbacks";

/**
 * True when `stream()` would only be a slower way to read `_streamResponseChunks()`: the model streams for real (a
 * model without its own generator is invoked whole by `stream()`) and has no callbacks of its own.
 */
function canStreamDirectly(model: BaseChatModel): boolean {
  return model._streamResponseChunks !== BaseChatModel.prototype._streamResponseChunks && !model.disableStreaming && !model.callbacks && !model.verbose;
}

/** The chunk generator read the way `stream()` hands chunks out, without what only callbacks and tracing need. */
async function* streamChunksDirectly(model: BaseChatModel, messages: BaseMessage[], options: ReasoningCallOptions): AsyncGenerator<AIMessageChunk> {
  for await (const chunk of model._streamResponseChunks(messages, options)) {
    const message = chunk.message as AIMessageChunk;
    // As stream() does: providers put the finish reason in generationInfo, and readers look in response_metadata.
    if (chunk.generationInfo) message.response_metadata = { ...chunk.generationInfo, ...message.response_metadata };
    yield message;
  }
  // stream() throws when the signal ended the generator early; some generators just return on abort.
  options.signal?.throwIfAborted();
}

/** Opens one model call's chunks on the chosen path; `"direct"` falls back to `stream()` where it cannot apply. */
export async function openModelStream(
  model: BaseChatModel,
  messages: BaseMessage[],
  options: ReasoningCallOptions,
  path: ModelStreamPath,
): Promise<AsyncIterable<AIMessageChunk>> {
  if (path === "direct" && canStreamDirectly(model)) return streamChunksDirectly(model, messages, options);
  return (await model.stream(messages, options)) as AsyncIterable<AIMessageChunk>;
}
