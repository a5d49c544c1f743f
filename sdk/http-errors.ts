import { ChatSdkError } from "./errors.js";
import type { ErrorResponse } from "./types.js";

function isErrorResponse(value: unknown): value is ErrorResponse {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string";
}

/**
 * `Retry-After` in whole seconds: delta-seconds, or an HTTP date (RFC 9110 §10.2.3); `undefined` when absent or
 * unreadable, so an empty or garbled header never reads as "retry now".
 */
function readRetryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim() ?? "";
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP date names its day and month; without letters, Date.parse would read "-5" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The `http_error` for a refused call. `path` is the one we called: a `Response` made by an injected `fetch` may have
 * no `url`.
 */
export function toHttpError(response: Response, error: unknown, method: string, path: string): ChatSdkError {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const body = isErrorResponse(error) ? error : undefined;
  const detail = body ? `${body.error.code}: ${body.error.message}` : typeof error === "string" ? error.slice(0, 200) : "";
  const retryAfterSeconds = readRetryAfterSeconds(response.headers.get("retry-after"));
  return new ChatSdkError("http_error", `Request failed with status ${response.status}: ${method} ${path}${detail ? ` (${detail})` : ""}`, {
    status: response.status,
    body,
    requestId,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

/** Runs a call, turning a failure to get any response into `network_error`; the caller's abort is rethrown as is. */
export async function callOrThrow<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (signal?.aborted || cause instanceof ChatSdkError) throw cause;
    throw new ChatSdkError("network_error", `The request did not complete: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
