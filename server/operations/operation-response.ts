import type { Response } from "express";
import type { ServerResponse } from "node:http";
import type { OperationId, ResponseBody, StatusWithMediaType, StatusWithoutBody } from "../../contract/index.js";
import { createSseWriter, type SseWriter, type SseWriterOptions } from "../sse/create-sse-writer.js";

/** What the reply registry watches of a response: whether and when its connection ends. */
export type ResponseConnection = Pick<ServerResponse, "once" | "destroyed" | "writableFinished">;

/**
 * The only ways an operation's handler answers, each typed by the spec: a status the operation does not document for
 * that media type, or a body its schema does not describe, does not compile. Errors are thrown as `ContractError`s
 * and answered by the error handler (see `mountOperation`'s `failures`).
 */
export interface OperationResponse<Id extends OperationId> {
  /** Answers `status` with a JSON body. */
  json<Status extends StatusWithMediaType<Id, "application/json">>(status: Status, body: ResponseBody<Id, Status, "application/json">): void;
  /** Answers `status` with plain text; `contentType` may add parameters (`text/plain; version=0.0.4`). */
  text<Status extends StatusWithMediaType<Id, "text/plain">>(status: Status, body: string, contentType?: string): void;
  /** Answers a status the spec documents with no body (`204`). */
  empty<Status extends StatusWithoutBody<Id>>(status: Status): void;
  /** Starts the event stream documented for `status`: headers at once, then the contract's typed events. */
  eventStream<Status extends StatusWithMediaType<Id, "text/event-stream">>(status: Status, options: SseWriterOptions): SseWriter;
  /** The connection's end, for the reply registry. Not a way to answer. */
  readonly connection: ResponseConnection;
  /** Per-request values set by middleware (logger, response mode). */
  readonly locals: Response["locals"];
}

/** Wraps Express's response in the typed answers of operation `Id`; the types do the checking, so this only forwards. */
export function createOperationResponse<Id extends OperationId>(res: Response): OperationResponse<Id> {
  return {
    json(status, body) {
      res.status(status).json(body);
    },
    text(status, body, contentType = "text/plain; charset=utf-8") {
      res.status(status).type(contentType).send(body);
    },
    empty(status) {
      res.status(status).end();
    },
    eventStream(status, options) {
      return createSseWriter(res, { ...options, status });
    },
    connection: res,
    locals: res.locals,
  };
}
