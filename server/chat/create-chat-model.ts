import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelInfo } from "../../contract/index.js";
import type { Config } from "../config.js";
import { createOpenAiCompatibleModel } from "./create-openai-compatible-model.js";
import { fetchOverNodeHttp } from "./fetch-over-node-http.js";
import { DemoChatModel } from "./demo-chat-model.js";
import type { ChatModelHandle } from "./model-info.js";
import { streamReply } from "./stream-reply.js";
import { toLangChainMessages } from "./to-langchain-messages.js";

function createLangChainModel({ model, upstream }: Pick<Config, "model" | "upstream">): { model: BaseChatModel; info: ModelInfo } {
  if (model.provider === "demo") {
    return { model: new DemoChatModel({ tokenDelayMs: model.tokenDelayMs }), info: { provider: "demo", name: model.name, demo: true } };
  }
  const chatModel = createOpenAiCompatibleModel({
    model: model.name,
    apiKey: model.apiKey,
    // logLevel "off": the OpenAI client would print an unparsable chunk (model output) to stderr, past our logger
    // and LOG_CONTENT; we classify and log every failure ourselves.
    // fetchOverNodeHttp: the reply's socket straight into the client's SSE parser, without web streams (ADR-26).
    configuration: { ...(model.baseUrl ? { baseURL: model.baseUrl } : {}), logLevel: "off", fetch: fetchOverNodeHttp },
    // streamReply retries itself, only before the first token and within the first-token deadline. LangChain's
    // default of 6 retries with backoff would hide a failing provider for about 96 s.
    maxRetries: 0,
    // Bounds the wait for response headers; streamReply bounds the wait for tokens.
    timeout: upstream.firstTokenTimeoutMs,
    streamUsage: model.streamUsage,
  });
  return { model: chatModel, info: { provider: "openai-compatible", name: model.name, demo: false } };
}

/** Builds the configured model (the offline demo, or `ChatOpenAI` against any OpenAI-compatible endpoint) behind the {@link ChatModelHandle} port. */
export function createChatModel(config: Pick<Config, "model" | "upstream">): ChatModelHandle {
  const { model, info } = createLangChainModel(config);
  return {
    info,
    streamReply: (request, options) =>
      streamReply(model, toLangChainMessages(request), { ...options, upstream: config.upstream, includeReasoning: request.includeReasoning === true }),
  };
}
