import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import spec from "../../generated/openapi.json" with { type: "json" };
import type { FieldError } from "../../contract/index.js";
/** The name of one of the spec's component schemas. */
export type SchemaName = keyof typeof spec.components.schemas;

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const SPEC_ID = "urn:streaming-chat:openapi";

function toFieldError(error: ErrorObject): FieldError {
  if (error.keyword === "required") {
    return { path: `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`, message: "is required" };
  }
  if (error.keyword === "additionalProperties") {
    return { path: `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`, message: "is not an allowed property" };
  }
  if (error.keyword === "enum") {
    return { path: error.instancePath, message: `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}` };
  }
  return { path: error.instancePath, message: error.message ?? "is invalid" };
}

/** Checks values against the contract's named schemas: the spec itself, compiled, with no second copy by hand. */
export interface SchemaValidator {
  /** The problems of `value` against `components.schemas[name]`, one per field; empty when valid. */
  validate(name: SchemaName, value: unknown): FieldError[];
}

export function createSchemaValidator(): SchemaValidator {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12. The spec's other keywords (paths, info) are not schemas, so not strict.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: spec.components });
  const compiled = new Map<SchemaName, ValidateFunction>();

  return {
    validate(name, value) {
      let validateFn = compiled.get(name);
      if (!validateFn) {
        validateFn = ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
        if (!validateFn) throw new Error(`The spec has no schema named ${name}`);
        compiled.set(name, validateFn);
      }
      if (validateFn(value)) return [];
      // allErrors may report one field several ways (e.g. type and then format): keep the first per path.
      const seen = new Set<string>();
      return (validateFn.errors ?? []).map(toFieldError).filter((issue) => !seen.has(issue.path) && seen.add(issue.path));
    },
  };
}
