import { RETRYABLE_ERROR_CODES, SCHEMA_ENUMS } from "../generated/constants.js";
import type { ErrorCode } from "./types.js";

/** Every error code the contract documents (`ErrorCode`'s enum). */
export const ERROR_CODES: readonly ErrorCode[] = SCHEMA_ENUMS.ErrorCode;

const retryable: ReadonlySet<string> = new Set<ErrorCode>(RETRYABLE_ERROR_CODES);

/**
 * Whether sending the same request again may succeed after an error with this code (the spec's `x-retryable` list on
 * `ErrorCode`). For an `error` event, prefer the event's own `retryable`: it speaks for that one failure.
 *
 * @example
 * if (error.type === "http_error" && isRetryableErrorCode(error.body?.error.code)) showRetryButton();
 */
export function isRetryableErrorCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && retryable.has(code);
}
