import spec from "../../generated/openapi.json" with { type: "json" };
import type { OperationId } from "../../contract/index.js";
import type { SchemaName } from "../validation/create-schema-validator.js";

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

interface SpecOperation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}

/** Where the spec puts an operation, and the schema of its JSON request body. */
export interface OperationLocation {
  method: HttpMethod;
  /** The path as Express matches it (`{id}` becomes `:id`). */
  expressPath: string;
  /** The component schema of its `application/json` request body, when it takes one. */
  requestSchema: SchemaName | undefined;
}

/**
 * Finds an operation in the spec by its `operationId`, so a route's method, path and request schema come from the spec
 * rather than being restated beside it. Throws at startup when the spec has no such operation.
 */
export function findOperation(operationId: OperationId): OperationLocation {
  for (const [path, item] of Object.entries(spec.paths as Record<string, Partial<Record<HttpMethod, SpecOperation>>>)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation?.operationId !== operationId) continue;
      const ref = operation.requestBody?.content?.["application/json"]?.schema?.$ref;
      return {
        method,
        expressPath: path.replace(/\{([^}]+)\}/g, ":$1"),
        requestSchema: ref?.replace("#/components/schemas/", "") as SchemaName | undefined,
      };
    }
  }
  throw new Error(`The spec has no operation with operationId "${operationId}".`);
}
