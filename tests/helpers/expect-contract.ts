import { expect } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";
import type { ReceivedEvent } from "./read-sse.js";

const validator = createSchemaValidator();
type SchemaName = Parameters<typeof validator.validate>[0];

/** Fails with the field-level problems when `value` does not match the spec's schema `name`. */
export function expectMatchesSchema(name: SchemaName, value: unknown): void {
  expect(validator.validate(name, value), `${name}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([]);
}

/** The contract's naming rule: event `x` carries schema `XEvent`. */
const EVENT_SCHEMAS = new Map<string, SchemaName>(
  spec.components.schemas.StreamEventName.enum.map((name) => [name, `${name[0]!.toUpperCase()}${name.slice(1)}Event` as SchemaName]),
);

/** Every event must be a documented name, with a JSON payload matching that event's schema, and ids must increase. */
export function expectEventsMatchContract(events: ReceivedEvent[]): void {
  let lastId = 0;
  for (const event of events) {
    const schema = EVENT_SCHEMAS.get(event.event ?? "");
    expect(schema, `undocumented event name: ${String(event.event)}`).toBeDefined();
    expectMatchesSchema(schema!, JSON.parse(event.data));
    const id = Number(event.id);
    expect(id, "ids increase within a stream").toBeGreaterThan(lastId);
    lastId = id;
  }
}
