/**
 * The fuzzer's oracle: which answers the contract allows `POST /api/v1/messages` to give one request. It follows
 * the spec's words (Accept negotiation in the spec's description, the 4xx responses' descriptions, the request
 * schema), not the server's code, and it never trusts the generator: validity is decided here, per request.
 * Where the spec leaves something open it allows every reasonable answer instead of guessing.
 */
import type { ErrorCode } from "../../sdk/types.js";
import type { SchemaValidator } from "../../server/validation/create-schema-validator.js";

export type ResponseMode = "json" | "sse";
/** `"200 json"`, `"200 sse"` or `"<status> <ErrorCode>"`. */
export type Outcome = `200 ${ResponseMode}` | `${400 | 406 | 413 | 415} ${ErrorCode}`;

export interface FuzzRequest {
  body: Uint8Array<ArrayBuffer>;
  /** Undefined: no Content-Type header at all. */
  contentType: string | undefined;
  /** Undefined: the client's default (fetch sends `*\/*`). */
  accept: string | undefined;
}

export interface Expectation {
  /** Every answer the contract allows; the server must give one of them. */
  outcomes: Set<Outcome>;
  /** How the contract sees the request: fine (only 200), wrong (only 4xx), or open (either). */
  verdict: "valid" | "invalid" | "either";
}

export interface OracleContext {
  /** The server's body limit; the spec only says "larger than the server accepts". */
  maxBodyBytes: number;
  validator: SchemaValidator;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_RANGE = new RegExp(`^(${TOKEN})/(${TOKEN})$`, "i");
const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

interface AcceptVerdict {
  modes: ResponseMode[];
  /** False when the header is too odd for the spec to say (unparseable ranges or q-values). */
  certain: boolean;
}

const UNSURE: AcceptVerdict = { modes: ["json", "sse"], certain: false };

/**
 * The spec: SSE when `Accept` names `text/event-stream`; JSON when there is no `Accept` or it accepts
 * `application/json`; 406 when it does neither. A type's q is that of the most specific matching range
 * (RFC 9110 §12.5.1), the highest among equally specific ones.
 */
function judgeAccept(accept: string | undefined): AcceptVerdict {
  if (accept === undefined || accept.trim() === "") return { modes: ["json"], certain: true };
  const ranges: { type: string; subtype: string; q: number }[] = [];
  for (const element of accept.split(",")) {
    if (element.trim() === "") continue;
    const [range = "", ...parameters] = element.split(";").map((part) => part.trim());
    const match = MEDIA_RANGE.exec(range);
    if (!match || (match[1] === "*" && match[2] !== "*")) return UNSURE;
    let q = 1;
    for (const parameter of parameters) {
      const [name = "", value = ""] = parameter.split("=").map((part) => part.trim());
      // Parameters other than q (`charset=utf-8`) do not change which representation is chosen.
      if (name.toLowerCase() !== "q") continue;
      if (!QVALUE.test(value)) return UNSURE;
      q = Number(value);
    }
    ranges.push({ type: match[1]!.toLowerCase(), subtype: match[2]!.toLowerCase(), q });
  }
  if (ranges.length === 0) return UNSURE;
  const qualityOf = (type: string, subtype: string) => {
    let best = { specificity: -1, q: 0 };
    for (const range of ranges) {
      const specificity = range.type === type ? (range.subtype === subtype ? 2 : range.subtype === "*" ? 1 : -1) : range.type === "*" ? 0 : -1;
      if (specificity > best.specificity || (specificity === best.specificity && range.q > best.q)) best = { specificity, q: range.q };
    }
    return best.specificity < 0 ? 0 : best.q;
  };
  const modes: ResponseMode[] = [];
  if (qualityOf("application", "json") > 0) modes.push("json");
  if (ranges.some((range) => range.type === "text" && range.subtype === "event-stream") && qualityOf("text", "event-stream") > 0) modes.push("sse");
  return { modes, certain: true };
}

/** 415 unless the body is declared `application/json` in UTF-8 (RFC 8259: JSON exchanged between systems is UTF-8). */
function judgeContentType(contentType: string | undefined): "pass" | "fail" | "either" {
  if (contentType === undefined) return "fail";
  const [type = "", ...parameters] = contentType.split(";");
  const mediaType = type.trim().toLowerCase();
  if (mediaType !== "application/json") return "fail";
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=").map((part) => part.trim().toLowerCase());
    if (name === "charset" && value !== "utf-8") return "fail";
  }
  return "pass";
}

/** The request-body errors: too large, not JSON, or not a SendMessageRequest. */
function judgeBody(body: Uint8Array, { maxBodyBytes, validator }: OracleContext): Outcome[] {
  if (body.byteLength > maxBodyBytes) return ["413 payload_too_large"];
  // TextDecoder drops a leading BOM, as the server's body parser does; RFC 8259 lets parsers ignore it.
  const text = new TextDecoder().decode(body);
  // An empty body is "not JSON", but a server may read it as no fields at all: both are a 400.
  if (text === "") return ["400 malformed_json", "400 invalid_request"];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ["400 malformed_json"];
  }
  return validator.validate("SendMessageRequest", value).length > 0 ? ["400 invalid_request"] : [];
}

export function judgeRequest(request: FuzzRequest, context: OracleContext): Expectation {
  const outcomes = new Set<Outcome>();
  let blocked = false;
  const accept = judgeAccept(request.accept);
  if (!accept.certain || accept.modes.length === 0) outcomes.add("406 not_acceptable");
  if (accept.certain && accept.modes.length === 0) blocked = true;
  const contentType = judgeContentType(request.contentType);
  if (contentType !== "pass") outcomes.add("415 unsupported_media_type");
  if (contentType === "fail") blocked = true;
  const bodyErrors = judgeBody(request.body, context);
  for (const outcome of bodyErrors) outcomes.add(outcome);
  if (bodyErrors.length > 0) blocked = true;

  const failures = outcomes.size;
  if (!blocked) for (const mode of accept.modes) outcomes.add(`200 ${mode}`);
  const verdict = blocked ? "invalid" : failures === 0 ? "valid" : "either";
  return { outcomes, verdict };
}
