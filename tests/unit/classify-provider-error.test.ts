import { describe, expect, it } from "vitest";
import { classifyProviderError, readRetryAfterMs } from "../../server/chat/classify-provider-error.js";

describe("classifyProviderError", () => {
  it("treats a bug in our own code as internal and not retryable, never as the provider's failure", () => {
    expect(classifyProviderError(new TypeError("Cannot read properties of null (reading 'map')"))).toMatchObject({
      code: "internal",
      status: 500,
      retryable: false,
    });
  });

  it("treats a broken or refused connection as upstream_unavailable and retryable", () => {
    const reset = Object.assign(new TypeError("terminated"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
    const refused = Object.assign(new Error("Connection error."), { name: "APIConnectionError" });
    const econnreset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    for (const error of [reset, refused, econnreset]) {
      expect(classifyProviderError(error)).toMatchObject({ code: "upstream_unavailable", status: 503, retryable: true });
    }
  });

  it("maps provider statuses to the contract's codes", () => {
    expect(classifyProviderError({ status: 401 })).toMatchObject({ code: "upstream_auth", status: 502, retryable: false });
    expect(classifyProviderError({ status: 404 })).toMatchObject({ code: "upstream_error", status: 502, retryable: false });
    expect(classifyProviderError({ status: 429, headers: new Headers({ "retry-after": "3" }) })).toMatchObject({
      code: "upstream_rate_limited",
      retryable: true,
      retryAfterMs: 3000,
      retryAfterSeconds: 3,
    });
    expect(classifyProviderError({ status: 502 })).toMatchObject({ code: "upstream_unavailable", status: 503 });
  });
});

describe("readRetryAfterMs", () => {
  it("reads seconds, an HTTP date and retry-after-ms", () => {
    const now = Date.parse("2026-11-24T00:00:00Z");
    expect(readRetryAfterMs({ headers: new Headers({ "retry-after": "2" }) }, now)).toBe(2000);
    expect(readRetryAfterMs({ headers: new Headers({ "retry-after": "Tue, 24 Nov 2026 00:00:05 GMT" }) }, now)).toBe(5000);
    expect(readRetryAfterMs({ headers: new Headers({ "retry-after-ms": "150" }) }, now)).toBe(150);
    expect(readRetryAfterMs({ headers: new Headers({}) }, now)).toBeUndefined();
  });
});
