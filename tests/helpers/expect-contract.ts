import { expect } from "vitest";
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";
import type { ReceivedEvent, SseResult } from "./read-sse.js";

const validator = createSchemaValidator();
type SchemaName = Parameters<typeof validator.validate>[0];

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
  expect(result.headers["x-request-id"]).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expectEventsMatchContract(result.events);
  const terminal = result.events.filter((event) => event.event === "complete" || event.event === "error");
  expect(terminal.length, "at most one complete or error event").toBeLessThanOrEqual(1);
  if (terminal.length === 1) expect(result.events.at(-1), "the terminal event is the last").toBe(terminal[0]);
}
