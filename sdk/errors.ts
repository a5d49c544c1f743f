import type { ErrorResponse } from "./types.js";

/**
 * What went wrong:
 * - `http_error`: the server answered with an error status before any stream started; `status` and `body` are set.
 * - `stream_interrupted`: the connection ended before a `complete` or `error` event; `partialContent` holds what arrived.
 *   A resumable stream throws it only once it cannot resume the reply: the attempts ran out, or the server no longer
 *   knows the reply (then `status` is 404 and `body` is set).
 * - `invalid_event`: the server sent an event whose data is not the JSON the contract documents.
 * - `network_error`: the request did not reach the server, or no response came back.
 */
export type ChatSdkErrorType = "http_error" | "stream_interrupted" | "invalid_event" | "network_error";

/** Options of {@link ChatSdkError}. */
export interface ChatSdkErrorOptions {
  /** HTTP status, for `http_error` (and `stream_interrupted` when resuming was refused). */
  status?: number;
  /** The contract's JSON error body, for `http_error` (and a refused resume) when the server sent one. */
  body?: ErrorResponse;
  /** The response's `X-Request-Id`, to quote when reporting a problem. */
  requestId?: string;
  /** The response's `Retry-After`, in seconds (503 `overloaded`, `server_shutdown`, rate limits). */
  retryAfterSeconds?: number;
  /** Text already received when a stream broke. */
  partialContent?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one error class the SDK throws (besides the platform's `AbortError` when you abort).
 *
 * @example
 * try {
 *   await client.sendMessage({ message: "" });
 * } catch (error) {
 *   if (error instanceof ChatSdkError && error.type === "http_error") console.log(error.body?.error.code);
 * }
 */
export class ChatSdkError extends Error {
  override readonly name = "ChatSdkError";
  /** What went wrong; see {@link ChatSdkErrorType}. */
  readonly type: ChatSdkErrorType;
  /** HTTP status, for `http_error` (and `stream_interrupted` when resuming was refused). */
  readonly status: number | undefined;
  /** The contract's JSON error body, when the server sent one. */
  readonly body: ErrorResponse | undefined;
  /** The response's `X-Request-Id`. */
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying, when the server said (`Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  /** Text already received when a stream broke (`stream_interrupted`, `invalid_event`). */
  readonly partialContent: string;

  constructor(type: ChatSdkErrorType, message: string, options: ChatSdkErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.type = type;
    this.status = options.status;
    this.body = options.body;
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.partialContent = options.partialContent ?? "";
  }
}
