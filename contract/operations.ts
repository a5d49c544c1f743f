/**
 * The spec's operations, by `operationId`, as types: what each takes and what each may answer. The server's typed
 * routes (`server/operations/`) and the SDK's type tests are built on these, so an operation, a status or a body shape
 * that the spec does not document does not compile.
 */
import type { operations } from "../generated/api.js";

/** Every operation the spec documents. */
export type OperationId = keyof operations;

type ResponsesOf<Id extends OperationId> = operations[Id]["responses"];

/** The HTTP statuses the spec documents for an operation. */
export type DocumentedStatus<Id extends OperationId> = Extract<keyof ResponsesOf<Id>, number>;

type ContentOf<Id extends OperationId, Status extends DocumentedStatus<Id>> = ResponsesOf<Id>[Status] extends { content: infer Content } ? Content : never;

/** The statuses of an operation whose response the spec documents with `mediaType` (e.g. `application/json`). */
export type StatusWithMediaType<Id extends OperationId, MediaType extends string> = {
  [Status in DocumentedStatus<Id>]: MediaType extends keyof ContentOf<Id, Status> ? Status : never;
}[DocumentedStatus<Id>];

/** The statuses of an operation that the spec documents with no body (`204`). */
export type StatusWithoutBody<Id extends OperationId> = {
  [Status in DocumentedStatus<Id>]: ResponsesOf<Id>[Status] extends { content: object } ? never : Status;
}[DocumentedStatus<Id>];

/** The body the spec documents for an operation's `status` answered as `mediaType`. */
export type ResponseBody<Id extends OperationId, Status extends DocumentedStatus<Id>, MediaType extends string> =
  ContentOf<Id, Status> extends { [Type in MediaType]: infer Body } ? Body : never;

/** An operation's JSON request body, or `undefined` when it takes none. */
export type RequestBody<Id extends OperationId> = operations[Id] extends { requestBody: { content: { "application/json": infer Body } } } ? Body : undefined;

/** An operation's path parameters (`{id}` in its path), or an empty object when it has none. */
export type PathParameters<Id extends OperationId> = operations[Id]["parameters"] extends { path: infer Path extends object } ? Path : Record<string, never>;
