import type { ErrorCode, ErrorEvent, ErrorResponse, FieldError } from "../../contract/index.js";

/** How a code is answered unless one failure says otherwise. */
interface CodePolicy {
  /** The HTTP status of the JSON error (before a stream starts, or in JSON mode). */
  status: number;
  /** Whether sending the same request again may help; an `error` event carries it as `retryable`. */
  retryable: boolean;
}

/**
 * The one mapping from a contract error code to its answer. Typed by the spec's `ErrorCode`: a code added to the spec
 * does not compile until it has a row here, and a row is all a new code needs (both response modes and the JSON error
 * handler read it through {@link ContractError}; the typed routes check each status against the operations' own).
 */
const POLICY_BY_CODE = {
  invalid_request: { status: 400, retryable: false },
  malformed_json: { status: 400, retryable: false },
  unauthorized: { status: 401, retryable: false },
  not_found: { status: 404, retryable: false },
  not_acceptable: { status: 406, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  rate_limited: { status: 429, retryable: true },
  internal: { status: 500, retryable: false },
  upstream_auth: { status: 502, retryable: false },
  upstream_error: { status: 502, retryable: false },
  upstream_rate_limited: { status: 503, retryable: true },
  upstream_unavailable: { status: 503, retryable: true },
  overloaded: { status: 503, retryable: true },
  server_shutdown: { status: 503, retryable: true },
  storage_unavailable: { status: 503, retryable: true },
  upstream_timeout: { status: 504, retryable: true },
} as const satisfies Record<ErrorCode, CodePolicy>;

/** The HTTP status a code is answered with, as a literal type: typed routes check it against the spec's statuses. */
export type StatusOfCode<Code extends ErrorCode> = (typeof POLICY_BY_CODE)[Code]["status"];

/** The optional parts of a {@link ContractError}. */
export interface ContractErrorOptions {
  /** Overrides the code's usual {@link CodePolicy.retryable} (a provider's 4xx is not worth repeating; its mid-reply error is). */
  retryable?: boolean;
  /** When to retry, in ms (the provider's `Retry-After`, or ours); sent rounded up to seconds. */
  retryAfterMs?: number;
  /** Text the model had produced when the reply failed: the client must not lose it. */
  partialContent?: string;
  /** Reasoning already sent when the reply failed (only to a request with `includeReasoning`). */
  partialReasoning?: string;
  /** One entry per invalid field, for `invalid_request`. */
  details?: FieldError[];
  cause?: unknown;
}

/**
 * Why a request or a reply ended badly, in the contract's terms: code, HTTP status, whether a retry may help, a message
 * for people, when to retry, the text produced so far, and the cause (logged, never sent). Thrown before a stream starts
 * (the error handler answers it as JSON) and reported in a stream as one `error` event. Build it from anything thrown
 * with `toContractError`.
 */
export class ContractError extends Error {
  override readonly name = "ContractError";
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly partialContent: string;
  readonly partialReasoning: string;
  readonly details: FieldError[] | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    { retryable, retryAfterMs, partialContent, partialReasoning, details, cause }: ContractErrorOptions = {},
  ) {
    super(message, { cause });
    const policy = POLICY_BY_CODE[code];
    this.status = policy.status;
    this.retryable = retryable ?? policy.retryable;
    this.retryAfterMs = retryAfterMs;
    this.partialContent = partialContent ?? "";
    this.partialReasoning = partialReasoning ?? "";
    this.details = details;
  }

  /** `Retry-After` in whole seconds, as HTTP and the `error` event carry it. */
  get retryAfterSeconds(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.ceil(this.retryAfterMs / 1000);
  }

  /**
   * The same failure, carrying the text (and the reasoning, when it was sent) produced so far. A copy: one failure
   * (a shutdown) can end many replies.
   */
  withPartialContent(partialContent: string, partialReasoning = ""): ContractError {
    const { retryable, retryAfterMs, details, cause } = this;
    return new ContractError(this.code, this.message, { retryable, retryAfterMs, details, cause, partialContent, partialReasoning });
  }

  /** The JSON body answered before a stream starts, or in JSON mode. */
  toErrorResponse(): ErrorResponse {
    const details = this.details ? { details: this.details } : {};
    const partial = this.partialContent ? { partialContent: this.partialContent } : {};
    const reasoning = this.partialReasoning ? { partialReasoning: this.partialReasoning } : {};
    return { error: { code: this.code, message: this.message, ...details, ...partial, ...reasoning } };
  }

  /** The `error` event that ends a stream. */
  toErrorEvent(): ErrorEvent {
    const retryAfter = this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds };
    const reasoning = this.partialReasoning ? { partialReasoning: this.partialReasoning } : {};
    return { code: this.code, message: this.message, retryable: this.retryable, ...retryAfter, partialContent: this.partialContent, ...reasoning };
  }
}
