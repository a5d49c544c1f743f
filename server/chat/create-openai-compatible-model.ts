import type { BaseMessageChunk } from "@langchain/core/messages";
import { ChatOpenAICompletions, type ChatOpenAIFields } from "@langchain/openai";

/**
 * Chat Completions that also keep `delta.reasoning`. Servers spell a reasoning delta two ways: `reasoning_content`
 * (DeepSeek, llama.cpp, older vLLM), which LangChain keeps in `additional_kwargs.reasoning_content`, and `reasoning`
 * (vLLM now, Ollama, OpenRouter), which it drops. This puts the second where the first goes, so one reader
 * (`readChunkReasoning`) sees both. When a server sends both for the same delta (vLLM did, while it renamed the
 * field), they hold the same text: `reasoning_content` wins and nothing is doubled.
 */
class ReasoningAwareCompletions extends ChatOpenAICompletions {
  protected override _convertCompletionsDeltaToBaseMessageChunk(
    delta: Record<string, unknown>,
    rawResponse: Parameters<ChatOpenAICompletions["_convertCompletionsDeltaToBaseMessageChunk"]>[1],
    defaultRole?: Parameters<ChatOpenAICompletions["_convertCompletionsDeltaToBaseMessageChunk"]>[2],
  ): BaseMessageChunk {
    const chunk = super._convertCompletionsDeltaToBaseMessageChunk(delta, rawResponse, defaultRole);
    const { reasoning } = delta;
    if (typeof reasoning === "string" && reasoning !== "" && chunk.additional_kwargs.reasoning_content === undefined) {
      chunk.additional_kwargs.reasoning_content = reasoning;
    }
    return chunk;
  }
}

/**
 * `ChatOpenAI`'s fields for any OpenAI-compatible server, reading reasoning deltas in either spelling (ADR-23 in
 * architecture.md): `initChatModel` passes them to the constructor, whose Chat Completions part is ours.
 */
export function openAiCompatibleFields(fields: ChatOpenAIFields): ChatOpenAIFields {
  return { ...fields, completions: new ReasoningAwareCompletions(fields) };
}
