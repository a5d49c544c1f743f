/**
 * A second LangChain provider end to end (ADR-24): `CHAT_MODEL=anthropic:…` builds `ChatAnthropic` through
 * `initChatModel`, against a fake that speaks Anthropic's Messages streaming format. What only this provider has is
 * here: what reaches Claude (key, version, the operator's `CHAT_MODEL_OPTIONS`), a stream without reasoning that is
 * byte for byte the OpenAI-compatible one, stop reasons and usage in the contract's words, `overloaded_error`, the
 * provider's own variables in a real process with its key kept out of every line, and the startup error for a
 * provider whose package is missing. The fault, timeout, cancellation and reasoning suites run against both
 * providers in their own files (`MODEL_SETUPS`).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from "../../fixtures/fake-anthropic-upstream.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream, type UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";
import type { MessageResponse } from "../../sdk/types.js";
import { expectContractError, expectMatchesSchema } from "../helpers/expect-contract.js";
import { postJson } from "../helpers/post-json.js";
import { payloads, postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const THINKING = ["The user", " greets me.", " A short", " greeting back fits."];
const ANSWER = ["Hello", " there", "!"];

let anthropic: FakeAnthropicUpstream;
let openAi: FakeOpenAiUpstream;
/** Claude with extended thinking, configured as an operator would. */
let claude: TestApp;
/** The same scripts from an OpenAI-compatible server, to compare with. */
let openAiApp: TestApp;

beforeAll(async () => {
  [anthropic, openAi] = await Promise.all([startFakeAnthropicUpstream(), startFakeOpenAiUpstream()]);
  [claude, openAiApp] = await Promise.all([
    startTestApp({
      CHAT_MODEL: "anthropic:fake-model",
      CHAT_MODEL_OPTIONS: JSON.stringify({
        anthropicApiUrl: anthropic.baseUrl,
        apiKey: "test-key",
        thinking: { type: "enabled", budget_tokens: 1024 },
        maxTokens: 4096,
      }),
      SSE_HEARTBEAT_MS: "600000",
    }),
    startTestApp({ ...upstreamEnv(openAi.baseUrl), SSE_HEARTBEAT_MS: "600000" }),
  ]);
});

afterAll(async () => {
  await Promise.all([claude?.close(), openAiApp?.close()]);
  await Promise.all([anthropic?.close(), openAi?.close()]);
});

const messagesUrl = (app: TestApp) => `${app.baseUrl}/api/v1/messages`;

describe("CHAT_MODEL=anthropic:… through initChatModel", () => {
  it("names the provider in health and sends Claude the model, the key, the API version and CHAT_MODEL_OPTIONS", async () => {
    const health = await fetch(`${claude.baseUrl}/api/v1/health`);
    expect(await health.json()).toMatchObject({ model: { provider: "anthropic", name: "fake-model", demo: false } });

    anthropic.enqueue({ tokens: ANSWER });
    const result = await postForSse(messagesUrl(claude), { message: "hi", history: [{ role: "system", content: "be brief" }] });
    expect(payloads(result.events).at(-1)).toMatchObject({ event: "complete", data: { content: ANSWER.join("") } });
    const request = anthropic.requests.at(-1)!;
    expect(request.path).toBe("/v1/messages");
    expect(request.headers["x-api-key"]).toBe("test-key");
    expect(request.headers["anthropic-version"]).toEqual(expect.any(String));
    expect(request.body).toMatchObject({
      model: "fake-model",
      stream: true,
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      system: "be brief",
      messages: [{ role: "user", content: "hi" }],
    });
  });

  it("streams, without includeReasoning, exactly the bytes an OpenAI-compatible server's reply gives, but for the id and the provider", async () => {
    const script: UpstreamScript = { reasoning: THINKING, tokens: ANSWER };
    anthropic.enqueue(script);
    openAi.enqueue(script);
    const [fromClaude, fromOpenAi] = await Promise.all([
      postForSse(messagesUrl(claude), { message: "hi" }),
      postForSse(messagesUrl(openAiApp), { message: "hi" }),
    ]);
    const normalise = (raw: string) => raw.replace(/"messageId":"[^"]+"/, '"messageId":"…"').replace(/"provider":"[^"]+"/, '"provider":"…"');
    expect(fromClaude.raw).not.toContain("reasoning");
    expect(normalise(fromClaude.raw)).toBe(normalise(fromOpenAi.raw));
    expect(fromClaude.raw).toContain('"provider":"anthropic"');
  });

  it("reports Claude's stop reasons in the contract's words and its usage split across events as one total", async () => {
    anthropic.enqueue({ tokens: ANSWER, finishReason: "length" });
    const cut = await postJson(messagesUrl(claude), { message: "hi" });
    expect(cut.status, cut.raw).toBe(200);
    expectMatchesSchema("MessageResponse", cut.body);
    // The fake sends stop_reason "max_tokens", input tokens in message_start and output tokens in message_delta.
    expect(cut.body).toMatchObject({ finishReason: "length", usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 } });

    anthropic.enqueue({ reasoning: THINKING, tokens: ANSWER });
    const thought = await postJson(messagesUrl(claude), { message: "hi", includeReasoning: true });
    const { message, finishReason, usage } = thought.body as MessageResponse;
    expect(message).toMatchObject({ content: ANSWER.join(""), reasoning: THINKING.join("") });
    expect(finishReason).toBe("stop");
    expect(usage).toEqual({ inputTokens: 9, outputTokens: 7, totalTokens: 16 });
  });

  it("answers Anthropic's 529 overloaded_error as upstream_unavailable with its Retry-After, in both modes", async () => {
    anthropic.enqueue({ fault: { kind: "status", status: 529, headers: { "retry-after": "4" } } });
    const answer = await postJson(messagesUrl(claude), { message: "hi" });
    expectContractError(answer, 503, "upstream_unavailable");
    expect(answer.headers["retry-after"]).toBe("4");

    anthropic.enqueue({ fault: { kind: "status", status: 529, headers: { "retry-after": "4" } } });
    const streamed = await postForSse(messagesUrl(claude), { message: "hi" });
    expect(payloads(streamed.events)).toEqual([
      {
        event: "error",
        data: { code: "upstream_unavailable", message: expect.stringContaining("529"), retryable: true, retryAfterSeconds: 4, partialContent: "" },
      },
    ]);
  });
});

describe("a server process on Anthropic, configured by the provider's own variables", () => {
  const CANARY_KEY = `sk-ant-api03-CANARY${"q9Z4".repeat(10)}-leak-canary`;
  let server: ServerProcess | undefined;

  afterAll(() => stopServerProcess(server));

  it("sends ANTHROPIC_API_KEY to ANTHROPIC_BASE_URL, and writes it in no answer and no log line when Claude quotes it back", async () => {
    anthropic.setDefault({ fault: { kind: "status", status: 401, quoteApiKey: true } });
    server = await startServerProcess({
      CHAT_MODEL: "anthropic:fake-model",
      ANTHROPIC_API_KEY: CANARY_KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      SERVER_WORKERS: "1",
      LOG_LEVEL: "trace",
      LOG_CONTENT: "true",
    });
    const before = anthropic.requests.length;
    const answer = await postJson(`${server.baseUrl}/api/v1/messages`, { message: "hello" });
    expectContractError(answer, 502, "upstream_auth");
    expect(anthropic.requests[before]?.headers["x-api-key"]).toBe(CANARY_KEY);
    await until(
      () => server!.logs.some((line) => line.msg === "request finished"),
      10_000,
      () => "the request's log line",
    );
    expect(answer.raw).not.toContain("CANARY");
    expect(server.output()).not.toContain("CANARY");
    // The provider's error, as logged with the failure: present, and redacted where it quoted the key.
    expect(server.output()).toContain("invalid x-api-key: [REDACTED]");
  });
});

describe("CHAT_MODEL naming a provider whose package is not installed", () => {
  it("stops the server at startup with one clear error naming the package to install, and no stack trace", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, PORT: "0", CHAT_MODEL: "google-genai:gemini-2.5-flash" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

    expect(code).toBe(1);
    expect(stderr).toBe(
      "Invalid configuration:\n  - CHAT_MODEL=google-genai:gemini-2.5-flash needs the package @langchain/google-genai, which is not installed: npm install @langchain/google-genai\n",
    );
    expect(stdout).not.toContain("Listening");
  });
});
