import type { ErrorCode, ErrorResponse } from "../sdk/types.js";

type ErrorBody = ErrorResponse["error"];

/** The optional parts of an {@link HttpError}. */
export interface HttpErrorOptions {
  /** One entry per invalid field, for `invalid_request`. */
  details?: ErrorBody["details"];
  /** Text the model produced before it failed (JSON mode), so the client does not lose it. */
  partialContent?: string;
  /** Seconds, sent as `Retry-After`. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An error answered as the contract's JSON `ErrorResponse`. Thrown anywhere before a stream starts;
 * the error handler turns it into the response.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly retryAfterSeconds: number | undefined;
  private readonly extra: Pick<ErrorBody, "details" | "partialContent">;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    { details, partialContent, retryAfterSeconds, cause }: HttpErrorOptions = {},
  ) {
    super(message, { cause });
    this.retryAfterSeconds = retryAfterSeconds;
    this.extra = { ...(details ? { details } : {}), ...(partialContent ? { partialContent } : {}) };
  }

  toBody(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}
