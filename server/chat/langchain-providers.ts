import { MODEL_PROVIDER_CONFIG } from "langchain/chat_models/universal";
import type { ModelConfig } from "../config.js";

/** LangChain's names for the providers `initChatModel` can build (`anthropic`, `ollama`, `google-genai`, …). */
export const LANGCHAIN_PROVIDERS = Object.keys(MODEL_PROVIDER_CONFIG);

export function isLangChainProvider(name: string): name is keyof typeof MODEL_PROVIDER_CONFIG {
  return Object.hasOwn(MODEL_PROVIDER_CONFIG, name);
}

/**
 * Why the configured provider cannot start, or undefined when its package is installed. Asked once at startup,
 * before anything listens or forks: without it, every reply would fail with LangChain's import error instead.
 */
export async function findMissingProviderPackage(model: ModelConfig): Promise<string | undefined> {
  if (model.provider !== "langchain" || !isLangChainProvider(model.langchainProvider)) return undefined;
  // The npm package that holds the provider's chat model (`@langchain/anthropic` for `anthropic`).
  const packageName = MODEL_PROVIDER_CONFIG[model.langchainProvider].package;
  try {
    await import(packageName);
    return undefined;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code !== "ERR_MODULE_NOT_FOUND" || typeof message !== "string" || !message.includes(packageName)) throw error;
    return `CHAT_MODEL=${model.langchainProvider}:${model.name} needs the package ${packageName}, which is not installed: npm install ${packageName}`;
  }
}
