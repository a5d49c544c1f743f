import type { ErrorRequestHandler, RequestHandler } from "express";
import { ContractError } from "../replies/contract-error.js";
import { toContractError } from "../replies/to-contract-error.js";

/** Unknown routes get the contract's JSON error, not Express's HTML page. */
export const respondNotFound: RequestHandler = (req) => {
  throw new ContractError("not_found", `No route for ${req.method} ${req.path}`);
};

/** Headers that describe a response's body, which an error answer replaces. */
const CONTENT_HEADERS = [
  "Content-Type",
  "Content-Length",
  "Content-Range",
  "Content-Disposition",
  "Content-Encoding",
  "Accept-Ranges",
  "ETag",
  "Last-Modified",
];

/**
 * The last middleware: every error becomes the contract's JSON `ErrorResponse`. Unexpected errors are
 * logged with their stack and answered as `internal`, without it.
 */
export const handleErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const failure = toContractError(error);
  const log = res.locals.log;
  // A known error is expected (a bad request, a full server, a provider failure the reply's telemetry already
  // reported): one info line, without the error object, which may carry reply text. Only the unexpected gets a stack.
  // toContractError keeps what it could not classify as the cause of an `internal`.
  if (failure.cause === error) log?.error({ err: error }, "unhandled error");
  else log?.info({ code: failure.code, status: failure.status }, failure.message);
  if (res.headersSent) {
    // A stream already started: its own code reports errors in-band; all that is left is to close.
    res.end();
    return;
  }
  // A handler that failed after describing its own body (serving a file sets its type, length and range) must not
  // lend those to the error: `res.json()` keeps a Content-Type already set, and would send JSON as text/html.
  for (const header of CONTENT_HEADERS) res.removeHeader(header);
  if (failure.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(failure.retryAfterSeconds));
  res.status(failure.status).json(failure.toErrorResponse());
};
