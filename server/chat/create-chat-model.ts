import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { initChatModel } from "langchain/chat_models/universal";
import type { ModelInfo } from "../../contract/index.js";
import { ConfigError, type Config } from "../config.js";
import { openAiCompatibleFields } from "./create-openai-compatible-model.js";
import { DemoChatModel } from "./demo-chat-model.js";
import { fetchOverNodeHttp } from "./fetch-over-node-http.js";
import { findMissingProviderPackage } from "./langchain-providers.js";
import type { ChatModelHandle } from "./model-info.js";
import { streamReply } from "./stream-reply.js";
import { toLangChainMessages } from "./to-langchain-messages.js";

type Model = Exclude<Config["model"], { provider: "demo" }>;

/**
 * What we set on every provider's model, before the operator's `CHAT_MODEL_OPTIONS`: `streamReply` retries itself,
 * only before the first token and within the first-token deadline. LangChain's default of 6 retries with backoff
 * would hide a failing provider for about 96 s.
 */
const EVERY_PROVIDER = { maxRetries: 0 };

/** Our fields for the model's constructor; the operator's `CHAT_MODEL_OPTIONS` go over them. */
function providerFields(model: Model, upstream: Config["upstream"]): Record<string, unknown> {
  if (model.provider === "openai-compatible") {
    return {
      ...openAiCompatibleFields({
        ...EVERY_PROVIDER,
        model: model.name,
        apiKey: model.apiKey,
        // logLevel "off": the OpenAI client would print an unparsable chunk (model output) to stderr, past our logger
        // and LOG_CONTENT; we classify and log every failure ourselves.
        // fetchOverNodeHttp: the reply's socket straight into the client's SSE parser, without web streams (ADR-26).
        configuration: { ...(model.baseUrl ? { baseURL: model.baseUrl } : {}), logLevel: "off", fetch: fetchOverNodeHttp },
        // Bounds the wait for response headers; streamReply bounds the wait for tokens.
        timeout: upstream.firstTokenTimeoutMs,
        streamUsage: model.streamUsage,
        ...model.options,
      }),
    };
  }
  if (model.langchainProvider === "anthropic") {
    // The same two reasons as for OpenAI's client, which Anthropic's resembles.
    return { ...EVERY_PROVIDER, clientOptions: { timeout: upstream.firstTokenTimeoutMs, logLevel: "off" }, ...model.options };
  }
  return { ...EVERY_PROVIDER, ...model.options };
}

async function createLangChainModel({ model, upstream }: Pick<Config, "model" | "upstream">): Promise<{ model: BaseChatModel; info: ModelInfo }> {
  if (model.provider === "demo") {
    return { model: new DemoChatModel({ tokenDelayMs: model.tokenDelayMs }), info: { provider: "demo", name: model.name, demo: true } };
  }
  const missing = await findMissingProviderPackage(model);
  if (missing) throw new ConfigError(`Invalid configuration:\n  - ${missing}`);
  const modelProvider = model.provider === "openai-compatible" ? "openai" : model.langchainProvider;
  const configurable = await initChatModel(model.name, { modelProvider, ...providerFields(model, upstream) });
  // The provider's own model, not initChatModel's wrapper: the wrapper looks the model up again on every call and
  // hides its chunk generator from the direct path (ADR-26).
  const chatModel = await configurable._getModelInstance();
  return {
    model: chatModel,
    info: { provider: model.provider === "openai-compatible" ? "openai-compatible" : model.langchainProvider, name: model.name, demo: false },
  };
}

/**
 * Builds the configured model behind the {@link ChatModelHandle} port: the offline demo, `ChatOpenAI` against any
 * OpenAI-compatible endpoint, or any provider LangChain's `initChatModel` knows (ADR-24). Throws a
 * {@link ConfigError} when the provider's package is not installed.
 */
export async function createChatModel(config: Pick<Config, "model" | "upstream">): Promise<ChatModelHandle> {
  const { model, info } = await createLangChainModel(config);
  return {
    info,
    streamReply: (request, options) =>
      streamReply(model, toLangChainMessages(request), { ...options, upstream: config.upstream, includeReasoning: request.includeReasoning === true }),
  };
}
