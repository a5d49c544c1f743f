import { ContractError } from "./contract-error.js";

/** What body-parser (inside `express.json()`) puts on its errors. */
interface BodyParserError {
  type?: unknown;
  limit?: unknown;
  charset?: unknown;
  encoding?: unknown;
  status?: unknown;
  expose?: unknown;
}

/** body-parser marks most of its errors with a `type`; each is the client's doing. */
function fromBodyParser(error: BodyParserError): ContractError | undefined {
  switch (error.type) {
    case "entity.parse.failed":
      return new ContractError("malformed_json", "The request body is not valid JSON.");
    case "entity.too.large":
      return new ContractError("payload_too_large", `The request body is larger than ${String(error.limit)} bytes.`);
    case "charset.unsupported":
      return new ContractError("unsupported_media_type", `Unsupported charset "${String(error.charset)}": send the body as UTF-8.`);
    case "encoding.unsupported":
      return new ContractError("unsupported_media_type", `Unsupported Content-Encoding "${String(error.encoding)}".`);
    case "request.size.invalid":
    case "request.aborted":
      return new ContractError("invalid_request", "The request body ended before its declared length.");
    default:
      if (error.expose !== true || typeof error.status !== "number" || error.status < 400 || error.status >= 500) return undefined;
      // From serving a file of the UI: a Range it cannot satisfy, or an If-Match / If-Unmodified-Since that fails.
      if (error.status === 416 || error.status === 412) {
        return new ContractError("invalid_request", `The request's Range or precondition headers cannot be met (HTTP ${error.status}).`);
      }
      // Untyped but client-caused, e.g. a gzip body that does not inflate.
      return new ContractError("invalid_request", "The request body could not be decoded.");
  }
}

/**
 * Express's router decodes path parameters with `decodeURIComponent` and throws a `URIError` (status 400) when one is
 * not percent-encoded UTF-8 (`%C0%AF`, `%ZZ`). No reply or route can have such a name, and the operations with path
 * parameters document 404 for names they do not know: so it is a 404, not a 500.
 */
function fromRouter(error: unknown): ContractError | undefined {
  if (!(error instanceof URIError) || (error as { status?: unknown }).status !== 400) return undefined;
  return new ContractError("not_found", "The path is not valid percent-encoded UTF-8, so it names nothing here.");
}

/**
 * Maps anything thrown while answering a request to the contract's error: a {@link ContractError} as it is (the model
 * side classifies provider failures where it sees them, `server/chat/classify-provider-error.ts`), a body-parser
 * refusal to its 4xx, a path that does not decode to 404, and anything else, a bug on our side, to `internal` with the original as its cause, so it is
 * logged with its stack and never shown to the client.
 */
export function toContractError(thrown: unknown): ContractError {
  if (thrown instanceof ContractError) return thrown;
  const fromParser = typeof thrown === "object" && thrown !== null ? fromBodyParser(thrown) : undefined;
  return (
    fromParser ??
    fromRouter(thrown) ??
    new ContractError("internal", "An unexpected error occurred. Quote the X-Request-Id when reporting it.", { cause: thrown })
  );
}
