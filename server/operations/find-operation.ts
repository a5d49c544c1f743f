import spec from "../../generated/openapi.json" with { type: "json" };
import type { OperationId } from "../../contract/index.js";
import type { SchemaName } from "../validation/create-schema-validator.js";

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** A security scheme the spec declares (`components.securitySchemes`). */
export type SecuritySchemeName = keyof typeof spec.components.securitySchemes;

/** An OpenAPI security requirement list: any one object suffices; within it, every scheme is needed. */
type SecurityRequirements = Record<string, string[]>[];

interface SpecOperation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  security?: SecurityRequirements;
}

/** Where the spec puts an operation, and the schema of its JSON request body. */
export interface OperationLocation {
  method: HttpMethod;
  /** The path as Express matches it (`{id}` becomes `:id`). */
  expressPath: string;
  /** The component schema of its `application/json` request body, when it takes one. */
  requestSchema: SchemaName | undefined;
  /** The scheme a request must satisfy (the operation's `security`, else the spec's), or `undefined` when it is open. */
  security: SecuritySchemeName | undefined;
}

/**
 * The one scheme `requirements` asks for. The server supports what the spec uses: no requirement (`[]`, or `[{}]`)
 * or exactly one scheme; anything richer fails at startup rather than being enforced halfway.
 */
function readSecurity(operationId: string, requirements: SecurityRequirements): SecuritySchemeName | undefined {
  if (requirements.length === 0 || requirements.some((requirement) => Object.keys(requirement).length === 0)) return undefined;
  const schemes = requirements.flatMap((requirement) => Object.keys(requirement));
  if (requirements.length > 1 || schemes.length > 1) {
    throw new Error(`Operation "${operationId}" needs security ${JSON.stringify(requirements)}; the server supports one scheme per operation.`);
  }
  const scheme = schemes[0]!;
  if (!(scheme in spec.components.securitySchemes)) throw new Error(`Operation "${operationId}" names an undeclared security scheme "${scheme}".`);
  return scheme as SecuritySchemeName;
}

/**
 * Finds an operation in the spec by its `operationId`, so a route's method, path, request schema and security come from the spec
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
        // The top-level `security` applies to every operation that does not say otherwise (OpenAPI 3.1 §4.8.10).
        security: readSecurity(operationId, operation.security ?? (spec.security as SecurityRequirements | undefined) ?? []),
      };
    }
  }
  throw new Error(`The spec has no operation with operationId "${operationId}".`);
}
