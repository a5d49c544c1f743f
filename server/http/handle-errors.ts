import type { ErrorRequestHandler, RequestHandler } from "express";
import { UpstreamError } from "../chat/upstream-error.js";
import { HttpError } from "../errors.js";

interface BodyParserError {
  type?: unknown;
  limit?: unknown;
  charset?: unknown;
  encoding?: unknown;
  status?: unknown;
  expose?: unknown;
}

/** body-parser marks most of its errors with a `type`; map each to the contract's error. */
function fromBodyParser(error: BodyParserError): HttpError | undefined {
  switch (error.type) {
    case "entity.parse.failed":
      return new HttpError(400, "malformed_json", "The request body is not valid JSON.");
    case "entity.too.large":
      return new HttpError(413, "payload_too_large", `The request body is larger than ${String(error.limit)} bytes.`);
    case "charset.unsupported":
      return new HttpError(415, "unsupported_media_type", `Unsupported charset "${String(error.charset)}": send the body as UTF-8.`);
    case "encoding.unsupported":
      return new HttpError(415, "unsupported_media_type", `Unsupported Content-Encoding "${String(error.encoding)}".`);
    case "request.size.invalid":
    case "request.aborted":
      return new HttpError(400, "invalid_request", "The request body ended before its declared length.");
    default:
      // Untyped but client-caused, e.g. a gzip body that does not inflate.
      if (error.expose === true && typeof error.status === "number" && error.status >= 400 && error.status < 500) {
        return new HttpError(400, "invalid_request", "The request body could not be decoded.");
      }
      return undefined;
  }
}

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof UpstreamError) {
    return new HttpError(error.httpStatus, error.code, error.message, { retryAfterSeconds: error.retryAfterSeconds, partialContent: error.partialContent });
  }
  if (typeof error === "object" && error !== null) return fromBodyParser(error);
  return undefined;
}

/** Unknown routes get the contract's JSON error, not Express's HTML page. */
export const respondNotFound: RequestHandler = (req) => {
  throw new HttpError(404, "not_found", `No route for ${req.method} ${req.path}`);
};

/**
 * The last middleware: every error becomes the contract's JSON `ErrorResponse`. Unexpected errors are
 * logged with their stack and answered as `internal`, without it.
 */
export const handleErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const known = toHttpError(error);
  const log = res.locals.log;
  // A known error is expected (a bad request, a full server, a provider failure the reply's telemetry already
  // reported): one info line, without the error object, which may carry reply text. Only the unexpected gets a stack.
  if (known === undefined) log?.error({ err: error }, "unhandled error");
  else log?.info({ code: known.code, status: known.status }, known.message);
  if (res.headersSent) {
    // A stream already started: its own code reports errors in-band; all that is left is to close.
    res.end();
    return;
  }
  const answer = known ?? new HttpError(500, "internal", "An unexpected error occurred. Quote the X-Request-Id when reporting it.");
  if (answer.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(answer.retryAfterSeconds));
  res.status(answer.status).json(answer.toBody());
};
