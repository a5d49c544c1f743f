import type { AIMessageChunk } from "@langchain/core/messages";

/**
 * The reasoning (thinking) text one chunk of a model's reply carries, "" when none. The one place that knows where
 * providers put it, so a new provider's spelling is one more case here:
 *
 * - `additional_kwargs.reasoning_content`: OpenAI-compatible servers, in either wire spelling
 *   (`createOpenAiCompatibleModel` folds `delta.reasoning` into it);
 * - content blocks of LangChain's standard `reasoning` type, which providers built on its v1 content emit;
 * - `thinking` content blocks: Anthropic's extended thinking (its `signature` blocks carry no text).
 */
export function readChunkReasoning(chunk: AIMessageChunk): string {
  const fromKwargs: unknown = chunk.additional_kwargs?.reasoning_content;
  let reasoning = typeof fromKwargs === "string" ? fromKwargs : "";
  const { content } = chunk;
  if (Array.isArray(content)) {
    for (const block of content as { type?: unknown; reasoning?: unknown; thinking?: unknown }[]) {
      if (block.type === "reasoning" && typeof block.reasoning === "string") reasoning += block.reasoning;
      else if (block.type === "thinking" && typeof block.thinking === "string") reasoning += block.thinking;
    }
  }
  return reasoning;
}
