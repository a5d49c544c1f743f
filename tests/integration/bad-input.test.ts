import { describe, expect, it } from "vitest";
import type { ErrorCode, ErrorResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError, expectMatchesSchema } from "../helpers/expect-contract.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

/** Small enough to exceed cheaply, large enough for a 32,000-character message. */
const MAX_BODY_BYTES = 40_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JSON_HEADERS = { "content-type": "application/json" };

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let url: string;

useAppOnFakeUpstream({ script: { tokens: ["fine"] }, apps: { app: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } } }, (started) => {
  ({ upstream, app } = started);
  url = `${app.baseUrl}/api/v1/messages`;
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
    const error = expectContractError(await send({ method: "GET" }, `${app.baseUrl}/api/v1/nothing-here`), 404, "not_found");
    expect(error.message).toContain("/api/v1/nothing-here");
  });

  it("answers 404 not_found as JSON for a known path with the wrong method", async () => {
    expectContractError(await send({ method: "GET" }), 404, "not_found");
  });
});

/** A request the server must refuse, and how: one of each kind of mistake above. */
interface BadRequest {
  what: string;
  send(headers: Record<string, string>): Promise<Answer>;
  status: number;
  code: ErrorCode;
}

const BAD_REQUESTS: BadRequest[] = [
  {
    what: "a body that is not JSON",
    send: (headers) => send({ headers: { ...JSON_HEADERS, ...headers }, body: '{"message": "hi"' }),
    status: 400,
    code: "malformed_json",
  },
  {
    what: "an empty message",
    send: (headers) => send({ headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ message: "" }) }),
    status: 400,
    code: "invalid_request",
  },
  {
    what: "an invalid body from a client asking for SSE",
    send: (headers) => send({ headers: { ...JSON_HEADERS, accept: "text/event-stream", ...headers }, body: JSON.stringify({ message: "" }) }),
    status: 400,
    code: "invalid_request",
  },
  {
    what: "a body over MAX_BODY_BYTES",
    send: (headers) => send({ headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ message: "a".repeat(MAX_BODY_BYTES) }) }),
    status: 413,
    code: "payload_too_large",
  },
  {
    what: "a text/plain body",
    send: (headers) => send({ headers: { "content-type": "text/plain", ...headers }, body: JSON.stringify({ message: "hi" }) }),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    what: "a gzip body that does not inflate",
    send: (headers) => send({ headers: { ...JSON_HEADERS, "content-encoding": "gzip", ...headers }, body: "this is not gzip" }),
    status: 400,
    code: "invalid_request",
  },
  {
    what: "an Accept that allows neither JSON nor SSE",
    send: (headers) => send({ headers: { ...JSON_HEADERS, accept: "text/html", ...headers }, body: JSON.stringify({ message: "hi" }) }),
    status: 406,
    code: "not_acceptable",
  },
  { what: "the wrong method", send: (headers) => send({ method: "GET", headers }), status: 404, code: "not_found" },
];

/** Sends every request of {@link BAD_REQUESTS} in turn, the i-th with `X-Request-Id: <idPrefix>-<i>` when a prefix is given. */
async function sendEveryBadRequest(idPrefix?: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const [index, bad] of BAD_REQUESTS.entries()) answers.push(await bad.send(idPrefix ? { "x-request-id": `${idPrefix}-${index}` } : {}));
  return answers;
}

const VALID_REQUEST = { message: "hi", history: [{ role: "user", content: "earlier" }], conversationId: "conv_1" };

// Each test below sends the bad requests it is about, so it means the same when run alone or in any order.
describe("POST /api/v1/messages after one bad request of every kind", () => {
  it("refuses each with its own contract error and a generated request id", async () => {
    const answers = await sendEveryBadRequest();
    for (const [index, answer] of answers.entries()) {
      const { status, code } = BAD_REQUESTS[index]!;
      expectContractError(answer, status, code);
      expect(answer.headers.get("x-request-id"), BAD_REQUESTS[index]!.what).toMatch(UUID);
    }
    expect(answers).toHaveLength(BAD_REQUESTS.length);
  });

  it("never calls the model for any of them", async () => {
    const before = upstream.requests.length;
    const answers = await sendEveryBadRequest();
    expect(answers.map((answer) => [answer.status, answer.body.error?.code])).toEqual(BAD_REQUESTS.map(({ status, code }) => [status, code]));
    expect(upstream.requests.slice(before), "model calls for the bad requests").toEqual([]);

    // The count above is not blind: the next valid request is the one model call.
    expect((await postJson(VALID_REQUEST)).status).toBe(200);
    expect(upstream.requests.slice(before).map((call) => call.body.messages)).toEqual([
      [
        { role: "user", content: "earlier" },
        { role: "user", content: "hi" },
      ],
    ]);
  });

  it("logs each of them once, as information, and no server error", async () => {
    await sendEveryBadRequest("refused");
    const finished = () =>
      app.logs
        .filter((line) => typeof line.requestId === "string" && line.requestId.startsWith("refused-") && line.msg === "request finished")
        .map(({ requestId, level, status }) => ({ requestId, level, status }));
    await expect.poll(finished).toHaveLength(BAD_REQUESTS.length);
    expect(finished()).toEqual(BAD_REQUESTS.map(({ status }, index) => ({ requestId: `refused-${index}`, level: 30, status })));
    expect(app.logs.filter((line) => typeof line.level === "number" && line.level >= 50)).toEqual([]);
  });

  it("still answers a valid request with 200: the server kept serving", async () => {
    await sendEveryBadRequest();
    const answer = await postJson(VALID_REQUEST);
    expect(answer.status, answer.raw).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expectMatchesSchema("MessageResponse", answer.body);
    expect(answer.body).toMatchObject({ message: { role: "assistant", content: "fine" } });
  });
});

describe("POST /api/v1/messages at the limits", () => {
  it("accepts a message of exactly 32,000 characters", async () => {
    const answer = await postJson({ message: "a".repeat(32_000) });
    expect(answer.status, answer.raw).toBe(200);
    expectMatchesSchema("MessageResponse", answer.body);
  });
});
