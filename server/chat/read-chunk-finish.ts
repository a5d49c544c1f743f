import type { AIMessageChunk } from "@langchain/core/messages";

/**
 * Anthropic's stop reasons in the words OpenAI made common, which the contract's `finishReason` uses (`stop`,
 * `length`, …), so a client tells a cut-off reply the same way whichever provider wrote it. Others pass as they are.
 */
const OPENAI_WORDS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/**
 * Why the model ended its reply, if this chunk says: `response_metadata.finish_reason` (OpenAI-compatible servers,
 * and what LangChain's standard output uses) or `additional_kwargs.stop_reason` (Anthropic's `message_delta`).
 */
export function readChunkFinish(chunk: AIMessageChunk): string | undefined {
  const finishReason: unknown = chunk.response_metadata?.finish_reason ?? chunk.additional_kwargs?.stop_reason;
  if (typeof finishReason !== "string" || finishReason === "") return undefined;
  return OPENAI_WORDS[finishReason] ?? finishReason;
}
