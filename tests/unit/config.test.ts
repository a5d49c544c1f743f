import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_OPENAI_MODEL, DEMO_MODEL_NAME, loadConfig } from "../../server/config.js";

describe("loadConfig", () => {
  it("runs the demo model on port 3000 when no model is configured", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.model).toEqual({ provider: "demo", name: DEMO_MODEL_NAME, tokenDelayMs: 30 });
    expect(config.upstream).toEqual({ firstTokenTimeoutMs: 30_000, idleTimeoutMs: 30_000, maxRetries: 2, modelStreamPath: "direct" });
    expect(config.heartbeatMs).toBe(15_000);
    expect(config.clientStallTimeoutMs).toBe(30_000);
  });

  it("uses OpenAI with the default model when only OPENAI_API_KEY is set", () => {
    expect(loadConfig({ OPENAI_API_KEY: "sk-test" }).model).toEqual({
      provider: "openai-compatible",
      name: DEFAULT_OPENAI_MODEL,
      apiKey: "sk-test",
      baseUrl: undefined,
      streamUsage: true,
      options: {},
    });
  });

  it("reads CHAT_MODEL as provider:model, keeping the OPENAI_* settings for openai:", () => {
    expect(loadConfig({ CHAT_MODEL: "anthropic:claude-sonnet-4-5" }).model).toEqual({
      provider: "langchain",
      langchainProvider: "anthropic",
      name: "claude-sonnet-4-5",
      options: {},
    });
    // Model names may hold colons themselves (Ollama's tags).
    expect(loadConfig({ CHAT_MODEL: "ollama:qwen3:8b", CHAT_MODEL_OPTIONS: '{"baseUrl":"http://gpu:11434"}' }).model).toEqual({
      provider: "langchain",
      langchainProvider: "ollama",
      name: "qwen3:8b",
      options: { baseUrl: "http://gpu:11434" },
    });
    expect(loadConfig({ CHAT_MODEL: "openai:gpt-4.1-mini", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: "http://proxy:8080/v1" }).model).toMatchObject({
      provider: "openai-compatible",
      name: "gpt-4.1-mini",
      apiKey: "sk-test",
      baseUrl: "http://proxy:8080/v1",
    });
    expect(loadConfig({ CHAT_MODEL: "demo", OPENAI_API_KEY: "sk-test" }).model.provider).toBe("demo");
  });

  it("refuses a CHAT_MODEL that names no provider LangChain knows, a model set twice, and CHAT_MODEL_OPTIONS that is not a JSON object", () => {
    for (const chatModel of ["claude-sonnet-4-5", "anthropic:", ":gpt-4o", "antropic:claude-sonnet-4-5"]) {
      expect(() => loadConfig({ CHAT_MODEL: chatModel }), chatModel).toThrow(/CHAT_MODEL must be provider:model, .*anthropic, .*google-genai/);
    }
    expect(() => loadConfig({ CHAT_MODEL: "openai:gpt-4o", OPENAI_MODEL: "gpt-4o-mini" })).toThrow(/CHAT_MODEL or in OPENAI_MODEL, not both/);
    for (const options of ["[1]", "not json", '"text"', "null"]) {
      expect(() => loadConfig({ CHAT_MODEL: "anthropic:claude-sonnet-4-5", CHAT_MODEL_OPTIONS: options }), options).toThrow(
        /CHAT_MODEL_OPTIONS must be a JSON object/,
      );
    }
  });

  it("accepts a keyless OpenAI-compatible server such as Ollama", () => {
    const config = loadConfig({ OPENAI_BASE_URL: "http://localhost:11434/v1", OPENAI_MODEL: "llama3.2", OPENAI_STREAM_USAGE: "false" });
    expect(config.model).toMatchObject({ provider: "openai-compatible", name: "llama3.2", baseUrl: "http://localhost:11434/v1", streamUsage: false });
  });

  it("reads timeouts, retries and limits", () => {
    const config = loadConfig({
      PORT: "8080",
      UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: "5000",
      UPSTREAM_IDLE_TIMEOUT_MS: "2000",
      UPSTREAM_MAX_RETRIES: "0",
      SSE_HEARTBEAT_MS: "1000",
      MAX_BODY_BYTES: "2048",
    });
    expect(config).toMatchObject({
      port: 8080,
      heartbeatMs: 1000,
      maxBodyBytes: 2048,
      upstream: { firstTokenTimeoutMs: 5000, idleTimeoutMs: 2000, maxRetries: 0 },
    });
  });

  it("reads model chunks directly unless LangSmith tracing or LANGCHAIN_CALLBACKS=on asks for LangChain's callbacks", () => {
    const path = (env: Record<string, string>) => loadConfig(env).upstream.modelStreamPath;
    expect(path({})).toBe("direct");
    expect(path({ LANGSMITH_TRACING: "true" })).toBe("callbacks");
    expect(path({ LANGCHAIN_TRACING_V2: "true" })).toBe("callbacks");
    expect(path({ LANGSMITH_TRACING: "false" })).toBe("direct");
    expect(path({ LANGCHAIN_CALLBACKS: "on" })).toBe("callbacks");
    expect(path({ LANGCHAIN_CALLBACKS: "OFF", LANGSMITH_TRACING: "true" })).toBe("direct");
    expect(path({ LANGCHAIN_CALLBACKS: "auto", LANGSMITH_TRACING: "true" })).toBe("callbacks");
    expect(() => loadConfig({ LANGCHAIN_CALLBACKS: "maybe" })).toThrow(/LANGCHAIN_CALLBACKS must be auto, on or off, got "maybe"/);
  });

  it("lists every invalid variable in one clear error", () => {
    const load = () => loadConfig({ PORT: "eighty", OPENAI_BASE_URL: "localhost:11434", UPSTREAM_MAX_RETRIES: "-1", LOG_LEVEL: "loud" });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT must be a whole number from 0 to 65535, got "eighty"/);
    expect(load).toThrow(/OPENAI_BASE_URL must be an http\(s\) URL/);
    expect(load).toThrow(/UPSTREAM_MAX_RETRIES must be a whole number from 0 to 10, got "-1"/);
    expect(load).toThrow(/LOG_LEVEL must be one of/);
  });

  it("runs one worker per available core by default with REDIS_URL, one process without, and SERVER_WORKERS=1 runs without a cluster", () => {
    const redis = { REDIS_URL: "redis://127.0.0.1:6379" };
    expect(loadConfig(redis, { availableCores: 4 }).workers).toBe(4);
    expect(loadConfig(redis, { availableCores: 1 }).workers).toBe(1);
    expect(loadConfig({}, { availableCores: 4 }).workers).toBe(1);
    expect(loadConfig({ ...redis, SERVER_WORKERS: "1" }, { availableCores: 8 }).workers).toBe(1);
    expect(loadConfig({ ...redis, SERVER_WORKERS: "3" }, { availableCores: 2 }).workers).toBe(3);
  });

  it("refuses several workers without Redis, which is what lets a worker resume or stop another's reply", () => {
    expect(() => loadConfig({ SERVER_WORKERS: "2" })).toThrow("SERVER_WORKERS=2 needs REDIS_URL");
  });

  it("reads REDIS_URL and the reply bounds, and refuses a URL that is not redis://", () => {
    const config = loadConfig({ REDIS_URL: "redis://:secret@cache:6380/2", REPLY_RETENTION_MS: "60000", REPLY_MAX_DETACHED_MS: "5000" });
    expect(config).toMatchObject({ redisUrl: "redis://:secret@cache:6380/2", replyRetentionMs: 60_000, replyMaxDetachedMs: 5_000 });
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, replyRetentionMs: 300_000, replyMaxDetachedMs: 600_000 });
    const load = () => loadConfig({ REDIS_URL: "http://user:secret@cache:6379" });
    expect(load).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(load).not.toThrow(/secret/);
  });

  it("refuses a worker count that is not a whole number from 1 to 64", () => {
    for (const bad of ["0", "-2", "1.5", "two", "65"]) {
      expect(() => loadConfig({ SERVER_WORKERS: bad })).toThrow(`SERVER_WORKERS must be a whole number from 1 to 64, got "${bad}"`);
    }
  });
  it("limits what one HTTP client may hold by default, and reads each limit from its variable", () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxHeaderBytes: 16_384,
      maxConnections: 10_000,
    });
    const config = loadConfig({
      HTTP_HEADERS_TIMEOUT_MS: "2000",
      HTTP_REQUEST_TIMEOUT_MS: "4000",
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "65000",
      HTTP_MAX_HEADER_BYTES: "8192",
      HTTP_MAX_CONNECTIONS: "500",
    });
    expect(config.http).toEqual({ headersTimeoutMs: 2_000, requestTimeoutMs: 4_000, keepAliveTimeoutMs: 65_000, maxHeaderBytes: 8_192, maxConnections: 500 });
  });

  it("refuses HTTP limits out of range, and a headers timeout longer than the whole request's", () => {
    const load = () =>
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "0", HTTP_MAX_HEADER_BYTES: "512", HTTP_MAX_CONNECTIONS: "lots", HTTP_KEEP_ALIVE_TIMEOUT_MS: "-5" });
    expect(load).toThrow(/HTTP_HEADERS_TIMEOUT_MS must be a whole number from 100 to 600000, got "0"/);
    expect(load).toThrow(/HTTP_MAX_HEADER_BYTES must be a whole number from 1024 to 1048576, got "512"/);
    expect(load).toThrow(/HTTP_MAX_CONNECTIONS must be a whole number from 1 to 1000000, got "lots"/);
    expect(load).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS must be a whole number from 100 to 600000, got "-5"/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "20000", HTTP_REQUEST_TIMEOUT_MS: "10000" })).toThrow(
      "HTTP_HEADERS_TIMEOUT_MS (20000) must not be larger than HTTP_REQUEST_TIMEOUT_MS (10000)",
    );
  });

  it("accepts CORS_ORIGINS as * or exact origins, and refuses null, paths and anything a browser would never send", () => {
    expect(loadConfig({ CORS_ORIGINS: "https://chat.example.com, http://localhost:5173" }).corsOrigins).toEqual([
      "https://chat.example.com",
      "http://localhost:5173",
    ]);
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    for (const bad of ["null", "https://chat.example.com/", "chat.example.com", "https://chat.example.com/app", "HTTPS://Chat.example.com", "file://"]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(
        `CORS_ORIGINS must list origins such as https://chat.example.com (scheme, host and port only) or *, got "${bad}"`,
      );
    }
  });
});
