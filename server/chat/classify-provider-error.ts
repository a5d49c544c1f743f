import { ContractError } from "../replies/contract-error.js";

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

/**
 * Maps whatever the provider's client (OpenAI's, Anthropic's, …) or LangChain threw to the contract's error: the provider's status, a broken
 * connection, a malformed chunk or an error object mid-stream each get their code; anything else is a bug of ours.
 */
export function classifyProviderError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as ProviderErrorShape;
  const status = typeof shape.status === "number" ? shape.status : undefined;
  const options = { cause: error };

  if (status !== undefined) {
    const retryAfterMs = readRetryAfterMs(shape);
    if (status === 401 || status === 403) {
      return new ContractError("upstream_auth", `The model provider rejected the credentials (HTTP ${status}).`, options);
    }
    if (status === 429) {
      return new ContractError("upstream_rate_limited", "The model provider is rate-limiting requests (HTTP 429).", { ...options, retryAfterMs });
    }
    if (status === 408) {
      return new ContractError("upstream_timeout", "The model provider timed out (HTTP 408).", { ...options, retryAfterMs });
    }
    if (status >= 500) {
      return new ContractError("upstream_unavailable", `The model provider is unavailable (HTTP ${status}).`, { ...options, retryAfterMs });
    }
    const hint = status === 404 ? " Check the model's name and the provider's base URL." : "";
    return new ContractError("upstream_error", `The model provider answered with HTTP ${status}.${hint}`, options);
  }
  // An `{"error": …}` object inside the stream: the provider failed mid-reply and said so (no HTTP status by then).
  if ((error as { constructor?: { name?: string } } | null)?.constructor?.name === "APIError" || typeof (shape as { error?: unknown }).error === "object") {
    return new ContractError("upstream_error", "The model provider reported an error in the middle of the reply.", { ...options, retryable: true });
  }
  if (shape.name === "TimeoutError") {
    return new ContractError("upstream_timeout", "The model provider did not answer in time.", options);
  }
  if (error instanceof SyntaxError) {
    return new ContractError("upstream_error", "The model provider sent a chunk that is not valid JSON.", { ...options, retryable: true });
  }
  if (isConnectionFailure(error)) {
    return new ContractError("upstream_unavailable", "The connection to the model provider failed before the reply was finished.", options);
  }
  // Anything else is a bug on our side: not the provider's fault, and not worth a retry.
  return new ContractError("internal", "An unexpected error occurred while reading the model's reply.", options);
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
