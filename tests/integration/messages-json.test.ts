import { describe, expect, it } from "vitest";
import type { ErrorResponse, MessageResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError, expectMatchesSchema } from "../helpers/expect-contract.js";
import { postJson } from "../helpers/post-json.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let upstream: FakeOpenAiUpstream;
/** No retries, default timeouts. */
let app: TestApp;
/** Retries twice before the first token, as in production. */
let retrying: TestApp;
/** Gives up quickly when the model is silent. */
let impatient: TestApp;
/** For servers that reject `stream_options`: usage is not asked for. */
let withoutUsage: TestApp;

const messagesUrl = (target: TestApp) => `${target.baseUrl}/api/v1/messages`;

useAppOnFakeUpstream(
  {
    apps: {
      app: {},
      retrying: { UPSTREAM_MAX_RETRIES: "2" },
      impatient: { UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: "300", UPSTREAM_IDLE_TIMEOUT_MS: "300" },
      withoutUsage: { OPENAI_STREAM_USAGE: "false" },
    },
  },
  (started) =>
    ({
      upstream,
      apps: { app, retrying, impatient, withoutUsage },
    } = started),
);

describe("POST /api/v1/messages without Accept: text/event-stream", () => {
  it.each([
    ["no Accept header", {}],
    ["Accept: */*", { accept: "*/*" }],
    ["Accept: application/json", { accept: "application/json" }],
    ["an Accept that prefers JSON over SSE", { accept: "text/event-stream;q=0.1, application/json" }],
  ])("answers one application/json MessageResponse for %s", async (_name, headers) => {
    upstream.enqueue({ tokens: ["The", " quick", " brown", " fox"] });
    const result = await postJson(messagesUrl(app), { message: "hi" }, headers);

    expect(result.status, result.raw).toBe(200);
    expect(result.headers["content-type"]).toBe("application/json; charset=utf-8");
    expectMatchesSchema("MessageResponse", result.body);
    expect((result.body as MessageResponse).message.content).toBe("The quick brown fox");
  });

  it("returns the whole reply with a message id, the finish reason, the mapped usage and the model", async () => {
    upstream.enqueue({ tokens: ["one", " two", " three"], finishReason: "length" });
    const before = Date.now();
    const result = await postJson(messagesUrl(app), { message: "count" });

    expect(result.status, result.raw).toBe(200);
    expectMatchesSchema("MessageResponse", result.body);
    const body = result.body as MessageResponse;
    expect(body).toEqual({
      message: { id: expect.stringMatching(/^msg_\w+$/), role: "assistant", content: "one two three", createdAt: expect.any(String) },
      finishReason: "length",
      usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 },
      model: { provider: "openai-compatible", name: "fake-model", demo: false },
    });
    expect(Date.parse(body.message.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.message.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("leaves usage out, and does not ask the upstream for it, when OPENAI_STREAM_USAGE is false", async () => {
    upstream.enqueue({ tokens: ["no", " usage"] });
    const before = upstream.requests.length;
    const result = await postJson(messagesUrl(withoutUsage), { message: "hi" });

    expect(result.status, result.raw).toBe(200);
    expectMatchesSchema("MessageResponse", result.body);
    const body = result.body as MessageResponse;
    expect(body.message.content).toBe("no usage");
    expect(body).not.toHaveProperty("usage");
    expect(upstream.requests[before]!.body).not.toHaveProperty("stream_options");
  });

  it("gives every reply a different message id", async () => {
    const first = (await postJson(messagesUrl(app), { message: "a" })).body as MessageResponse;
    const second = (await postJson(messagesUrl(app), { message: "b" })).body as MessageResponse;
    expect(first.message.id).not.toBe(second.message.id);
  });

  it("joins multi-byte tokens exactly, even when the upstream splits characters across writes", async () => {
    const tokens = ["Grüße ", "🚀", " 日本語", " é", "👩‍👩‍👧"];
    upstream.enqueue({ tokens, splitWrites: true });
    const result = await postJson(messagesUrl(app), { message: "hi" });

    expect(result.raw).not.toContain("\uFFFD");
    expect((result.body as MessageResponse).message.content).toBe(tokens.join(""));
  });

  it("asks the upstream for a stream with usage, sending the history and then the new message", async () => {
    const before = upstream.requests.length;
    await postJson(messagesUrl(app), { message: "and now?", history: [{ role: "system", content: "be brief" }] });
    expect(upstream.requests.length).toBe(before + 1);
    expect(upstream.requests[before]!.body).toMatchObject({
      model: "fake-model",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "and now?" },
      ],
    });
  });
});

describe("POST /api/v1/messages in JSON mode when the upstream fails", () => {
  it.each([
    { upstreamStatus: 401, status: 502, code: "upstream_auth" },
    { upstreamStatus: 403, status: 502, code: "upstream_auth" },
    { upstreamStatus: 404, status: 502, code: "upstream_error" },
    { upstreamStatus: 500, status: 503, code: "upstream_unavailable" },
    { upstreamStatus: 503, status: 503, code: "upstream_unavailable" },
  ] as const)("answers $status $code when the upstream answers HTTP $upstreamStatus", async ({ upstreamStatus, status, code }) => {
    upstream.enqueue({ fault: { kind: "status", status: upstreamStatus } });
    const result = await postJson(messagesUrl(app), { message: "hi" });

    const error = expectContractError(result, status, code);
    expect(error.message).toContain(String(upstreamStatus));
    expect(error.details).toBeUndefined();
    expect(result.headers["retry-after"]).toBeUndefined();
  });

  it("answers 503 upstream_rate_limited with the upstream's Retry-After when it is rate-limited", async () => {
    upstream.enqueue({ fault: { kind: "status", status: 429, headers: { "retry-after": "7" } } });
    const result = await postJson(messagesUrl(app), { message: "hi" });

    const error = expectContractError(result, 503, "upstream_rate_limited");
    expect(error.message).toContain("429");
    expect(result.headers["retry-after"]).toBe("7");
  });

  it("answers 504 upstream_timeout when the upstream sends headers but no token within the first-token timeout", async () => {
    upstream.enqueue({ fault: { kind: "no-first-byte" } });
    const startedAt = performance.now();
    const result = await postJson(messagesUrl(impatient), { message: "hi" });

    const error = expectContractError(result, 504, "upstream_timeout");
    expect(error.message).toContain("300 ms");
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(performance.now() - startedAt).toBeLessThan(2000);
  });

  it("answers 504 upstream_timeout carrying the text produced so far when the upstream stalls after some tokens", async () => {
    upstream.enqueue({ tokens: ["slow", " and", " stuck"], fault: { kind: "stall", afterTokens: 1 } });
    const result = await postJson(messagesUrl(impatient), { message: "hi" });

    const error = expectContractError(result, 504, "upstream_timeout");
    expect(error.message).toContain("300 ms");
    expect(error.partialContent).toBe("slow");
  });

  it("answers 503 upstream_unavailable carrying the text produced so far when the upstream resets mid-reply", async () => {
    upstream.enqueue({ tokens: ["one", " two", " three", " four"], fault: { kind: "reset", afterTokens: 2 } });
    const result = await postJson(messagesUrl(app), { message: "hi" });

    const error = expectContractError(result, 503, "upstream_unavailable");
    expect(error.partialContent).toBe("one two");
  });

  it("answers 502 upstream_error when the upstream sends a chunk that is not JSON", async () => {
    upstream.enqueue({ tokens: ["one", " two"], fault: { kind: "malformed", afterTokens: 1 } });
    const result = await postJson(messagesUrl(app), { message: "hi" });

    const error = expectContractError(result, 502, "upstream_error");
    expect(error.partialContent).toBe("one");
  });

  it("logs an upstream failure once as a warning with its code and the request's id, not as our own error", async () => {
    upstream.enqueue({ fault: { kind: "status", status: 500 } });
    const result = await postJson(messagesUrl(app), { message: "hi" }, { "x-request-id": "json-upstream-500" });
    expect(result.status).toBe(503);
    await expect
      .poll(() => app.logs.find((line) => line.requestId === "json-upstream-500" && line.msg === "stream failed"))
      .toMatchObject({ level: 40, code: "upstream_unavailable", partialLength: 0 });
    expect(app.logs.filter((line) => line.requestId === "json-upstream-500" && (line.level as number) >= 50)).toEqual([]);
  });

  it("never puts the reply text into the logs when a reply fails after some tokens", async () => {
    upstream.enqueue({ tokens: ["SECRET", "-REPLY", "-UNSENT"], fault: { kind: "reset", afterTokens: 2 } });
    const result = await postJson(messagesUrl(app), { message: "hi" }, { "x-request-id": "json-partial-secret" });
    expect(result.status).toBe(503);
    expect((result.body as ErrorResponse).error.partialContent).toBe("SECRET-REPLY");
    await expect.poll(() => app.logs.some((line) => line.requestId === "json-partial-secret" && line.msg === "request finished")).toBe(true);
    const lines = app.logs.filter((line) => line.requestId === "json-partial-secret");
    expect(JSON.stringify(lines)).not.toContain("SECRET");
  });
});

describe("POST /api/v1/messages in JSON mode with UPSTREAM_MAX_RETRIES=2", () => {
  it("retries a 503 before the first token and answers 200 with the second attempt's reply", async () => {
    upstream.enqueue({ fault: { kind: "status", status: 503 } }, { tokens: ["second", " try"] });
    const before = upstream.requests.length;
    const result = await postJson(messagesUrl(retrying), { message: "hi" });

    expect(result.status, result.raw).toBe(200);
    expectMatchesSchema("MessageResponse", result.body);
    expect((result.body as MessageResponse).message.content).toBe("second try");
    expect(upstream.requests.length - before).toBe(2);
    const requestId = result.headers["x-request-id"];
    expect(retrying.logs.find((line) => line.msg === "retrying model call" && line.requestId === requestId)).toMatchObject({
      attempt: 1,
      code: "upstream_unavailable",
    });
  });

  it("gives up with 503 after the first attempt and two retries all fail", async () => {
    const unavailable: UpstreamScript = { fault: { kind: "status", status: 503 } };
    upstream.enqueue(unavailable, unavailable, unavailable);
    const before = upstream.requests.length;
    const result = await postJson(messagesUrl(retrying), { message: "hi" });

    expectContractError(result, 503, "upstream_unavailable");
    expect(upstream.requests.length - before).toBe(3);
  });

  it("does not retry a 401, since the same credentials will be refused again", async () => {
    upstream.enqueue({ fault: { kind: "status", status: 401 } });
    const before = upstream.requests.length;
    const result = await postJson(messagesUrl(retrying), { message: "hi" });

    expectContractError(result, 502, "upstream_auth");
    expect(upstream.requests.length - before).toBe(1);
  });

  it("does not retry once the first token has arrived, so no text is generated twice", async () => {
    upstream.enqueue({ tokens: ["one", " two", " three"], fault: { kind: "reset", afterTokens: 1 } });
    const before = upstream.requests.length;
    const result = await postJson(messagesUrl(retrying), { message: "hi" });

    expectContractError(result, 503, "upstream_unavailable");
    expect(upstream.requests.length - before).toBe(1);
  });
});

describe("POST /api/v1/messages in JSON mode when the client goes away", () => {
  it("closes the upstream request when the client disconnects before the reply is finished", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 50 }, (_, index) => `t${index} `), delayMs: 20 });
    const before = upstream.requests.length;
    const client = new AbortController();
    const pending = fetch(messagesUrl(app), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-request-id": "json-client-gone" },
      body: JSON.stringify({ message: "hi" }),
      signal: client.signal,
    }).catch(() => undefined);
    await upstream.waitForRequests(before + 1);
    const request = upstream.requests[before]!;
    await expect.poll(() => request.tokensSent).toBeGreaterThanOrEqual(2);
    client.abort();
    const abortedAt = performance.now();
    await pending;

    await upstream.waitForClose(request, 1000);
    expect(request.closedAt! - abortedAt).toBeLessThan(100);
    expect(request.finished).toBe(false);
    await expect
      .poll(() => app.logs.some((line) => line.requestId === "json-client-gone" && line.msg === "stream aborted by client" && line.mode === "json"))
      .toBe(true);
  });
});
