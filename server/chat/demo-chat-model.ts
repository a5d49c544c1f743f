import { BaseChatModel, type BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { setTimeout as sleep } from "node:timers/promises";
import type { ReasoningCallOptions } from "./stream-reply.js";

export interface DemoChatModelParams extends BaseChatModelParams {
  /** Pause before each token, in ms: 30 ms gives about 33 tokens/s, the pace of a hosted model. */
  tokenDelayMs: number;
}

function lastUserText(messages: BaseMessage[]): string {
  const last = [...messages].reverse().find((message) => message.getType() === "human");
  return typeof last?.content === "string" ? last.content : "";
}

/** The demo's reply: says plainly that it is a demo, echoes the message, and says how to use a real model. */
function composeDemoReply(userText: string): string {
  const quoted = userText.length > 200 ? `${userText.slice(0, 200)}…` : userText;
  return [
    `This is the **built-in demo model**, not a real LLM. You said: “${quoted}”.`,
    "",
    "Replies stream token by token over Server-Sent Events, through the same LangChain `stream()` path a real model uses.",
    "To chat with a real model, restart the server with:",
    "",
    "- `OPENAI_API_KEY` for OpenAI, or",
    "- `OPENAI_BASE_URL` (and `OPENAI_MODEL`) for any OpenAI-compatible server such as Ollama, vLLM or llama.cpp.",
  ].join("\n");
}

/** The demo's thinking, shown only to a request with `includeReasoning`, so the Thinking block can be tried offline. */
function composeDemoReasoning(userText: string): string {
  return [
    `The user wrote ${userText.length} characters.`,
    "I am the built-in demo model, so I cannot really think about them:",
    "this short canned reasoning only shows how a reasoning model's thinking streams before its answer.",
  ].join(" ");
}

/** Splits text into word-sized tokens that keep their leading whitespace, so joining them restores the text. */
function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/**
 * An offline LangChain chat model, so `npm ci && npm start` works with no API key. It streams through the
 * same `BaseChatModel.stream()` machinery as `ChatOpenAI`, including abort signals, finish reason and usage.
 */
export class DemoChatModel extends BaseChatModel<ReasoningCallOptions> {
  private readonly tokenDelayMs: number;

  constructor({ tokenDelayMs, ...params }: DemoChatModelParams) {
    super(params);
    this.tokenDelayMs = tokenDelayMs;
  }

  _llmType(): string {
    return "demo";
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const userText = lastUserText(messages);
    // Thinks only when asked: a client that predates reasoning gets the same reply, as fast, as before.
    const thoughts = options.includeReasoning === true ? splitIntoTokens(composeDemoReasoning(userText)) : [];
    for (const thought of thoughts) {
      await sleep(this.tokenDelayMs, undefined, { signal: options.signal });
      // Where OpenAI-compatible models put it, so it takes the same path to the client as theirs.
      yield new ChatGenerationChunk({ text: "", message: new AIMessageChunk({ content: "", additional_kwargs: { reasoning_content: thought } }) });
    }
    const tokens = splitIntoTokens(composeDemoReply(userText));
    for (const token of tokens) {
      await sleep(this.tokenDelayMs, undefined, { signal: options.signal });
      yield new ChatGenerationChunk({ text: token, message: new AIMessageChunk({ content: token }) });
      await runManager?.handleLLMNewToken(token);
    }
    const inputTokens = messages.reduce((sum, message) => sum + splitIntoTokens(String(message.content)).length, 0);
    yield new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({
        content: "",
        response_metadata: { finish_reason: "stop" },
        usage_metadata: {
          input_tokens: inputTokens,
          output_tokens: thoughts.length + tokens.length,
          total_tokens: inputTokens + thoughts.length + tokens.length,
          ...(thoughts.length > 0 ? { output_token_details: { reasoning: thoughts.length } } : {}),
        },
      }),
    });
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let text = "";
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) text += chunk.text;
    return { generations: [{ text, message: new AIMessage(text), generationInfo: { finish_reason: "stop" } }] };
  }
}
