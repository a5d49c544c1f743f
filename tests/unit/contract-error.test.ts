import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../contract/index.js";
import { ContractError } from "../../server/replies/contract-error.js";
import { toContractError } from "../../server/replies/to-contract-error.js";
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";

const validator = createSchemaValidator();

describe("ContractError", () => {
  it("answers every code of the spec with an error status and a body and event the spec accepts", () => {
    for (const code of ERROR_CODES) {
      const failure = new ContractError(code, `about ${code}`, { partialContent: "so far" });
      expect(failure.status, code).toBeGreaterThanOrEqual(400);
      expect(validator.validate("ErrorResponse", failure.toErrorResponse()), code).toEqual([]);
      expect(validator.validate("ErrorEvent", failure.toErrorEvent()), code).toEqual([]);
    }
  });

  it("takes status and retryable from its code, unless the failure says otherwise", () => {
    expect(new ContractError("upstream_timeout", "slow")).toMatchObject({ status: 504, retryable: true });
    expect(new ContractError("upstream_error", "404")).toMatchObject({ status: 502, retryable: false });
    expect(new ContractError("upstream_error", "mid-reply", { retryable: true })).toMatchObject({ status: 502, retryable: true });
  });

  it("rounds Retry-After up to whole seconds in the event", () => {
    const failure = new ContractError("upstream_rate_limited", "busy", { retryAfterMs: 1200, partialContent: "Hel" });
    expect(failure.toErrorEvent()).toEqual({ code: "upstream_rate_limited", message: "busy", retryable: true, retryAfterSeconds: 2, partialContent: "Hel" });
  });

  it("copies itself to carry partial text, leaving the original (which may end other replies) untouched", () => {
    const shared = new ContractError("server_shutdown", "restarting", { retryAfterMs: 2000 });
    const one = shared.withPartialContent("first reply");
    expect(one.toErrorResponse()).toEqual({ error: { code: "server_shutdown", message: "restarting", partialContent: "first reply" } });
    expect(one).toMatchObject({ retryAfterSeconds: 2, retryable: true, status: 503 });
    expect(shared.partialContent).toBe("");
  });
});

describe("toContractError", () => {
  it("keeps a ContractError as it is", () => {
    const failure = new ContractError("overloaded", "full");
    expect(toContractError(failure)).toBe(failure);
  });

  it("maps body-parser's refusals to the client's 4xx", () => {
    expect(toContractError({ type: "entity.parse.failed", status: 400 })).toMatchObject({ code: "malformed_json", status: 400 });
    expect(toContractError({ type: "entity.too.large", limit: 10 })).toMatchObject({ code: "payload_too_large", status: 413 });
    expect(toContractError({ type: "encoding.unsupported", encoding: "br" })).toMatchObject({ code: "unsupported_media_type", status: 415 });
  });

  it("calls anything else a bug of ours: internal, not retryable, the original kept as cause and out of the message", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const failure = toContractError(bug);
    expect(failure).toMatchObject({ code: "internal", status: 500, retryable: false, cause: bug });
    expect(failure.message).not.toContain("secret");
  });
});
