import type { ErrorCode } from "../../sdk/types.js";
import type { UpstreamError } from "../chat/upstream-error.js";
import type { Logger } from "../logger.js";
import type { Metrics, ReplyMode } from "../observability/create-metrics.js";

/** Logs and metrics for one reply, so the reply code says what happened once and both stay in step. */
export interface ReplyTelemetry {
  /** Called per token: only counts, so it costs nothing measurable on the hot path. */
  token(content: string): void;
  /** Shaped as streamReply's `onRetry`, so it can be passed as is. */
  retry(attempt: number, error: UpstreamError, delayMs: number): void;
  completed(finishReason: string, content: string): void;
  failed(code: ErrorCode, partialLength: number, error: unknown): void;
  aborted(reason: "client" | "shutdown", partialLength: number): void;
}

export interface ReplyTelemetryOptions {
  log: Logger;
  metrics: Metrics;
  mode: ReplyMode;
  model: string;
  /** The user's message, logged only when content logging is on. */
  prompt: string;
  /** Log prompt and reply text (off by default: they may hold personal data). */
  logContent: boolean;
}

export function createReplyTelemetry({ log, metrics, mode, model, prompt, logContent }: ReplyTelemetryOptions): ReplyTelemetry {
  const startedAt = performance.now();
  let firstTokenAt: number | undefined;
  let tokens = 0;
  const elapsedMs = () => Math.round(performance.now() - startedAt);
  const observeDuration = () => metrics.duration.observe({ mode }, (performance.now() - startedAt) / 1000);

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
    retry(attempt, { code }, delayMs) {
      metrics.upstreamErrors.inc({ code });
      log.warn({ mode, attempt, code, delayMs: Math.round(delayMs) }, "retrying model call");
    },
    completed(finishReason, content) {
      observeDuration();
      metrics.completed.inc({ mode });
      const streamingSeconds = firstTokenAt === undefined ? 0 : (performance.now() - firstTokenAt) / 1000;
      if (tokens > 1 && streamingSeconds > 0) metrics.tokensPerSecond.observe({ mode }, (tokens - 1) / streamingSeconds);
      const timeToFirstTokenMs = firstTokenAt === undefined ? undefined : Math.round(firstTokenAt - startedAt);
      log.info({ mode, tokens, durationMs: elapsedMs(), timeToFirstTokenMs, finishReason, ...(logContent ? { content } : {}) }, "stream complete");
    },
    failed(code, partialLength, error) {
      observeDuration();
      metrics.failed.inc({ mode, code });
      if (code.startsWith("upstream_")) metrics.upstreamErrors.inc({ code });
      log[code === "internal" ? "error" : "warn"]({ mode, err: error, code, tokens, partialLength, durationMs: elapsedMs() }, "stream failed");
    },
    aborted(reason, partialLength) {
      observeDuration();
      metrics.aborted.inc({ mode, reason });
      log.info({ mode, reason, tokens, partialLength, durationMs: elapsedMs() }, reason === "client" ? "stream aborted by client" : "stream ended by shutdown");
    },
  };
}
