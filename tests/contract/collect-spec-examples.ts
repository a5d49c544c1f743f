/**
 * Finds every example in an OpenAPI 3.1 document, together with the schema it claims to illustrate, so a test
 * can check each one. Examples live in media types (`examples.*.value` or `example`), parameters and headers;
 * the objects holding them are often `$ref`s into `components`, which are followed.
 */

/** One example of the spec and the schema it must satisfy. */
export interface SpecExample {
  /** Where the example is, in words: `POST /api/v1/messages 200 text/event-stream example "complete"`. */
  name: string;
  /** JSON Pointer of the example in the spec: where to fix it. */
  pointer: string;
  /** JSON Pointer of the schema the example must match (for a media type, its `schema`). */
  schemaPointer: string;
  /** The media type holding the example; undefined for parameter and header examples. */
  mediaType: string | undefined;
  value: unknown;
  /** Statuses of the operation responses that use this example (a shared component may serve several). */
  statuses: string[];
}

type JsonObject = Record<string, unknown>;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const escapeSegment = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");
const unescapeSegment = (segment: string) => segment.replaceAll("~1", "/").replaceAll("~0", "~");
const join = (pointer: string, ...segments: string[]) => [pointer, ...segments.map(escapeSegment)].join("/");

/** `/components/responses/BadRequest` → `components.responses.BadRequest`, for names of shared components. */
const labelOf = (pointer: string) => pointer.split("/").slice(1).map(unescapeSegment).join(".");

export function collectSpecExamples(spec: object): SpecExample[] {
  const found = new Map<string, SpecExample>();

  function at(pointer: string): unknown {
    let node: unknown = spec;
    for (const segment of pointer.split("/").slice(1).map(unescapeSegment))
      node = isObject(node) || Array.isArray(node) ? (node as JsonObject)[segment] : undefined;
    return node;
  }

  /** Follows `$ref`s to the object they name; `label` becomes that object's own location when it moved. */
  function resolve(node: unknown, pointer: string, label: string): { node: JsonObject; pointer: string; label: string } {
    for (let hops = 0; isObject(node) && typeof node.$ref === "string"; hops++) {
      if (!node.$ref.startsWith("#/") || hops > 20) throw new Error(`Cannot follow $ref "${node.$ref}" at ${pointer}: only local refs are supported`);
      pointer = node.$ref.slice(1);
      label = labelOf(pointer);
      node = at(pointer);
    }
    if (!isObject(node)) throw new Error(`${pointer} (${label}) is not an object`);
    return { node, pointer, label };
  }

  function add(example: Omit<SpecExample, "statuses">, status: string | undefined): void {
    const known = found.get(example.pointer) ?? { ...example, statuses: [] };
    if (status !== undefined && !known.statuses.includes(status)) known.statuses.push(status);
    found.set(example.pointer, known);
  }

  /** `example` and every `examples.*` of one object that has a schema (media type, parameter or header). */
  function visitExamples(owner: JsonObject, pointer: string, label: string, mediaType: string | undefined, status: string | undefined): void {
    const schemaPointer = join(pointer, "schema");
    if ("example" in owner) add({ name: `${label} example`, pointer: join(pointer, "example"), schemaPointer, mediaType, value: owner.example }, status);
    for (const [key, raw] of Object.entries(isObject(owner.examples) ? owner.examples : {})) {
      const example = resolve(raw, join(pointer, "examples", key), "");
      if (!("value" in example.node)) throw new Error(`${example.pointer} has no inline value (externalValue cannot be checked)`);
      add({ name: `${label} example "${key}"`, pointer: join(example.pointer, "value"), schemaPointer, mediaType, value: example.node.value }, status);
    }
  }

  function visitContent(owner: JsonObject, pointer: string, label: string, status?: string): void {
    for (const [mediaType, media] of Object.entries(isObject(owner.content) ? owner.content : {})) {
      if (isObject(media)) visitExamples(media, join(pointer, "content", mediaType), `${label} ${mediaType}`, mediaType, status);
    }
  }

  function visitHeaders(owner: JsonObject, pointer: string, label: string, status?: string): void {
    for (const [name, raw] of Object.entries(isObject(owner.headers) ? owner.headers : {})) {
      const header = resolve(raw, join(pointer, "headers", name), `${label} header ${name}`);
      visitExamples(header.node, header.pointer, header.label, undefined, status);
      visitContent(header.node, header.pointer, header.label, status);
    }
  }

  function visitParameter(raw: unknown, pointer: string, label: string): void {
    const parameter = resolve(raw, pointer, label);
    const where = `${parameter.label} (${String(parameter.node.in)} ${String(parameter.node.name)})`;
    visitExamples(parameter.node, parameter.pointer, where, undefined, undefined);
    visitContent(parameter.node, parameter.pointer, where);
  }

  function visitResponse(raw: unknown, pointer: string, label: string, status: string | undefined): void {
    const response = resolve(raw, pointer, label);
    visitHeaders(response.node, response.pointer, response.label, status);
    visitContent(response.node, response.pointer, response.label, status);
  }

  const paths = isObject((spec as JsonObject).paths) ? ((spec as JsonObject).paths as JsonObject) : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = resolve(rawItem, join("", "paths", path), path);
    const itemParameters = Array.isArray(item.node.parameters) ? item.node.parameters : [];
    itemParameters.forEach((parameter, index) => visitParameter(parameter, join(item.pointer, "parameters", String(index)), `${path} parameter ${index}`));
    for (const method of HTTP_METHODS.filter((name) => isObject(item.node[name]))) {
      const operation = item.node[method] as JsonObject;
      const opPointer = join(item.pointer, method);
      const op = `${method.toUpperCase()} ${path}`;
      const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
      parameters.forEach((parameter, index) => visitParameter(parameter, join(opPointer, "parameters", String(index)), `${op} parameter ${index}`));
      if (operation.requestBody !== undefined) {
        const body = resolve(operation.requestBody, join(opPointer, "requestBody"), `${op} request body`);
        visitContent(body.node, body.pointer, body.label);
      }
      for (const [status, response] of Object.entries(isObject(operation.responses) ? operation.responses : {})) {
        visitResponse(response, join(opPointer, "responses", status), `${op} ${status}`, status);
      }
    }
  }

  // Components no operation uses yet must not hide a broken example either.
  const components = isObject((spec as JsonObject).components) ? ((spec as JsonObject).components as JsonObject) : {};
  const entries = (kind: string) =>
    Object.keys(isObject(components[kind]) ? (components[kind] as JsonObject) : {}).map((name) => join("", "components", kind, name));
  for (const pointer of entries("responses")) visitResponse(at(pointer), pointer, labelOf(pointer), undefined);
  for (const pointer of entries("parameters")) visitParameter(at(pointer), pointer, labelOf(pointer));
  for (const pointer of entries("requestBodies")) {
    const body = resolve(at(pointer), pointer, labelOf(pointer));
    visitContent(body.node, body.pointer, body.label);
  }
  for (const pointer of entries("headers")) {
    const header = resolve(at(pointer), pointer, labelOf(pointer));
    visitExamples(header.node, header.pointer, header.label, undefined, undefined);
    visitContent(header.node, header.pointer, header.label);
  }
  return [...found.values()];
}
