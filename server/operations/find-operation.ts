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
  responses?: Record<string, unknown>;
}

/** Where the spec puts an operation, and the schema of its JSON request body. */
export interface OperationLocation {
  operationId: string;
  method: HttpMethod;
  /** The path as Express matches it (`{id}` becomes `:id`). */
  expressPath: string;
  /** The component schema of its `application/json` request body, when it takes one. */
  requestSchema: SchemaName | undefined;
  /** The scheme a request must satisfy (the operation's `security`, else the spec's), or `undefined` when it is open. */
  security: SecuritySchemeName | undefined;
  /** The statuses it documents (`"200"`, `"429"`, …). */
  statuses: string[];
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
 * Every operation of the spec, in its order, read once: where the spec puts it, what it takes, how it is protected and
 * what it may answer. Throws at startup when an operation's security is one the server cannot enforce.
 */
export function listOperations(): OperationLocation[] {
  const operations: OperationLocation[] = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, Partial<Record<HttpMethod, SpecOperation>>>)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const ref = operation.requestBody?.content?.["application/json"]?.schema?.$ref;
      operations.push({
        operationId: operation.operationId,
        method,
        expressPath: path.replace(/\{([^}]+)\}/g, ":$1"),
        requestSchema: ref?.replace("#/components/schemas/", "") as SchemaName | undefined,
        // The top-level `security` applies to every operation that does not say otherwise (OpenAPI 3.1 §4.8.10).
        security: readSecurity(operation.operationId, operation.security ?? (spec.security as SecurityRequirements | undefined) ?? []),
        statuses: Object.keys(operation.responses ?? {}),
      });
    }
  }
  return operations;
}

/**
 * Finds an operation in the spec by its `operationId`, so a route's method, path, request schema and security come from the spec
 * rather than being restated beside it. Throws at startup when the spec has no such operation.
 */
export function findOperation(operationId: OperationId): OperationLocation {
  const found = listOperations().find((operation) => operation.operationId === operationId);
  if (!found) throw new Error(`The spec has no operation with operationId "${operationId}".`);
  return found;
}
