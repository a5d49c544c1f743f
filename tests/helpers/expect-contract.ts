import type { IncomingHttpHeaders } from "node:http";
import { expect } from "vitest";
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";
import type { ErrorCode, ErrorResponse } from "../../sdk/types.js";
import type { ReceivedEvent, SseResult } from "./read-sse.js";

const validator = createSchemaValidator();
type SchemaName = Parameters<typeof validator.validate>[0];

/** What the contract allows as `X-Request-Id`. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** A stack frame ("at fn (file:1:2)", "at node:internal/...", an escaped "\n    at ") or a path into dependencies. */
const SERVER_INTERNALS = /\bat \S+ \(|\bat (file|node):|node_modules|\\n\s*at /;

/** Fails with the field-level problems when `value` does not match the spec's schema `name`. */
export function expectMatchesSchema(name: SchemaName, value: unknown): void {
  expect(validator.validate(name, value), `${name}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([]);
}

/**
 * Every event must be one the contract's `StreamEvent` documents, framed with a JSON payload that matches
 * that event's schema, and ids must increase.
 */
export function expectEventsMatchContract(events: ReceivedEvent[]): void {
  let lastId = 0;
  for (const event of events) {
    let data: unknown;
    expect(() => (data = JSON.parse(event.data)), `event ${String(event.event)} data is JSON`).not.toThrow();
    expectMatchesSchema("StreamEvent", { event: event.event, id: event.id, data });
    const id = Number(event.id);
    expect(id, "ids increase within a stream").toBeGreaterThan(lastId);
    lastId = id;
  }
}

/** An SSE response as the contract requires: headers, then events that all match, ending in at most one terminal event. */
export function expectSseResponseMatchesContract(result: SseResult): void {
  expect(result.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  expect(result.headers["cache-control"]).toBe("no-cache, no-transform");
  expect(result.headers["x-accel-buffering"]).toBe("no");
  expect(result.headers["x-request-id"]).toMatch(REQUEST_ID);
  // Every SSE response names its reply, and `complete` carries the same id.
  const messageId = result.headers["x-message-id"];
  expect(messageId, "X-Message-Id").toMatch(/^[A-Za-z0-9_-]{1,128}$/);
  expectEventsMatchContract(result.events);
  const terminal = result.events.filter((event) => event.event === "complete" || event.event === "error");
  expect(terminal.length, "at most one complete or error event").toBeLessThanOrEqual(1);
  if (terminal.length === 1) expect(result.events.at(-1), "the terminal event is the last").toBe(terminal[0]);
  const complete = terminal[0]?.event === "complete" ? (JSON.parse(terminal[0].data) as { messageId: string }) : undefined;
  if (complete) expect(complete.messageId, "complete.messageId is X-Message-Id").toBe(messageId);
}

/** An HTTP answer as a test received it: from fetch (`Headers`) or from Node's http client (a header record). */
export interface ReceivedAnswer {
  status: number;
  headers: Headers | IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: string;
}

function headerOf(answer: ReceivedAnswer, name: string): string | string[] | undefined {
  return answer.headers instanceof Headers ? (answer.headers.get(name) ?? undefined) : answer.headers[name];
}

/**
 * The checks every JSON error answer must pass, whatever its cause: the `status`, a JSON `ErrorResponse` as the
 * spec defines it with this `code`, a request id, and nothing of the server's insides (no stack frame, never an
 * HTML error page). Returns the error, for the checks particular to each case.
 */
export function expectContractError(answer: ReceivedAnswer, status: number, code: ErrorCode): ErrorResponse["error"] {
  expect(answer.status, answer.raw).toBe(status);
  expect(headerOf(answer, "content-type")).toBe("application/json; charset=utf-8");
  expect(headerOf(answer, "x-request-id")).toMatch(REQUEST_ID);
  let body: unknown;
  expect(() => (body = JSON.parse(answer.raw)), `the body is JSON: ${answer.raw.slice(0, 300)}`).not.toThrow();
  expectMatchesSchema("ErrorResponse", body);
  const { error } = body as ErrorResponse;
  expect(error.code, error.message).toBe(code);
  expect(answer.raw).not.toMatch(SERVER_INTERNALS);
  expect(answer.raw.toLowerCase()).not.toContain("<html");
  expect(answer.raw.toLowerCase()).not.toContain("<!doctype");
  return error;
}
