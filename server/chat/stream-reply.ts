import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import { setTimeout as sleep } from "node:timers/promises";
import type { Usage } from "../../contract/index.js";
import type { UpstreamConfig } from "../config.js";
import { ContractError } from "../replies/contract-error.js";
import { classifyProviderError } from "./classify-provider-error.js";
import { openModelStream } from "./open-model-stream.js";
import { readChunkFinish } from "./read-chunk-finish.js";
import { readChunkReasoning } from "./read-chunk-reasoning.js";
import type { ReplyPart } from "./reply-part.js";

export interface StreamReplyOptions {
  /** Aborted when the client goes away: the model call is cancelled at once. */
  signal: AbortSignal;
  upstream: UpstreamConfig;
  /** Told of each retry, for logging. */
  onRetry?: (attempt: number, error: ContractError, delayMs: number) => void;
  /**
   * Yield the model's reasoning as `reasoning` parts and count `reasoningTokens` in usage. Off: both are dropped, so
   * the reply is exactly what it was before reasoning existed.
   */
  includeReasoning?: boolean;
}

/** Call options of a model that reasons only when asked (the demo model); models that do not know it ignore it. */
export interface ReasoningCallOptions extends BaseChatModelCallOptions {
  includeReasoning?: boolean;
}

const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

class TimeoutReason extends Error {}

function chunkText(chunk: AIMessageChunk): string {
  const content: unknown = chunk.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: { type?: unknown; text?: unknown }) => (part.type === "text" && typeof part.text === "string" ? part.text : "")).join("");
}

/**
 * The usage so far, updated by one chunk's. Each count is the largest seen: servers that repeat cumulative usage on
 * every chunk and providers that split it across events (Anthropic: input in `message_start`, output in
 * `message_delta`, with 0 input there) both come out right.
 */
function toUsage(chunk: AIMessageChunk, includeReasoning: boolean, previous: Usage | undefined): Usage | undefined {
  const usage = chunk.usage_metadata;
  if (!usage) return previous;
  const inputTokens = Math.max(usage.input_tokens, previous?.inputTokens ?? 0);
  const outputTokens = Math.max(usage.output_tokens, previous?.outputTokens ?? 0);
  // OpenAI reports `reasoning_tokens: 0` for every model that does not reason: left out, so asking for reasoning
  // changes nothing for such a model.
  const reasoningTokens = includeReasoning ? Math.max(usage.output_token_details?.reasoning ?? 0, previous?.reasoningTokens ?? 0) : 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: Math.max(usage.total_tokens, previous?.totalTokens ?? 0, inputTokens + outputTokens),
    ...(reasoningTokens > 0 ? { reasoningTokens } : {}),
  };
}

function backoffMs(attempt: number, error: ContractError): number {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const exponential = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  return exponential / 2 + Math.random() * (exponential / 2);
}

/**
 * Streams one reply from a LangChain chat model as text pieces (and, when asked, reasoning pieces) and a final `finish`.
 *
 * - Empty chunks (the role chunk, the finish chunk, the usage chunk) are never yielded as tokens.
 * - A chunk's reasoning ({@link readChunkReasoning}) comes before its text, as the model produced it; it is yielded
 *   only with `includeReasoning`, but keeps the model "alive" for the timeouts either way.
 * - Failures before the first piece sent are retried (bounded, honouring `Retry-After`, within the first-token
 *   deadline); after it they are not, since the client already has part of the reply.
 * - Failures are thrown as a {@link ContractError}; the caller's abort is rethrown as its reason.
 */
export async function* streamReply(model: BaseChatModel, messages: BaseMessage[], options: StreamReplyOptions): AsyncGenerator<ReplyPart, void, undefined> {
  const { signal, upstream } = options;
  const includeReasoning = options.includeReasoning === true;
  // Only when asked: without the flag, the call is exactly the one made before reasoning existed.
  const callOptions: ReasoningCallOptions = includeReasoning ? { includeReasoning } : {};
  const firstTokenDeadline = performance.now() + upstream.firstTokenTimeoutMs;
  let sentAny = false;

  for (let attempt = 0; ; attempt++) {
    const attemptController = new AbortController();
    const abortAttempt = () => attemptController.abort(signal.reason);
    signal.addEventListener("abort", abortAttempt, { once: true });
    // Two timers per attempt, none per token: the first-token deadline until the model sends anything (any chunk,
    // including reasoning or tool-call pieces, proves it is alive), then an idle timer refreshed on every chunk.
    // The idle timer never fires while our own consumer holds a token: a slow client is not a silent model.
    let consumerBusy = false;
    const firstChunkTimer = setTimeout(() => attemptController.abort(new TimeoutReason("first")), Math.max(0, firstTokenDeadline - performance.now()));
    let idleTimer: NodeJS.Timeout | undefined;
    const onIdle = () => (consumerBusy ? idleTimer?.refresh() : attemptController.abort(new TimeoutReason("idle")));
    let finishReason: string | undefined;
    let usage: Usage | undefined;
    /** The model's stream was read to its end: nothing is left open to close. */
    let drained = false;
    try {
      signal.throwIfAborted();
      const stream = await openModelStream(model, messages, { ...callOptions, signal: attemptController.signal }, upstream.modelStreamPath);
      for await (const chunk of stream) {
        if (idleTimer) idleTimer.refresh();
        else {
          clearTimeout(firstChunkTimer);
          idleTimer = setTimeout(onIdle, upstream.idleTimeoutMs);
        }
        const text = chunkText(chunk);
        const reasoning = includeReasoning ? readChunkReasoning(chunk) : "";
        finishReason ??= readChunkFinish(chunk);
        usage = toUsage(chunk, includeReasoning, usage);
        if (text.length === 0 && reasoning.length === 0) continue;
        sentAny = true;
        consumerBusy = true;
        if (reasoning.length > 0) yield { type: "reasoning", content: reasoning };
        if (text.length > 0) yield { type: "token", content: text };
        consumerBusy = false;
        // The model's silence is measured from when we were ready for more, not from the last chunk's arrival.
        idleTimer.refresh();
      }
      drained = true;
      // Every provider says why a reply ended (finish_reason, stop_reason); a stream that just stops was cut off.
      if (finishReason === undefined) {
        throw new ContractError("upstream_unavailable", "The model provider ended the stream before finishing the reply.");
      }
      yield { type: "finish", finishReason, ...(usage ? { usage } : {}) };
      return;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // The reply itself was finished; only the trailing usage chunk or [DONE] went missing.
      if (finishReason !== undefined) {
        yield { type: "finish", finishReason, ...(usage ? { usage } : {}) };
        return;
      }
      const timeout = attemptController.signal.reason;
      if (timeout instanceof TimeoutReason) {
        throw timeout.message === "idle"
          ? new ContractError("upstream_timeout", `The model provider went silent for ${upstream.idleTimeoutMs} ms.`)
          : new ContractError("upstream_timeout", `The model provider sent nothing within ${upstream.firstTokenTimeoutMs} ms.`);
      }
      const failure = classifyProviderError(error);
      const delay = backoffMs(attempt, failure);
      if (sentAny || !failure.retryable || attempt >= upstream.maxRetries || performance.now() + delay >= firstTokenDeadline) throw failure;
      options.onRetry?.(attempt + 1, failure, delay);
      await sleep(delay, undefined, { signal });
    } finally {
      clearTimeout(firstChunkTimer);
      clearTimeout(idleTimer);
      signal.removeEventListener("abort", abortAttempt);
      // Also reached when the consumer stops early: closes the upstream socket instead of reading on. Not after a
      // stream read to its end: an abort builds an exception with a stack, for nothing, on every reply.
      if (!drained) attemptController.abort();
    }
  }
}
