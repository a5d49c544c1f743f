import type { ResponseMode } from "../../contract/index.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/create-metrics.js";
import type { ContractError } from "./contract-error.js";

/**
 * Logs and metrics for one reply, so the reply code says what happened once and both stay in step. A reply ends
 * exactly once: the first of completed, failed or aborted counts, and any later report is ignored, so
 * `started = completed + failed + aborted` holds and the success rate computed from them is honest.
 */
export interface ReplyTelemetry {
  /** Called per token: only counts, so it costs nothing measurable on the hot path. */
  token(): void;
  /** Called per reasoning piece sent (only to requests with `includeReasoning`): only counts, like {@link token}. */
  reasoning(): void;
  /** Shaped as the model handle's `onRetry`, so it can be passed as is. */
  retry(attempt: number, error: ContractError, delayMs: number): void;
  completed(finishReason: string, content: string): void;
  /** The reply failed; `failure` carries the code, the cause and the text produced so far. */
  failed(failure: ContractError): void;
  /**
   * The reply ended early, not by failure: its client left, shutdown's grace period ran out, it was stopped
   * (`stopMessage`), or nobody read it (resumable) for too long. `partialContent` is the text produced so far.
   */
  aborted(reason: AbortReason, partialContent: string): void;
}

/** Why a reply ended early without failing; the `reason` label of `chat_streams_aborted_total`. */
export type AbortReason = "client" | "shutdown" | "stop" | "detached";

const ABORT_MESSAGES: Record<AbortReason, string> = {
  client: "stream aborted by client",
  shutdown: "stream ended by shutdown",
  stop: "stream stopped",
  detached: "stream stopped: nobody read it",
};

export interface ReplyTelemetryOptions {
  log: Logger;
  metrics: Metrics;
  mode: ResponseMode;
  model: string;
  /** The user's message, logged only when content logging is on. */
  prompt: string;
  /** Log prompt and reply text, partial replies included (off by default: they may hold personal data). */
  logContent: boolean;
}

export function createReplyTelemetry({ log, metrics, mode, model, prompt, logContent }: ReplyTelemetryOptions): ReplyTelemetry {
  const startedAt = performance.now();
  let firstTokenAt: number | undefined;
  let firstReasoningAt: number | undefined;
  let tokens = 0;
  let reasoningPieces = 0;
  let ended = false;
  const elapsedMs = () => Math.round(performance.now() - startedAt);
  /** Marks the reply ended; false when it already was (the report is then dropped). */
  const end = () => {
    if (ended) return false;
    ended = true;
    metrics.duration.observe({ mode }, (performance.now() - startedAt) / 1000);
    return true;
  };
  const partial = (text: string) => ({ partialLength: text.length, ...(logContent ? { partialContent: text } : {}) });
  // Only for replies that reasoned, so the log lines of other replies stay as they were.
  const reasoningFields = () => (firstReasoningAt === undefined ? {} : { reasoningPieces, timeToFirstReasoningMs: Math.round(firstReasoningAt - startedAt) });

  metrics.started.inc({ mode });
  log.info({ mode, model, ...(logContent ? { prompt } : {}) }, "stream started");

  return {
    token() {
      tokens += 1;
      if (firstTokenAt !== undefined) return;
      firstTokenAt = performance.now();
      const seconds = (firstTokenAt - startedAt) / 1000;
      metrics.timeToFirstToken.observe({ mode }, seconds);
      log.info({ mode, timeToFirstTokenMs: Math.round(seconds * 1000) }, "first token");
    },
    reasoning() {
      reasoningPieces += 1;
      if (firstReasoningAt !== undefined) return;
      firstReasoningAt = performance.now();
      const seconds = (firstReasoningAt - startedAt) / 1000;
      metrics.timeToFirstReasoning.observe({ mode }, seconds);
      log.info({ mode, timeToFirstReasoningMs: Math.round(seconds * 1000) }, "first reasoning");
    },
    retry(attempt, { code }, delayMs) {
      metrics.upstreamErrors.inc({ code });
      log.warn({ mode, attempt, code, delayMs: Math.round(delayMs) }, "retrying model call");
    },
    completed(finishReason, content) {
      if (!end()) return;
      metrics.completed.inc({ mode });
      const streamingSeconds = firstTokenAt === undefined ? 0 : (performance.now() - firstTokenAt) / 1000;
      if (tokens > 1 && streamingSeconds > 0) metrics.tokensPerSecond.observe({ mode }, (tokens - 1) / streamingSeconds);
      const timeToFirstTokenMs = firstTokenAt === undefined ? undefined : Math.round(firstTokenAt - startedAt);
      log.info(
        { mode, tokens, ...reasoningFields(), durationMs: elapsedMs(), timeToFirstTokenMs, finishReason, ...(logContent ? { content } : {}) },
        "stream complete",
      );
    },
    failed(failure) {
      if (!end()) return;
      const { code } = failure;
      metrics.failed.inc({ mode, code });
      if (code.startsWith("upstream_")) metrics.upstreamErrors.inc({ code });
      const fields = { mode, err: failure.cause ?? failure, code, tokens, ...reasoningFields(), ...partial(failure.partialContent), durationMs: elapsedMs() };
      log[code === "internal" ? "error" : "warn"](fields, "stream failed");
    },
    aborted(reason, partialContent) {
      if (!end()) return;
      metrics.aborted.inc({ mode, reason });
      log.info({ mode, reason, tokens, ...reasoningFields(), ...partial(partialContent), durationMs: elapsedMs() }, ABORT_MESSAGES[reason]);
    },
  };
}
