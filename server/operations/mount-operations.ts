import { isUtf8 } from "node:buffer";
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from "express";
import type { DocumentedStatus, ErrorCode, OperationId, PathParameters, RequestBody } from "../../contract/index.js";
import { ContractError, type StatusOfCode } from "../replies/contract-error.js";
import { toContractError } from "../replies/to-contract-error.js";
import type { SchemaName, SchemaValidator } from "../validation/create-schema-validator.js";
import { replaceLoneSurrogates } from "../validation/replace-lone-surrogates.js";
import { findOperation, type SecuritySchemeName } from "./find-operation.js";
import { createOperationResponse, type OperationResponse } from "./operation-response.js";

/** The error codes whose status the spec documents for operation `Id`: the only ones it may answer. */
export type FailureCodeOf<Id extends OperationId> = {
  [Code in ErrorCode]: StatusOfCode<Code> extends DocumentedStatus<Id> ? Code : never;
}[ErrorCode];

/** A request to operation `Id`, after its body was validated against the spec. */
export interface OperationRequest<Id extends OperationId> {
  body: RequestBody<Id>;
  params: PathParameters<Id>;
  /** Express's request, for what the contract does not type (headers already handled by middleware). */
  raw: Request;
}

/** How the server answers one operation of the spec. */
export interface OperationDefinition<Id extends OperationId> {
  /**
   * Every error code the operation may answer with a status. Each must be one whose status the spec documents for
   * the operation (a compile error otherwise, also when the spec drops a status), and `internal` comes first, so every
   * operation must document a 500: whatever else is thrown is answered as `internal`, and logged as a bug.
   */
  failures: readonly ["internal" & FailureCodeOf<Id>, ...FailureCodeOf<Id>[]];
  /** Largest JSON request body, for operations that take one. */
  bodyLimitBytes?: number;
  /** Middleware before the body is parsed (content negotiation, media type checks); may throw a `ContractError`. */
  before?: RequestHandler[];
  handle(request: OperationRequest<Id>, response: OperationResponse<Id>): void | Promise<void>;
}

/**
 * How each security scheme of the spec is checked: middleware that throws `unauthorized` (a `ContractError`) or lets
 * the request through. A scheme added to the spec does not compile until it is checked.
 */
export type Authenticators = Record<SecuritySchemeName, RequestHandler>;

/** One definition per operation of the spec: an operation added to the spec does not compile until it is answered. */
export type OperationDefinitions = { [Id in OperationId]: OperationDefinition<Id> };

const MAX_LISTED_PROBLEMS = 5;
/**
 * The `details` of one `invalid_request`, at most (the spec says so). A 1 MiB body of unknown keys has about 90,000
 * problems: listing them all answered 5 MB for 1 MiB, and cost more to serialise than to find.
 */
const MAX_FIELD_ERRORS = 100;
/** Cut to this length in the error's message: a key may be as long as the body. */
const MAX_PATH_LENGTH_IN_MESSAGE = 100;

const shorten = (path: string) => (path.length > MAX_PATH_LENGTH_IN_MESSAGE ? `${path.slice(0, MAX_PATH_LENGTH_IN_MESSAGE)}…` : path);

function validateBody(validator: SchemaValidator, schemaName: SchemaName): RequestHandler {
  return (req, _res, next) => {
    const problems = validator.validate(schemaName, req.body);
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(({ path, message }) => `${shorten(path) || "(body)"} ${message}`);
      const more = problems.length > MAX_LISTED_PROBLEMS ? ` (and ${problems.length - MAX_LISTED_PROBLEMS} more)` : "";
      throw new ContractError("invalid_request", `The request body does not match ${schemaName}: ${listed.join("; ")}${more}`, {
        details: problems.slice(0, MAX_FIELD_ERRORS),
      });
    }
    // Valid JSON may still hold half a surrogate pair (a client cut a string between the two): the model gets U+FFFD.
    req.body = replaceLoneSurrogates(req.body);
    next();
  };
}

/**
 * RFC 8259 requires UTF-8, and a body that is not would otherwise be decoded with U+FFFD in place of whatever the
 * client meant: refuse it, so a client sending Latin-1 by mistake is told.
 */
const refuseInvalidUtf8 = (_req: unknown, _res: unknown, body: Buffer): void => {
  // Thrown through body-parser, which sets status 400 (ours) and its own properties on it; toContractError keeps it.
  if (!isUtf8(body)) throw new ContractError("malformed_json", "The request body is not valid UTF-8.");
};

/** Lets through only the failures an operation documents; anything else becomes `internal`, with the original as cause. */
function keepToDocumentedFailures(operationId: OperationId, failures: readonly ErrorCode[]): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const failure = toContractError(error);
    if (failures.includes(failure.code)) return next(failure);
    res.locals.log?.error({ err: failure, code: failure.code, operationId }, "a failure the spec does not document for this operation");
    next(new ContractError("internal", "An unexpected error occurred. Quote the X-Request-Id when reporting it.", { cause: failure }));
  };
}

function mountOperation<Id extends OperationId>(
  router: Router,
  operationId: Id,
  definition: OperationDefinition<Id>,
  validator: SchemaValidator,
  authenticators: Authenticators,
): void {
  const { method, expressPath, requestSchema, security } = findOperation(operationId);
  // First of all: an unauthenticated request gets its 401 before its Accept or its body is looked at.
  const authenticate = security ? [authenticators[security]] : [];
  const parseBody = requestSchema
    ? // The media type was checked in `before`; strict: false lets a JSON scalar through to schema validation, which
      // explains "must be object" better than a parse error would.
      [express.json({ limit: definition.bodyLimitBytes, strict: false, type: () => true, verify: refuseInvalidUtf8 }), validateBody(validator, requestSchema)]
    : [];
  const handle: RequestHandler = async (req, res) => {
    // Sound because the body was validated against the operation's schema above.
    const request = { body: req.body as RequestBody<Id>, params: req.params as PathParameters<Id>, raw: req };
    await definition.handle(request, createOperationResponse<Id>(res));
  };
  router[method](expressPath, ...authenticate, ...(definition.before ?? []), ...parseBody, handle, keepToDocumentedFailures(operationId, definition.failures));
}

/**
 * Mounts every operation of the spec on `router`, each at the method and path the spec gives it, authenticated as its
 * `security` says, with its request body parsed and validated against the spec's schema before the handler runs.
 */
export function mountOperations(router: Router, definitions: OperationDefinitions, validator: SchemaValidator, authenticators: Authenticators): void {
  for (const operationId of Object.keys(definitions) as OperationId[]) {
    mountOperation(router, operationId, definitions[operationId] as OperationDefinition<typeof operationId>, validator, authenticators);
  }
}
