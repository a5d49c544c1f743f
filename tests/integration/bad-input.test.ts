import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorResponse } from "../../sdk/types.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { expectMatchesSchema } from "../helpers/expect-contract.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";

/** Small enough to exceed cheaply, large enough for a 32,000-character message. */
const MAX_BODY_BYTES = 40_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JSON_HEADERS = { "content-type": "application/json" };

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let url: string;

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream({ tokens: ["fine"] });
  app = await startTestApp(upstreamEnv(upstream.baseUrl, { MAX_BODY_BYTES: String(MAX_BODY_BYTES) }));
  url = `${app.baseUrl}/api/v1/messages`;
});
afterAll(async () => {
  await app.close();
  await upstream.close();
});

interface Answer {
  status: number;
  headers: Headers;
  raw: string;
  body: ErrorResponse;
}

async function send(init: RequestInit, target = url): Promise<Answer> {
  const response = await fetch(target, { method: "POST", ...init });
  const raw = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    body = raw;
  }
  return { status: response.status, headers: response.headers, raw, body: body as ErrorResponse };
}

const postJsonText = (text: string) => send({ headers: JSON_HEADERS, body: text });
const postJson = (value: unknown) => postJsonText(JSON.stringify(value));

/** What every error answer must look like, whatever was wrong with the request. */
function expectContractError(answer: Answer, status: number, code: ErrorResponse["error"]["code"]): ErrorResponse["error"] {
  expect(answer.status, answer.raw).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expectMatchesSchema("ErrorResponse", answer.body);
  expect(answer.body.error.code).toBe(code);
  // No stack frame ("at fn (file:1:2)", "at node:internal/..."), and never Express's HTML error page.
  expect(answer.raw).not.toMatch(/\bat \S+ \(|\bat (file|node):|node_modules|\\n\s*at /);
  expect(answer.raw.toLowerCase()).not.toContain("<html");
  expect(answer.raw.toLowerCase()).not.toContain("<!doctype");
  expect(answer.headers.get("x-request-id")).toMatch(UUID);
  return answer.body.error;
}

const detailPaths = (error: ErrorResponse["error"]) => (error.details ?? []).map((detail) => detail.path);

describe("POST /api/v1/messages with a body that is not a valid SendMessageRequest", () => {
  it("answers 400 malformed_json when the body is not JSON", async () => {
    const error = expectContractError(await postJsonText('{"message": "hi"'), 400, "malformed_json");
    expect(error.message).toBe("The request body is not valid JSON.");
    expect(error.details).toBeUndefined();
  });

  it.each([
    ["`message` is missing", {}, ["/message"]],
    ["`message` is empty", { message: "" }, ["/message"]],
    ["`message` is 32,001 characters", { message: "a".repeat(32_001) }, ["/message"]],
    ["`message` is a number", { message: 42 }, ["/message"]],
    ["`message` is null", { message: null }, ["/message"]],
    ["`history` is a string", { message: "hi", history: "earlier" }, ["/history"]],
    ["`history` has 201 turns", { message: "hi", history: Array.from({ length: 201 }, () => ({ role: "user", content: "x" })) }, ["/history"]],
    ["a history turn has an unknown role", { message: "hi", history: [{ role: "robot", content: "beep" }] }, ["/history/0/role"]],
    ["a later history turn lacks content", { message: "hi", history: [{ role: "user", content: "a" }, { role: "assistant" }] }, ["/history/1/content"]],
    ["a history turn has an extra property", { message: "hi", history: [{ role: "user", content: "a", name: "bob" }] }, ["/history/0/name"]],
    ["`conversationId` is a number", { message: "hi", conversationId: 7 }, ["/conversationId"]],
    ["the body has an unknown property", { message: "hi", temperature: 2 }, ["/temperature"]],
    ["several fields are wrong at once", { message: "", history: [{ role: "robot", content: 1 }] }, ["/message", "/history/0/role", "/history/0/content"]],
  ])("answers 400 invalid_request with field-level details when %s", async (_case, body, paths) => {
    const error = expectContractError(await postJson(body), 400, "invalid_request");
    expect(detailPaths(error).sort()).toEqual([...paths].sort());
    for (const path of paths) expect(error.message).toContain(path);
  });

  it("names the allowed roles when a history turn has an unknown role", async () => {
    const error = expectContractError(await postJson({ message: "hi", history: [{ role: "robot", content: "beep" }] }), 400, "invalid_request");
    expect(error.details).toEqual([{ path: "/history/0/role", message: "must be one of: user, assistant, system" }]);
  });

  it("answers 400 invalid_request about the missing message when the JSON body is empty", async () => {
    const error = expectContractError(await postJsonText(""), 400, "invalid_request");
    expect(detailPaths(error)).toEqual(["/message"]);
  });

  it("answers a JSON 400, not a stream, when a client asking for SSE sends an invalid body", async () => {
    const answer = await send({ headers: { ...JSON_HEADERS, accept: "text/event-stream" }, body: JSON.stringify({ message: "" }) });
    const error = expectContractError(answer, 400, "invalid_request");
    expect(detailPaths(error)).toEqual(["/message"]);
  });

  it.each([
    ["a JSON string", '"hello"'],
    ["a JSON number", "42"],
    ["JSON null", "null"],
    ["a JSON array", '[{"message":"hi"}]'],
  ])("answers 400 invalid_request about the whole body when it is %s", async (_case, text) => {
    const error = expectContractError(await postJsonText(text), 400, "invalid_request");
    expect(detailPaths(error)).toEqual([""]);
    expect(error.details![0]!.message).toBe("must be object");
  });

  it("answers 413 payload_too_large when the body is larger than MAX_BODY_BYTES", async () => {
    const error = expectContractError(await postJson({ message: "a".repeat(MAX_BODY_BYTES) }), 413, "payload_too_large");
    expect(error.message).toContain(String(MAX_BODY_BYTES));
  });

  it("answers 413 payload_too_large when an oversized body is sent chunked, without Content-Length", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ message: "a".repeat(MAX_BODY_BYTES) }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 8192) controller.enqueue(bytes.subarray(at, at + 8192));
        controller.close();
      },
    });
    const answer = await send({ headers: JSON_HEADERS, body, duplex: "half" } as RequestInit);
    expectContractError(answer, 413, "payload_too_large");
  });

  it("answers 415 unsupported_media_type when the body is sent as text/plain", async () => {
    const answer = await send({ headers: { "content-type": "text/plain" }, body: JSON.stringify({ message: "hi" }) });
    const error = expectContractError(answer, 415, "unsupported_media_type");
    expect(error.message).toContain("text/plain");
  });

  it("answers 415 unsupported_media_type when the body has no Content-Type", async () => {
    // A byte body, unlike a string, makes fetch send no Content-Type at all.
    const answer = await send({ body: new TextEncoder().encode(JSON.stringify({ message: "hi" })) });
    const error = expectContractError(answer, 415, "unsupported_media_type");
    expect(error.message).toContain("none");
  });

  it("answers 415 unsupported_media_type when the JSON body is declared in a charset other than UTF-8", async () => {
    const answer = await send({ headers: { "content-type": "application/json; charset=latin1" }, body: JSON.stringify({ message: "hi" }) });
    const error = expectContractError(answer, 415, "unsupported_media_type");
    expect(error.message).toContain("latin1");
  });

  it("answers 415 unsupported_media_type when the body uses a Content-Encoding the server cannot decode", async () => {
    const answer = await send({ headers: { ...JSON_HEADERS, "content-encoding": "compress" }, body: JSON.stringify({ message: "hi" }) });
    const error = expectContractError(answer, 415, "unsupported_media_type");
    expect(error.message).toContain("compress");
  });

  it("answers 400 invalid_request, not a 500, when a gzip body does not inflate", async () => {
    const answer = await send({ headers: { ...JSON_HEADERS, "content-encoding": "gzip" }, body: "this is not gzip" });
    const error = expectContractError(answer, 400, "invalid_request");
    expect(error.message).toContain("could not be decoded");
  });

  it("answers 406 not_acceptable when Accept allows neither JSON nor SSE", async () => {
    const answer = await send({ headers: { ...JSON_HEADERS, accept: "text/html" }, body: JSON.stringify({ message: "hi" }) });
    const error = expectContractError(answer, 406, "not_acceptable");
    expect(error.message).toContain("text/html");
  });

  it("answers 404 not_found as JSON for an unknown route", async () => {
    const response = await fetch(`${app.baseUrl}/api/v1/nothing-here`);
    const raw = await response.text();
    const error = expectContractError({ status: response.status, headers: response.headers, raw, body: JSON.parse(raw) as ErrorResponse }, 404, "not_found");
    expect(error.message).toContain("/api/v1/nothing-here");
  });

  it("answers 404 not_found as JSON for a known path with the wrong method", async () => {
    const response = await fetch(url);
    const raw = await response.text();
    expectContractError({ status: response.status, headers: response.headers, raw, body: JSON.parse(raw) as ErrorResponse }, 404, "not_found");
  });

  it("never called the model for any of the bad requests above", () => {
    expect(upstream.requests).toHaveLength(0);
  });

  it("logged the bad requests as information, not as server errors", () => {
    const finished = app.logs.filter((line) => line.msg === "request finished");
    expect(finished.length).toBeGreaterThan(20);
    expect(app.logs.filter((line) => typeof line.level === "number" && line.level >= 50)).toEqual([]);
  });
});

describe("POST /api/v1/messages after bad requests", () => {
  it("accepts a message of exactly 32,000 characters", async () => {
    const answer = await postJson({ message: "a".repeat(32_000) });
    expect(answer.status, answer.raw).toBe(200);
    expectMatchesSchema("MessageResponse", answer.body);
  });

  it("still answers a valid request with 200: the server kept serving", async () => {
    const answer = await postJson({ message: "hi", history: [{ role: "user", content: "earlier" }], conversationId: "conv_1" });
    expect(answer.status, answer.raw).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expectMatchesSchema("MessageResponse", answer.body);
    expect(upstream.requests.length).toBeGreaterThanOrEqual(1);
  });
});
