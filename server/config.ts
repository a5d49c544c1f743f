import { availableParallelism } from "node:os";
import type { ModelStreamPath } from "./chat/open-model-stream.js";
import { isLangChainProvider, LANGCHAIN_PROVIDERS } from "./chat/langchain-providers.js";

/**
 * The server's settings, read once from the environment by `main.ts` and passed down. Nothing else of ours reads
 * `process.env`; a LangChain provider package reads its own variables (`ANTHROPIC_API_KEY`, …), as LangChain documents.
 */
export interface Config {
  port: number;
  /** Interface to listen on; undefined listens on all. */
  host: string | undefined;
  model: ModelConfig;
  /**
   * Values the logger must never print that the provider package reads itself: every `*_API_KEY` variable
   * (`ANTHROPIC_API_KEY`, `GOOGLE_API_KEY`, …) and any `apiKey` in `CHAT_MODEL_OPTIONS`.
   */
  providerSecrets: string[];
  upstream: UpstreamConfig;
  /** Interval of SSE heartbeat comments, which keep proxies from closing an idle stream. */
  heartbeatMs: number;
  /** How long a streaming client may read nothing while its socket buffer is full before it is disconnected. */
  clientStallTimeoutMs: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /**
   * Replies (streams and JSON) running at once in this server's whole process tree, whatever `SERVER_WORKERS` is
   * (workers ask the primary for a slot); beyond it, 503 `overloaded`. Per instance with Redis (ADR-13).
   */
  maxConcurrentStreams: number;
  /**
   * Worker processes sharing the port (`node:cluster`); 1 runs the server in this process, without a cluster. More
   * than one needs Redis (ADR-13); by default, one per core with `REDIS_URL` and one without.
   */
  workers: number;
  /** On SIGTERM/SIGINT, how long running replies may go on before they are ended with `server_shutdown`. */
  shutdownGraceMs: number;
  /** Redis for reply logs, stop requests and instance liveness (`REDIS_URL`); unset: this process's memory. */
  redisUrl: string | undefined;
  /**
   * On SIGTERM/SIGINT, how long the listener stays open answering `/readyz` 503 (and new replies 503) before it
   * closes, so a load balancer notices before connections are refused. Part of the grace period, not added to it.
   */
  shutdownReadinessDelayMs: number;
  /** How long a resumable reply's events stay readable after it ended. */
  replyRetentionMs: number;
  /** How long a resumable reply may run with nobody reading it before it is stopped (its cost bounded). */
  replyMaxDetachedMs: number;
  logLevel: string;
  /** Log prompt and reply text; off by default because they may hold personal data. */
  logContent: boolean;
  /** Origins whose browser pages may call the API (CORS); `*` for any; empty for same-origin only. */
  corsOrigins: string[];
  /**
   * API keys given inline (`API_KEYS`, comma-separated; plain or `sha256:<hex>`). With these or `apiKeysFile`, every
   * operation but health and the probes needs `Authorization: Bearer <key>`; with neither, the server is open.
   */
  apiKeys: string[];
  /** A file of API keys (`API_KEYS_FILE`): one per line, `#` comments, optional per-key limits; re-read on SIGHUP. */
  apiKeysFile: string | undefined;
  /** The bearer token `/metrics` needs (`METRICS_TOKEN`). */
  metricsToken: string | undefined;
  /** Limits per API key (per client address when auth is off); each overridable per key in `API_KEYS_FILE`. */
  rateLimits: RateLimits;
  /** Failed authentications a client address may make per minute before it gets 429 (`AUTH_FAILURES_PER_MINUTE`; 0 = off). */
  authFailuresPerMinute: number;
  /**
   * Express's `trust proxy` (`TRUST_PROXY`): which proxies' `X-Forwarded-For` to believe for the client address, e.g.
   * `loopback` or `1` (one hop) behind a TLS-terminating proxy; unset trusts none, so the address is the socket's.
   */
  trustProxy: string | undefined;
  /** How long and how much a client may take of the HTTP server before it is cut off (`server/http/create-http-server.ts`). */
  http: HttpServerConfig;
}

/** The limits one client is held to; 0 turns a limit off. */
export interface RateLimits {
  /** `sendMessage` requests per rolling minute (`RATE_LIMIT_REQUESTS_PER_MINUTE`). */
  requestsPerMinute: number;
  /** Replies running at once (`RATE_LIMIT_CONCURRENT_REPLIES`). */
  concurrentReplies: number;
  /** Input + output tokens per day, as the provider reports them or estimated (`RATE_LIMIT_TOKENS_PER_DAY`). */
  tokensPerDay: number;
}

/** Limits on what one client can hold of the HTTP server: time before its request arrives, bytes, connections. */
export interface HttpServerConfig {
  /** Longest time from a connection's (or a keep-alive request's) first byte to the end of its headers; then 408 and close. */
  headersTimeoutMs: number;
  /** Longest time to receive a whole request, headers and body; never limits the response, so a stream runs for as long as it lasts. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open waiting for the next request. */
  keepAliveTimeoutMs: number;
  /** Largest request line plus headers, in bytes; beyond it, 431 and close. */
  maxHeaderBytes: number;
  /** Open connections per process (per worker with `SERVER_WORKERS` > 1); beyond it new ones are closed at once. */
  maxConnections: number;
}

export type ModelConfig =
  | { provider: "demo"; name: string; tokenDelayMs: number }
  | {
      provider: "openai-compatible";
      name: string;
      apiKey: string;
      baseUrl: string | undefined;
      /** Ask for the usage chunk (`stream_options.include_usage`); off for servers that reject the option. */
      streamUsage: boolean;
      /** `CHAT_MODEL_OPTIONS`: more fields for the model's constructor, over ours. */
      options: Record<string, unknown>;
    }
  | {
      /** Any other provider LangChain's `initChatModel` knows (`CHAT_MODEL=anthropic:claude-sonnet-4-5`, ADR-24). */
      provider: "langchain";
      /** LangChain's name for it: `anthropic`, `ollama`, `google-genai`, … */
      langchainProvider: string;
      name: string;
      /** `CHAT_MODEL_OPTIONS`: more fields for the model's constructor, over ours. */
      options: Record<string, unknown>;
    };

export interface UpstreamConfig {
  /** Longest wait for the provider's first chunk (of any kind), retries included, before the reply fails with `upstream_timeout`. */
  firstTokenTimeoutMs: number;
  /** Longest silence between two chunks from the provider (not counting time spent waiting on a slow client) before `upstream_timeout`. */
  idleTimeoutMs: number;
  /** Retries of a failed model call; only ever before the first token, so no text is sent twice. */
  maxRetries: number;
  /**
   * How chunks are read from the model (`LANGCHAIN_CALLBACKS`, ADR-26): `"callbacks"` through LangChain's `stream()`,
   * which runs callbacks and LangSmith tracing; `"direct"` from the model's chunk generator, without them and leaner
   * per token. By default `"callbacks"` exactly when LangSmith tracing is switched on in the environment.
   */
  modelStreamPath: ModelStreamPath;
}

/** Thrown by {@link loadConfig}; its message lists every invalid variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export const DEMO_MODEL_NAME = "demo-echo";
export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
/** OpenAI's SDK refuses an empty key; local servers (Ollama, vLLM, llama.cpp) ignore it. */
const PLACEHOLDER_API_KEY = "not-needed";

/** More workers than this only adds memory and contention on any machine we run on. */
const MAX_WORKERS = 64;

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  problems.push(`${name} must be true or false, got "${env[name]}"`);
  return fallback;
}

/** LangChain's own switches for LangSmith tracing (any of them turns it on). */
const TRACING_VARIABLES = ["LANGSMITH_TRACING", "LANGSMITH_TRACING_V2", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING"];

function readModelStreamPath(env: Env, problems: string[]): ModelStreamPath {
  const raw = env.LANGCHAIN_CALLBACKS?.trim().toLowerCase() || "auto";
  if (raw === "on") return "callbacks";
  if (raw === "off") return "direct";
  if (raw !== "auto") problems.push(`LANGCHAIN_CALLBACKS must be auto, on or off, got "${env.LANGCHAIN_CALLBACKS}"`);
  return TRACING_VARIABLES.some((name) => env[name]?.trim().toLowerCase() === "true") ? "callbacks" : "direct";
}

/**
 * The model: `CHAT_MODEL=provider:model` names any provider LangChain's `initChatModel` knows (`openai:` keeps the
 * `OPENAI_*` settings); without it, `OPENAI_API_KEY` or `OPENAI_BASE_URL` select an OpenAI-compatible endpoint, and
 * with neither the built-in demo model answers, so the server runs offline out of the box.
 */
function readModelConfig(env: Env, options: Record<string, unknown>, problems: string[]): ModelConfig {
  const demo = (): ModelConfig => ({ provider: "demo", name: DEMO_MODEL_NAME, tokenDelayMs: readInteger(env, "DEMO_TOKEN_DELAY_MS", 30, 0, 10_000, problems) });
  const openAiCompatible = (name: string): ModelConfig => ({
    provider: "openai-compatible",
    name,
    apiKey: env.OPENAI_API_KEY?.trim() || PLACEHOLDER_API_KEY,
    baseUrl: readBaseUrl(env, problems),
    streamUsage: readBoolean(env, "OPENAI_STREAM_USAGE", true, problems),
    options,
  });
  const chatModel = env.CHAT_MODEL?.trim();
  if (!chatModel) {
    const useDemo = !env.OPENAI_API_KEY?.trim() && !env.OPENAI_BASE_URL?.trim();
    return useDemo ? demo() : openAiCompatible(env.OPENAI_MODEL?.trim() || DEFAULT_OPENAI_MODEL);
  }
  if (chatModel === "demo") return demo();
  const colon = chatModel.indexOf(":");
  const provider = chatModel.slice(0, colon);
  const name = chatModel.slice(colon + 1).trim();
  if (colon < 1 || name === "" || !isLangChainProvider(provider)) {
    problems.push(
      `CHAT_MODEL must be provider:model, such as anthropic:claude-sonnet-4-5 or ollama:qwen3, with a provider of ${LANGCHAIN_PROVIDERS.join(", ")}; or demo. Got "${chatModel}"`,
    );
    return demo();
  }
  // Two names for one setting would leave the reader guessing which one won.
  if (env.OPENAI_MODEL?.trim())
    problems.push(`Set the model in CHAT_MODEL or in OPENAI_MODEL, not both (CHAT_MODEL="${chatModel}", OPENAI_MODEL="${env.OPENAI_MODEL.trim()}")`);
  if (provider === "openai") return openAiCompatible(name);
  return { provider: "langchain", langchainProvider: provider, name, options };
}

/** `CHAT_MODEL_OPTIONS`: a JSON object of fields for the model's constructor (Claude's `thinking`, Ollama's `baseUrl`, …). */
function readModelOptions(env: Env, problems: string[]): Record<string, unknown> {
  const raw = env.CHAT_MODEL_OPTIONS?.trim();
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  // Not echoed: it may hold a key.
  problems.push(`CHAT_MODEL_OPTIONS must be a JSON object, such as {"thinking":{"type":"enabled","budget_tokens":2048}}`);
  return {};
}

/** Keys a provider package reads from the environment, and any key given in `CHAT_MODEL_OPTIONS`, for the logger to redact. */
function readProviderSecrets(env: Env, options: Record<string, unknown>): string[] {
  const fromEnv = Object.entries(env).flatMap(([name, value]) =>
    name.endsWith("_API_KEY") && name !== "OPENAI_API_KEY" && value?.trim() ? [value.trim()] : [],
  );
  const fromOptions = Object.entries(options).flatMap(([field, value]) => (/api_?key$/i.test(field) && typeof value === "string" && value ? [value] : []));
  return [...fromEnv, ...fromOptions];
}

function readBaseUrl(env: Env, problems: string[]): string | undefined {
  const raw = env.OPENAI_BASE_URL?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return raw;
  } catch {
    // reported below
  }
  problems.push(`OPENAI_BASE_URL must be an http(s) URL such as http://localhost:11434/v1, got "${raw}"`);
  return undefined;
}

function readRedisUrl(env: Env, problems: string[]): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === "redis:" || url.protocol === "rediss:" || url.protocol === "unix:") return raw;
  } catch {
    // reported below
  }
  problems.push(`REDIS_URL must be a redis:// or rediss:// URL such as redis://localhost:6379, got "${raw.replace(/\/\/[^@]*@/, "//***@")}"`);
  return undefined;
}

/**
 * The default limits are off for an open server (local use, where the only client is its owner) and on once API keys
 * are configured (a server exposed to others): a leaked key then cannot hold every slot or send without pause. A
 * token budget depends on the operator's spend, so it has no default.
 */
const DEFAULT_KEYED_RATE_LIMITS: RateLimits = { requestsPerMinute: 60, concurrentReplies: 4, tokensPerDay: 0 };

function readRateLimits(env: Env, authConfigured: boolean, problems: string[]): RateLimits {
  const defaults = authConfigured ? DEFAULT_KEYED_RATE_LIMITS : { requestsPerMinute: 0, concurrentReplies: 0, tokensPerDay: 0 };
  return {
    requestsPerMinute: readInteger(env, "RATE_LIMIT_REQUESTS_PER_MINUTE", defaults.requestsPerMinute, 0, 1_000_000, problems),
    concurrentReplies: readInteger(env, "RATE_LIMIT_CONCURRENT_REPLIES", defaults.concurrentReplies, 0, 1_000_000, problems),
    tokensPerDay: readInteger(env, "RATE_LIMIT_TOKENS_PER_DAY", defaults.tokensPerDay, 0, 1_000_000_000_000, problems),
  };
}

/**
 * `CORS_ORIGINS`: `*`, or origins exactly as a browser sends them (`https://chat.example.com`, no path, no trailing
 * slash), since the header is compared as a string. `null` is refused: sandboxed frames and `file:` pages all send it,
 * so allowing it would allow any of them.
 */
function readCorsOrigins(env: Env, problems: string[]): string[] {
  const origins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  for (const origin of origins) {
    if (origin === "*") continue;
    let canonical: string | undefined;
    try {
      canonical = new URL(origin).origin;
    } catch {
      // reported below
    }
    if (canonical !== origin || canonical === "null") {
      problems.push(`CORS_ORIGINS must list origins such as https://chat.example.com (scheme, host and port only) or *, got "${origin}"`);
    }
  }
  return origins;
}

/** The configured values that must never be shown: the provider key and Redis's password (for the logger to redact). */
export function listSecrets(config: Config): string[] {
  const secrets: string[] = [];
  if (config.model.provider === "openai-compatible" && config.model.apiKey !== PLACEHOLDER_API_KEY) secrets.push(config.model.apiKey);
  secrets.push(...config.providerSecrets);
  if (config.redisUrl) {
    try {
      const { password } = new URL(config.redisUrl);
      if (password) secrets.push(password, decodeURIComponent(password));
    } catch {
      // validated by loadConfig
    }
  }
  return secrets;
}

/** What {@link loadConfig} takes from the machine rather than the environment (tests pass their own). */
export interface ConfigDefaults {
  /** Default worker count: the CPU cores this process may use (`os.availableParallelism()`). */
  availableCores: number;
}

/**
 * Reads and validates the configuration; throws a {@link ConfigError} naming every invalid variable. With no model
 * configured (`CHAT_MODEL`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`), the built-in demo model answers, so the server runs
 * offline out of the box.
 */
export function loadConfig(env: Env, defaults: ConfigDefaults = { availableCores: availableParallelism() }): Config {
  const problems: string[] = [];
  const modelOptions = readModelOptions(env, problems);
  const authConfigured = Boolean(env.API_KEYS?.trim() || env.API_KEYS_FILE?.trim());

  const config: Config = {
    port: readInteger(env, "PORT", 3000, 0, 65535, problems),
    host: env.HOST?.trim() || undefined,
    model: readModelConfig(env, modelOptions, problems),
    providerSecrets: readProviderSecrets(env, modelOptions),
    upstream: {
      firstTokenTimeoutMs: readInteger(env, "UPSTREAM_FIRST_TOKEN_TIMEOUT_MS", 30_000, 1, 600_000, problems),
      idleTimeoutMs: readInteger(env, "UPSTREAM_IDLE_TIMEOUT_MS", 30_000, 1, 600_000, problems),
      maxRetries: readInteger(env, "UPSTREAM_MAX_RETRIES", 2, 0, 10, problems),
      modelStreamPath: readModelStreamPath(env, problems),
    },
    heartbeatMs: readInteger(env, "SSE_HEARTBEAT_MS", 15_000, 100, 600_000, problems),
    clientStallTimeoutMs: readInteger(env, "CLIENT_STALL_TIMEOUT_MS", 30_000, 100, 600_000, problems),
    maxBodyBytes: readInteger(env, "MAX_BODY_BYTES", 1_048_576, 1024, 64 * 1_048_576, problems),
    maxConcurrentStreams: readInteger(env, "MAX_CONCURRENT_STREAMS", 1000, 1, 1_000_000, problems),
    // Workers share resumable replies (and their Stop) only through Redis (ADR-13): without it, one process.
    workers: readInteger(
      env,
      "SERVER_WORKERS",
      env.REDIS_URL?.trim() ? Math.min(MAX_WORKERS, Math.max(1, defaults.availableCores)) : 1,
      1,
      MAX_WORKERS,
      problems,
    ),
    shutdownGraceMs: readInteger(env, "SHUTDOWN_GRACE_MS", 10_000, 0, 600_000, problems),
    redisUrl: readRedisUrl(env, problems),
    shutdownReadinessDelayMs: readInteger(env, "SHUTDOWN_READINESS_DELAY_MS", 0, 0, 600_000, problems),
    replyRetentionMs: readInteger(env, "REPLY_RETENTION_MS", 300_000, 1_000, 86_400_000, problems),
    replyMaxDetachedMs: readInteger(env, "REPLY_MAX_DETACHED_MS", 600_000, 1_000, 86_400_000, problems),
    logLevel: env.LOG_LEVEL?.trim() || "info",
    logContent: readBoolean(env, "LOG_CONTENT", false, problems),
    corsOrigins: readCorsOrigins(env, problems),
    http: {
      headersTimeoutMs: readInteger(env, "HTTP_HEADERS_TIMEOUT_MS", 10_000, 100, 600_000, problems),
      requestTimeoutMs: readInteger(env, "HTTP_REQUEST_TIMEOUT_MS", 30_000, 100, 3_600_000, problems),
      keepAliveTimeoutMs: readInteger(env, "HTTP_KEEP_ALIVE_TIMEOUT_MS", 5_000, 100, 600_000, problems),
      maxHeaderBytes: readInteger(env, "HTTP_MAX_HEADER_BYTES", 16_384, 1_024, 1_048_576, problems),
      maxConnections: readInteger(env, "HTTP_MAX_CONNECTIONS", 10_000, 1, 1_000_000, problems),
    },
    apiKeys: (env.API_KEYS ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key !== ""),
    apiKeysFile: env.API_KEYS_FILE?.trim() || undefined,
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    rateLimits: readRateLimits(env, authConfigured, problems),
    authFailuresPerMinute: readInteger(env, "AUTH_FAILURES_PER_MINUTE", 10, 0, 1_000_000, problems),
    trustProxy: env.TRUST_PROXY?.trim() || undefined,
  };
  // Node refuses a headers deadline past the whole request's: the request's would always fire first.
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${config.http.headersTimeoutMs}) must not be larger than HTTP_REQUEST_TIMEOUT_MS (${config.http.requestTimeoutMs}): the headers are part of the request`,
    );
  }
  if (config.workers > 1 && config.redisUrl === undefined && env.REDIS_URL === undefined) {
    problems.push(
      `SERVER_WORKERS=${config.workers} needs REDIS_URL: workers share resumable replies, their resume and their Stop through Redis. Set REDIS_URL, or SERVER_WORKERS=1`,
    );
  }
  const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
  if (!levels.includes(config.logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(", ")}, got "${config.logLevel}"`);

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
  return config;
}
