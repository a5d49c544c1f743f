import type { ErrorCode, ErrorResponse } from "../sdk/types.js";

type FieldError = NonNullable<ErrorResponse["error"]["details"]>[number];

/**
 * An error answered as the contract's JSON `ErrorResponse`. Thrown anywhere before a stream starts;
 * the error handler turns it into the response.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** Seconds, sent as `Retry-After`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  toBody(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
