/**
 * Renders `generated/constants.ts`: the values the spec states that code must also know at run time. openapi-typescript
 * emits types only, so without this the UI would restate `maxLength: 32000` by hand and drift when the spec changes.
 *
 * Emitted generically, so a limit or enum added to the spec appears without editing this file:
 * - `SCHEMA_LIMITS`: every numeric constraint of every property of every component schema, by schema and property.
 * - `SCHEMA_ENUMS`: every enum of a component schema, by schema name.
 * - `RETRYABLE_ERROR_CODES`: `ErrorCode`'s `x-retryable` list (checked to be a subset of its enum).
 */

const LIMIT_KEYWORDS = ["minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"] as const;

interface SchemaObject {
  enum?: unknown[];
  properties?: Record<string, Record<string, unknown>>;
  "x-retryable"?: unknown;
}

function readSchemas(spec: Record<string, unknown>): Record<string, SchemaObject> {
  const components = spec.components as { schemas?: Record<string, SchemaObject> } | undefined;
  return components?.schemas ?? {};
}

function limitsOf(property: Record<string, unknown>): Record<string, number> | undefined {
  const limits = Object.fromEntries(
    LIMIT_KEYWORDS.filter((keyword) => typeof property[keyword] === "number").map((keyword) => [keyword, property[keyword] as number]),
  );
  return Object.keys(limits).length > 0 ? limits : undefined;
}

function collectLimits(schemas: Record<string, SchemaObject>): Record<string, Record<string, Record<string, number>>> {
  const result: Record<string, Record<string, Record<string, number>>> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    for (const [property, definition] of Object.entries(schema.properties ?? {})) {
      const limits = limitsOf(definition);
      if (limits) (result[name] ??= {})[property] = limits;
    }
  }
  return result;
}

function collectEnums(schemas: Record<string, SchemaObject>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(schemas).flatMap(([name, schema]) => (Array.isArray(schema.enum) ? [[name, schema.enum]] : [])));
}

function readRetryableCodes(schemas: Record<string, SchemaObject>): string[] {
  const errorCode = schemas.ErrorCode;
  const retryable = errorCode?.["x-retryable"];
  if (!Array.isArray(retryable) || !retryable.every((code) => typeof code === "string")) {
    throw new Error("components.schemas.ErrorCode needs an `x-retryable` list of error codes.");
  }
  const unknown = retryable.filter((code) => !errorCode?.enum?.includes(code));
  if (unknown.length > 0) throw new Error(`ErrorCode's x-retryable names codes its enum does not have: ${unknown.join(", ")}.`);
  return retryable;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function renderConstants(spec: Record<string, unknown>): string {
  const schemas = readSchemas(spec);
  return [
    "/** Numeric constraints of the component schemas' properties (`minLength`, `maxLength`, `minItems`, `maxItems`, `minimum`, `maximum`), by schema and property. */",
    `export const SCHEMA_LIMITS = ${json(collectLimits(schemas))} as const;`,
    "",
    "/** The enums of the component schemas, by schema name. */",
    `export const SCHEMA_ENUMS = ${json(collectEnums(schemas))} as const;`,
    "",
    "/** `ErrorCode`'s `x-retryable`: the codes after which sending the same request again may succeed. */",
    `export const RETRYABLE_ERROR_CODES = ${json(readRetryableCodes(schemas))} as const;`,
    "",
  ].join("\n");
}
