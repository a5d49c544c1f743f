import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The service's Prometheus metrics, in a registry of their own (one per app, so tests do not share counters). */
export interface Metrics {
  registry: Registry;
  started: Counter<"mode">;
  completed: Counter<"mode">;
  failed: Counter<"mode" | "code">;
  aborted: Counter<"mode" | "reason">;
  rejected: Counter<"code">;
  /** Requests refused by a client's limit (`rate_limited`), by which limit. */
  rateLimited: Counter<"limit">;
  upstreamErrors: Counter<"code">;
  timeToFirstToken: Histogram<"mode">;
  timeToFirstReasoning: Histogram<"mode">;
  tokensPerSecond: Histogram<"mode">;
  duration: Histogram<"mode">;
}

export function createMetrics({ activeReplies }: { activeReplies: () => number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: "chat_streams_active",
    help: "Replies running now (streams and JSON replies; each holds a model call).",
    registers: [registry],
    collect() {
      this.set(activeReplies());
    },
  });
  const mode = ["mode"] as const;
  return {
    registry,
    started: new Counter({ name: "chat_streams_started_total", help: "Replies started.", labelNames: mode, registers: [registry] }),
    completed: new Counter({ name: "chat_streams_completed_total", help: "Replies that ended with complete.", labelNames: mode, registers: [registry] }),
    failed: new Counter({
      name: "chat_streams_failed_total",
      help: "Replies that ended with an error, by the contract's error code.",
      labelNames: ["mode", "code"],
      registers: [registry],
    }),
    aborted: new Counter({
      name: "chat_streams_aborted_total",
      help: "Replies cut short by their client disconnecting (reason=client) or by shutdown (reason=shutdown).",
      labelNames: ["mode", "reason"],
      registers: [registry],
    }),
    rejected: new Counter({
      name: "chat_requests_rejected_total",
      help: "Requests refused before a reply started because the server was at capacity or shutting down.",
      labelNames: ["code"],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "chat_rate_limited_total",
      help: "Requests refused with 429 rate_limited, by the limit reached: requests, concurrent, tokens or auth_failures.",
      labelNames: ["limit"],
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "chat_upstream_errors_total",
      help: "Failed model calls, by error code, including ones that were retried.",
      labelNames: ["code"],
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: "chat_time_to_first_token_seconds",
      help: "From the request's admission to the first token.",
      labelNames: mode,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    // Its own histogram, so time to first token keeps meaning "the answer starts" while a model may think for a minute.
    timeToFirstReasoning: new Histogram({
      name: "chat_time_to_first_reasoning_seconds",
      help: "From the request's admission to the first reasoning piece sent (only replies that asked for reasoning and got some).",
      labelNames: mode,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    tokensPerSecond: new Histogram({
      name: "chat_tokens_per_second",
      help: "Tokens per second of completed replies, from first token to last.",
      labelNames: mode,
      buckets: [5, 10, 20, 40, 80, 160, 320],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "chat_stream_duration_seconds",
      help: "Duration of replies, however they ended.",
      labelNames: mode,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}
