import { describe, expect, it } from "vitest";
import type { CompleteEvent, Health, MessageResponse, TokenEvent } from "../../sdk/types.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectEventsMatchContract, expectMatchesSchema } from "../helpers/expect-contract.js";
import { payloads, postForSse } from "../helpers/read-sse.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let upstream: FakeOpenAiUpstream;
/** No OPENAI_* variables: the built-in demo model answers. */
let demo: TestApp;
/** A local OpenAI-compatible server: a base URL and a model name, no API key. */
let local: TestApp;
/** OpenAI itself: only an API key, so the default model. Never called here. */
let hosted: TestApp;

/** Unsets what points an app at the fake upstream, so each app below states its whole model configuration. */
const NO_UPSTREAM = { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined, OPENAI_MODEL: undefined };

useAppOnFakeUpstream(
  {
    apps: {
      demo: { ...NO_UPSTREAM, DEMO_TOKEN_DELAY_MS: "1" },
      local: { OPENAI_API_KEY: undefined, OPENAI_MODEL: "local-llama" },
      hosted: { ...NO_UPSTREAM, OPENAI_API_KEY: "sk-test" },
    },
  },
  (started) =>
    ({
      upstream,
      apps: { demo, local, hosted },
    } = started),
);

async function getHealth(app: TestApp, headers: Record<string, string> = {}): Promise<{ response: Response; body: unknown }> {
  const response = await fetch(`${app.baseUrl}/api/v1/health`, { headers });
  return { response, body: (await response.json()) as unknown };
}

function postMessage(app: TestApp, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.baseUrl}/api/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const linesFor = (app: TestApp, requestId: string) => app.logs.filter((line) => line.requestId === requestId);

describe("GET /api/v1/health", () => {
  it("reports the built-in demo model, flagged as demo, when no OPENAI variable is set", async () => {
    const { response, body } = await getHealth(demo);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expectMatchesSchema("Health", body);
    expect(body).toEqual({ status: "ok", model: { provider: "demo", name: "demo-echo", demo: true }, auth: "none" } satisfies Health);
  });

  it("reports the OpenAI-compatible provider and the configured model name when OPENAI_BASE_URL is set", async () => {
    const { response, body } = await getHealth(local);
    expect(response.status).toBe(200);
    expectMatchesSchema("Health", body);
    expect(body).toEqual({ status: "ok", model: { provider: "openai-compatible", name: "local-llama", demo: false }, auth: "none" } satisfies Health);
  });

  it("reports the default OpenAI model when only OPENAI_API_KEY is set", async () => {
    const { body } = await getHealth(hosted);
    expectMatchesSchema("Health", body);
    expect(body).toEqual({ status: "ok", model: { provider: "openai-compatible", name: "gpt-4o-mini", demo: false }, auth: "none" } satisfies Health);
  });

  it("does not call the model to answer", async () => {
    const before = upstream.requests.length;
    await getHealth(local);
    expect(upstream.requests.length).toBe(before);
  });
});

describe("X-Request-Id", () => {
  it.each(["req-1", "4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11", "A.b_c:D-9", "x".repeat(128)])("echoes the valid incoming id %s", async (id) => {
    const { response } = await getHealth(demo, { "x-request-id": id });
    expect(response.headers.get("x-request-id")).toBe(id);
  });

  it("echoes a valid incoming id on a successful JSON reply", async () => {
    const response = await postMessage(local, { message: "hi" }, { "x-request-id": "json-ok-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("json-ok-1");
  });

  it("echoes a valid incoming id on a 4xx error", async () => {
    const response = await postMessage(demo, { message: "" }, { "x-request-id": "bad-body-1" });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toBe("bad-body-1");
  });

  it("echoes a valid incoming id on a 404 for an unknown route", async () => {
    const response = await fetch(`${demo.baseUrl}/nowhere`, { headers: { "x-request-id": "lost-1" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-request-id")).toBe("lost-1");
  });

  it("echoes a valid incoming id on an SSE response", async () => {
    const result = await postForSse(`${demo.baseUrl}/api/v1/messages`, { message: "hi" }, { headers: { "x-request-id": "sse-ok-1" } });
    expect(result.status).toBe(200);
    expect(result.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(result.headers["x-request-id"]).toBe("sse-ok-1");
  });

  it.each([
    ["contains spaces", "has spaces in it"],
    ["is 129 characters", "x".repeat(129)],
    ["is 200 characters", "y".repeat(200)],
    ["contains markup", "<script>alert(1)</script>"],
    ["contains a semicolon", "id;drop"],
    ["contains a non-ASCII letter", "caf\u00e9"],
    ["is empty", ""],
  ])("replaces an incoming id that %s with a generated UUID", async (_case, id) => {
    const { response } = await getHealth(demo, { "x-request-id": id });
    const echoed = response.headers.get("x-request-id");
    expect(echoed).toMatch(UUID);
    expect(echoed).not.toBe(id);
  });

  it("generates a different UUID for each request that sends no id", async () => {
    const first = (await getHealth(demo)).response.headers.get("x-request-id");
    const second = (await getHealth(demo)).response.headers.get("x-request-id");
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it("puts the incoming id on every log line of the request, through the request finished line", async () => {
    const response = await postMessage(local, { message: "hi" }, { "x-request-id": "logged-json-1" });
    expect(response.status).toBe(200);
    await response.text();

    await expect
      .poll(() => linesFor(local, "logged-json-1").map((line) => line.msg))
      .toEqual(["stream started", "first token", "stream complete", "request finished"]);
    expect(linesFor(local, "logged-json-1").at(-1)).toMatchObject({
      method: "POST",
      path: "/api/v1/messages",
      status: 200,
      completed: true,
      durationMs: expect.any(Number),
    });
  });

  it("puts the incoming id on the log lines of a streamed reply", async () => {
    await postForSse(`${demo.baseUrl}/api/v1/messages`, { message: "hi" }, { headers: { "x-request-id": "logged-sse-1" } });
    await expect
      .poll(() => linesFor(demo, "logged-sse-1").map((line) => line.msg))
      .toEqual(["stream started", "first token", "stream complete", "request finished"]);
  });

  it("puts the incoming id on the log lines of a rejected request", async () => {
    const response = await postMessage(demo, { message: 5 }, { "x-request-id": "logged-400-1" });
    expect(response.status).toBe(400);
    await expect.poll(() => linesFor(demo, "logged-400-1").at(-1)).toMatchObject({ msg: "request finished", status: 400 });
    expect(linesFor(demo, "logged-400-1").some((line) => line.code === "invalid_request")).toBe(true);
  });

  it("logs the generated id, not the rejected one, when the incoming id is invalid", async () => {
    const invalid = "forged id\twith=fields";
    const { response } = await getHealth(demo, { "x-request-id": invalid });
    const generated = response.headers.get("x-request-id")!;
    expect(generated).toMatch(UUID);

    await expect.poll(() => linesFor(demo, generated).map((line) => line.msg)).toEqual(["request finished"]);
    expect(JSON.stringify(demo.logs)).not.toContain("forged id");
  });
});

describe("The demo model", () => {
  it("streams several token events and a complete event whose content is the tokens joined and says it is a demo", async () => {
    const result = await postForSse(`${demo.baseUrl}/api/v1/messages`, { message: "Tell me a joke" });
    expect(result.status).toBe(200);
    expectEventsMatchContract(result.events);

    const events = payloads(result.events);
    const tokens = events.filter((event) => event.event === "token").map((event) => (event.data as TokenEvent).content);
    expect(tokens.length).toBeGreaterThan(5);
    expect(events.map((event) => event.event)).toEqual([...tokens.map(() => "token"), "complete"]);

    const complete = events.at(-1)!.data as CompleteEvent;
    expect(complete.content).toBe(tokens.join(""));
    expect(complete.content).toContain("demo");
    expect(complete.content).toContain("Tell me a joke");
    expect(complete.finishReason).toBe("stop");
    expect(complete.model).toEqual({ provider: "demo", name: "demo-echo", demo: true });
    expect(complete.usage).toEqual({ inputTokens: 4, outputTokens: tokens.length, totalTokens: 4 + tokens.length });
  });

  it("answers JSON mode too, with the same text it streams for the same message", async () => {
    const response = await postMessage(demo, { message: "Tell me a joke" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as MessageResponse;
    expectMatchesSchema("MessageResponse", body);
    expect(body.message.content).toContain("demo");
    expect(body.message.content).toContain("Tell me a joke");
    expect(body.model).toEqual({ provider: "demo", name: "demo-echo", demo: true });
    expect(body.finishReason).toBe("stop");

    const streamed = await postForSse(`${demo.baseUrl}/api/v1/messages`, { message: "Tell me a joke" });
    expect((payloads(streamed.events).at(-1)!.data as CompleteEvent).content).toBe(body.message.content);
  });
});
