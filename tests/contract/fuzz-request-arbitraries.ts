/**
 * Whole requests for fuzzing `POST /api/v1/messages`: bodies derived from the spec's request schema, then
 * framed with headers. `valid` aims at requests the contract accepts; `invalid` at ones it rejects, by mutating
 * valid ones (schema mutations, broken JSON, wrong Content-Type, unacceptable Accept, too large). The oracle,
 * not these aims, decides what each request deserves.
 */
import fc from "fast-check";
import { createSchemaArbitraries, type JsonSchema } from "./arbitraries-from-schema.js";
import type { FuzzRequest } from "./expected-outcomes.js";

/** A request with a short description, which fast-check prints instead of a megabyte of body. */
export interface LabelledRequest extends FuzzRequest, fc.WithToStringMethod {
  label: string;
  toString(): string;
}

interface Spec {
  paths: { "/api/v1/messages": { post: { requestBody: { content: { "application/json": { schema: object } } } } } };
  components: { schemas: Record<string, unknown> };
}

const encoder = new TextEncoder();

function describeRequest(request: FuzzRequest & { label: string }): string {
  const text = new TextDecoder().decode(request.body.subarray(0, 160));
  return `[${request.label}] Content-Type=${String(request.contentType)} Accept=${String(request.accept)} body(${request.body.byteLength} B)=${JSON.stringify(text)}`;
}

function labelled(label: string, body: string | Uint8Array, contentType: string | undefined, accept: string | undefined): LabelledRequest {
  const request = { label, body: typeof body === "string" ? encoder.encode(body) : Uint8Array.from(body), contentType, accept };
  const toString = () => describeRequest(request);
  return { ...request, toString, [fc.toStringMethod]: toString };
}

/** `json` preceded by spaces up to exactly `size` bytes: still the same JSON value, only larger. */
function padTo(json: string, size: number): Uint8Array {
  const bytes = encoder.encode(json);
  if (bytes.byteLength >= size) return bytes;
  const padded = new Uint8Array(size).fill(0x20);
  padded.set(bytes, size - bytes.byteLength);
  return padded;
}

const JSON_CONTENT_TYPES = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom("application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON") },
);
const WRONG_CONTENT_TYPES = fc.constantFrom(
  undefined,
  "",
  "text/plain",
  "text/plain; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/xml",
  "application/octet-stream",
  "text/json",
  "json",
  "application/jsonl",
  "application/json; charset=latin1",
  "application/json; charset=iso-8859-1",
  "application/vnd.api+json",
);
/** Accept headers a JSON or SSE client sends, with and without parameters other than q. */
const FRIENDLY_ACCEPTS = fc.oneof(
  { weight: 10, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant("application/json") },
  { weight: 4, arbitrary: fc.constant("text/event-stream") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "*/*",
      "application/*",
      "Application/JSON",
      "TEXT/EVENT-STREAM",
      "application/json, text/event-stream;q=0.5",
      "text/event-stream, application/json;q=0.5",
      "text/html, application/json",
      "application/json;q=0.8, text/html;q=0.9",
      "application/json; charset=utf-8",
      "text/event-stream; charset=utf-8",
      "application/json;q=0.9;charset=utf-8",
      "text/event-stream, application/json;q=0.9",
    ),
  },
);
const MEDIA_RANGES = ["application/json", "text/event-stream", "text/html", "text/plain", "image/png", "application/xml", "text/*", "application/*", "*/*"];
const COMPOSED_ACCEPTS = fc
  .array(fc.tuple(fc.constantFrom(...MEDIA_RANGES), fc.option(fc.constantFrom("0", "0.001", "0.5", "1"))), { minLength: 1, maxLength: 4 })
  .map((ranges) => ranges.map(([range, q]) => (q === null ? range : `${range};q=${q}`)).join(", "));
const UNFRIENDLY_ACCEPTS = fc.oneof(
  fc.constantFrom(
    "text/html",
    "image/png",
    "application/xml",
    "text/*",
    "text/plain",
    "text/event-stream;q=0",
    "application/json;q=0",
    "application/json;q=0, */*",
    "*/*;q=0",
  ),
  COMPOSED_ACCEPTS,
  // Anything printable, as a header value must be; fetch trims the ends, so the oracle sees what is sent.
  fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map((value) => value.replace(/[^\x20-\x7e]/g, "").trim()),
);

export function createRequestArbitraries(spec: Spec, maxBodyBytes: number): { valid: fc.Arbitrary<LabelledRequest>; invalid: fc.Arbitrary<LabelledRequest> } {
  const schemas = createSchemaArbitraries(spec.components);
  const requestSchema = spec.paths["/api/v1/messages"].post.requestBody.content["application/json"].schema as JsonSchema;
  const requestSchemaName = String(requestSchema.$ref).split("/").at(-1)!;
  const topLevelKeys = Object.keys((spec.components.schemas[requestSchemaName] as { properties: object }).properties);
  const validJson = schemas.valid(requestSchema).map((body) => JSON.stringify(body));

  const valid = fc.oneof(
    {
      weight: 40,
      arbitrary: fc.tuple(validJson, JSON_CONTENT_TYPES, FRIENDLY_ACCEPTS).map(([json, type, accept]) => labelled("valid body", json, type, accept)),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(schemas.valid(requestSchema), fc.constantFrom("pretty", "bom"), JSON_CONTENT_TYPES, FRIENDLY_ACCEPTS)
        .map(([body, style, type, accept]) =>
          labelled(`valid body, ${style}`, style === "pretty" ? JSON.stringify(body, null, 2) : `\uFEFF${JSON.stringify(body)}`, type, accept),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(validJson, FRIENDLY_ACCEPTS)
        .map(([json, accept]) => labelled("valid body padded to exactly the size limit", padTo(json, maxBodyBytes), "application/json", accept)),
    },
  );

  const corruptions: fc.Arbitrary<(json: string) => string> = fc.oneof(
    fc.nat().map((at) => (json: string) => json.slice(0, at % json.length)),
    fc.tuple(fc.nat(), fc.constantFrom(",", "}", "{", "]", '"', ":", "\\", "'", "\u0000", "NaN", "\n")).map(
      ([at, insert]) =>
        (json: string) =>
          json.slice(0, at % (json.length + 1)) + insert + json.slice(at % (json.length + 1)),
    ),
    fc.constantFrom(
      (json: string) => json.replaceAll('"', "'"),
      (json: string) => json.replace(/"([^"\\]+)":/g, "$1:"),
      (json: string) => json.replace(/}$/, ",}"),
      (json: string) => `${json}${json}`,
      (json: string) => `${json} trailing`,
    ),
  );
  const brokenJson = fc.oneof(
    fc.tuple(validJson, corruptions).map(([json, corrupt]) => corrupt(json)),
    fc.constantFrom("{", "[", "nul", "tru", "01", "undefined", "NaN", "'hi'", " ", "\t\n", '{"a":1', '"unterminated'),
    fc.string({ maxLength: 40 }),
  );
  const deeplyNested = fc
    .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.option(fc.constantFrom(...topLevelKeys)))
    .map(([depth, key]) => (key === null ? "" : `{${JSON.stringify(key)}:`) + "[".repeat(depth) + "]".repeat(depth) + (key === null ? "" : "}"));

  const invalid = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(schemas.invalid(requestSchema), JSON_CONTENT_TYPES, FRIENDLY_ACCEPTS)
        .map(([body, type, accept]) => labelled("schema mutation", JSON.stringify(body), type, accept)),
    },
    {
      weight: 5,
      arbitrary: fc.tuple(brokenJson, JSON_CONTENT_TYPES, FRIENDLY_ACCEPTS).map(([text, type, accept]) => labelled("malformed JSON", text, type, accept)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 48 }), FRIENDLY_ACCEPTS)
        .map(([bytes, accept]) => labelled("random bytes", bytes, "application/json", accept)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(deeplyNested, FRIENDLY_ACCEPTS).map(([text, accept]) => labelled("deeply nested JSON", text, "application/json", accept)),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(validJson, WRONG_CONTENT_TYPES, FRIENDLY_ACCEPTS).map(([json, type, accept]) => labelled("wrong Content-Type", json, type, accept)),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(validJson, JSON_CONTENT_TYPES, UNFRIENDLY_ACCEPTS).map(([json, type, accept]) => labelled("unacceptable Accept", json, type, accept)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(validJson, fc.integer({ min: 1, max: 4096 }), FRIENDLY_ACCEPTS)
        .map(([json, over, accept]) => labelled("valid body padded past the size limit", padTo(json, maxBodyBytes + over), "application/json", accept)),
    },
  );
  return { valid, invalid };
}
