import type { ErrorCode } from "../../sdk/types.js";

/**
 * A failed model call, already classified: the contract's error code, the HTTP status used in JSON mode,
 * and whether repeating the request may help.
 */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";

  /** Text already produced when the call failed; set by whoever consumed the stream. */
  partialContent?: string;

  constructor(
    readonly code: ErrorCode,
    readonly httpStatus: number,
    readonly retryable: boolean,
    message: string,
    /** The provider's `Retry-After`, in ms, when it sent one. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** `Retry-After` in whole seconds, as HTTP and the `error` event carry it. */
  get retryAfterSeconds(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.ceil(this.retryAfterMs / 1000);
  }
}

interface ProviderErrorShape {
  status?: unknown;
  name?: unknown;
  headers?: { get?(name: string): string | null } | Record<string, string>;
  retryAfterMs?: unknown;
  cause?: unknown;
}

function readHeader(headers: ProviderErrorShape["headers"], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === "function") return headers.get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Parses `Retry-After` (seconds or an HTTP date) or `retry-after-ms` into ms. */
export function readRetryAfterMs(error: ProviderErrorShape, now = Date.now()): number | undefined {
  const ms = Number(readHeader(error.headers, "retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && readHeader(error.headers, "retry-after-ms") !== undefined) return ms;
  const raw = readHeader(error.headers, "retry-after");
  if (raw === undefined) return typeof error.retryAfterMs === "number" ? error.retryAfterMs : undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps whatever the OpenAI client or LangChain threw to an {@link UpstreamError}. */
export function classifyUpstreamError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as ProviderErrorShape;
  const status = typeof shape.status === "number" ? shape.status : undefined;
  const options = { cause: error };

  if (status !== undefined) {
    const retryAfterMs = readRetryAfterMs(shape);
    if (status === 401 || status === 403) {
      return new UpstreamError("upstream_auth", 502, false, `The model provider rejected the credentials (HTTP ${status}).`, undefined, options);
    }
    if (status === 429) {
      return new UpstreamError("upstream_rate_limited", 503, true, "The model provider is rate-limiting requests (HTTP 429).", retryAfterMs, options);
    }
    if (status === 408) {
      return new UpstreamError("upstream_timeout", 504, true, "The model provider timed out (HTTP 408).", retryAfterMs, options);
    }
    if (status >= 500) {
      return new UpstreamError("upstream_unavailable", 503, true, `The model provider is unavailable (HTTP ${status}).`, retryAfterMs, options);
    }
    const hint = status === 404 ? " Check OPENAI_MODEL and OPENAI_BASE_URL." : "";
    return new UpstreamError("upstream_error", 502, false, `The model provider answered with HTTP ${status}.${hint}`, undefined, options);
  }
  // An `{"error": …}` object inside the stream: the provider failed mid-reply and said so (no HTTP status by then).
  if ((error as { constructor?: { name?: string } } | null)?.constructor?.name === "APIError" || typeof (shape as { error?: unknown }).error === "object") {
    return new UpstreamError("upstream_error", 502, true, "The model provider reported an error in the middle of the reply.", undefined, options);
  }
  if (shape.name === "TimeoutError") {
    return new UpstreamError("upstream_timeout", 504, true, "The model provider did not answer in time.", undefined, options);
  }
  if (error instanceof SyntaxError) {
    return new UpstreamError("upstream_error", 502, true, "The model provider sent a chunk that is not valid JSON.", undefined, options);
  }
  if (isConnectionFailure(error)) {
    return new UpstreamError("upstream_unavailable", 503, true, "The connection to the model provider failed before the reply was finished.", undefined, options);
  }
  // Anything else is a bug on our side: not the provider's fault, and not worth a retry.
  return new UpstreamError("internal", 500, false, "An unexpected error occurred while reading the model's reply.", undefined, options);
}

const CONNECTION_MESSAGES = new Set(["terminated", "fetch failed", "other side closed"]);

/** The OpenAI client's APIConnectionError, undici's "fetch failed" / "terminated", socket errors (ECONNRESET, UND_ERR_*). */
function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 4; depth++) {
    const { name, code, message, constructor } = current as { name?: unknown; code?: unknown; message?: unknown; constructor?: { name?: string } };
    if (name === "APIConnectionError" || constructor?.name === "APIConnectionError") return true;
    if (typeof code === "string" && (code.startsWith("UND_ERR") || /^E[A-Z]+$/.test(code))) return true;
    if (typeof message === "string" && CONNECTION_MESSAGES.has(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
