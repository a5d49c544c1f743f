/**
 * fast-check arbitraries derived from the contract's JSON Schemas, so the fuzzer follows the spec instead of a
 * hand copy of the request shape. Only the subset the spec's request schemas use is supported (object with
 * properties/required/additionalProperties, string with minLength/maxLength, array with minItems/maxItems/items,
 * enum, local `$ref`); any other keyword throws, so a spec change the fuzzer cannot follow is noticed at once.
 */
import fc from "fast-check";

export type JsonSchema = Record<string, unknown>;

export interface SchemaArbitraries {
  /** Values that satisfy `schema`: mostly small, sometimes at an exact bound (maxLength, maxItems, minLength). */
  valid(schema: JsonSchema): fc.Arbitrary<unknown>;
  /** Values that break `schema` in one place: a missing or extra property, a wrong type, a length or count out of bounds, a value outside an enum. */
  invalid(schema: JsonSchema): fc.Arbitrary<unknown>;
}

const SUPPORTED_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "items",
  "enum",
  "$ref",
  "description",
  "title",
  // An annotation: the value a server assumes when the field is absent; generated values need not use it.
  "default",
]);
/** Ordinary strings stay this short; the bounds themselves are hit on purpose, and rarely. */
const TYPICAL_EXTRA_LENGTH = 24;
const TYPICAL_EXTRA_ITEMS = 3;
/** One code point each (JSON Schema lengths count code points): ASCII, Latin-1, CJK, astral, and characters JSON must escape. */
const PAD_CHARACTERS = ["a", "é", "中", "😀", '"', "\\", "\n", "\u0000", "\u2028"];

const codePoints = (text: string) => [...text];

/** A string of exactly `length` code points: an arbitrary head padded with one repeated character. */
function stringOfLength(length: number): fc.Arbitrary<string> {
  return fc.tuple(fc.string({ unit: "binary", maxLength: Math.min(length, 8) }), fc.constantFrom(...PAD_CHARACTERS)).map(([head, pad]) => {
    const kept = codePoints(head).slice(0, length);
    return kept.join("") + pad.repeat(length - kept.length);
  });
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Any JSON value whose type is not `type` (integers count as numbers too). */
function wrongType(type: string): fc.Arbitrary<unknown> {
  const small = fc.jsonValue({ maxDepth: 1 });
  return fc
    .oneof(
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(small, { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 6 }), small, { maxKeys: 3 }),
    )
    .filter((value) => jsonTypeOf(value) !== type && !(type === "number" && jsonTypeOf(value) === "integer"));
}

export function createSchemaArbitraries(components: { schemas: Record<string, unknown> }): SchemaArbitraries {
  function resolve(schema: JsonSchema): JsonSchema {
    for (const keyword of Object.keys(schema))
      if (!SUPPORTED_KEYWORDS.has(keyword))
        throw new Error(`arbitraries-from-schema does not support "${keyword}" (in ${JSON.stringify(schema).slice(0, 120)})`);
    if (typeof schema.$ref !== "string") return schema;
    const name = /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : components.schemas[name];
    if (target === undefined) throw new Error(`Cannot resolve $ref ${schema.$ref}`);
    return resolve(target as JsonSchema);
  }

  const bounds = (schema: JsonSchema, min: string, max: string) => ({ min: (schema[min] as number | undefined) ?? 0, max: schema[max] as number | undefined });
  const properties = (schema: JsonSchema) => Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);

  /** `short`: no bound-hitting strings or arrays, for the items of an array already at maxItems (a body that size is a 413, not a test of validity). */
  function valid(raw: JsonSchema, short: boolean): fc.Arbitrary<unknown> {
    const schema = resolve(raw);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    switch (schema.type) {
      case "string": {
        const { min, max } = bounds(schema, "minLength", "maxLength");
        const typicalMax = Math.min(max ?? Infinity, min + TYPICAL_EXTRA_LENGTH);
        const typical = fc.oneof(
          { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: min, maxLength: typicalMax }) },
          { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: min, maxLength: typicalMax }) },
          { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: min, maxLength: typicalMax }) },
        );
        if (short || max === undefined) return typical;
        return fc.oneof({ weight: 14, arbitrary: typical }, { weight: 1, arbitrary: stringOfLength(min) }, { weight: 1, arbitrary: stringOfLength(max) });
      }
      case "array": {
        const { min, max } = bounds(schema, "minItems", "maxItems");
        const items = schema.items as JsonSchema;
        const typical = fc.array(valid(items, short), { minLength: min, maxLength: Math.min(max ?? Infinity, min + TYPICAL_EXTRA_ITEMS) });
        if (short || max === undefined) return typical;
        return fc.oneof({ weight: 15, arbitrary: typical }, { weight: 1, arbitrary: fc.array(valid(items, true), { minLength: max, maxLength: max }) });
      }
      case "object": {
        if (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
          throw new Error("Only additionalProperties: false is supported");
        const shape = Object.fromEntries(properties(schema).map(([key, property]) => [key, valid(property, short)]));
        return fc.record(shape, { requiredKeys: (schema.required ?? []) as string[] });
      }
      case "boolean":
        return fc.boolean();
      default:
        throw new Error(`arbitraries-from-schema does not support type ${JSON.stringify(schema.type)}`);
    }
  }

  function invalid(raw: JsonSchema): fc.Arbitrary<unknown> {
    const schema = resolve(raw);
    const options: fc.Arbitrary<unknown>[] = [wrongType(String(schema.type))];
    if (Array.isArray(schema.enum)) {
      const allowed = schema.enum as string[];
      const lookalike = fc.tuple(
        fc.constantFrom(...allowed),
        fc.constantFrom(
          (v: string) => v.toUpperCase(),
          (v: string) => ` ${v}`,
          (v: string) => `${v}s`,
          (v: string) => v.slice(1),
        ),
      );
      options.push(lookalike.map(([value, change]) => change(value)).filter((value) => !allowed.includes(value)));
      options.push(fc.string({ maxLength: 12 }).filter((value) => !allowed.includes(value)));
    } else if (schema.type === "string") {
      const { min, max } = bounds(schema, "minLength", "maxLength");
      if (max !== undefined) options.push(fc.integer({ min: max + 1, max: max + 3 }).chain(stringOfLength));
      if (min > 0) options.push(fc.integer({ min: 0, max: min - 1 }).chain(stringOfLength));
    } else if (schema.type === "array") {
      const { min, max } = bounds(schema, "minItems", "maxItems");
      const items = schema.items as JsonSchema;
      if (max !== undefined) options.push(fc.array(valid(items, true), { minLength: max + 1, maxLength: max + 2 }));
      if (min > 0) options.push(fc.array(valid(items, true), { maxLength: min - 1 }));
      const around = fc.array(valid(items, true), { maxLength: Math.max(0, Math.min(max ?? 3, 3) - 1) });
      options.push(fc.tuple(around, invalid(items), fc.nat()).map(([list, bad, at]) => list.toSpliced(at % (list.length + 1), 0, bad)));
    } else if (schema.type === "object") {
      const whole = valid(schema, true) as fc.Arbitrary<Record<string, unknown>>;
      const required = (schema.required ?? []) as string[];
      if (required.length > 0) {
        options.push(
          fc.tuple(whole, fc.constantFrom(...required)).map(([value, key]) => Object.fromEntries(Object.entries(value).filter(([name]) => name !== key))),
        );
      }
      if (schema.additionalProperties === false) {
        const known = new Set(properties(schema).map(([key]) => key));
        // Keys that are properties elsewhere, or special to JavaScript objects, are the likeliest to slip through.
        const extraKey = fc.oneof(
          fc.constantFrom("__proto__", "constructor", "toString", "role", "content", "id", ...[...known].map((key) => key.toUpperCase())),
          fc.string({ minLength: 1, maxLength: 10 }),
        );
        options.push(
          fc
            .tuple(
              whole,
              extraKey.filter((key) => !known.has(key)),
              fc.jsonValue({ maxDepth: 1 }),
            )
            .map(([value, key, extra]) => ({ ...value, [key]: extra })),
        );
      }
      for (const [key, property] of properties(schema)) options.push(fc.tuple(whole, invalid(property)).map(([value, bad]) => ({ ...value, [key]: bad })));
    }
    return fc.oneof(...options);
  }

  return { valid: (schema) => valid(schema, false), invalid };
}
