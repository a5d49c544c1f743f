/**
 * The relays `compare.ts` measures, each a program started in a process of its own on the same fake upstream. The
 * server three ways: a plain stream, and a resumable one (`"resumable": true`, issue 10) whose reply log lives in
 * the server's memory (no `REDIS_URL`) or on Redis (`REDIS_URL`, one worker so the process measured is the relay).
 */
import type { RelayWireFormat } from "./read-relay-stream.js";

export type RelayName = "server" | "server-callbacks" | "server-memory-log" | "server-redis-log" | "raw" | "ai-sdk";

export interface RelayVariant {
  name: RelayName;
  /** How the Markdown table names it. */
  title: string;
  script: string;
  format: RelayWireFormat;
  /** Sent with every request besides `message`. */
  body: Record<string, unknown>;
  needsRedis: boolean;
  env(upstreamUrl: string, redisUrl: string | undefined): Record<string, string>;
}

/** The server as `load.ts` runs it: no API keys, so no rate limits; a stream limit no run reaches. */
const serverEnv = (upstreamUrl: string): Record<string, string> => ({
  OPENAI_BASE_URL: upstreamUrl,
  OPENAI_API_KEY: "bench",
  OPENAI_MODEL: "fake-model",
  MAX_CONCURRENT_STREAMS: "100000",
  SERVER_WORKERS: "1",
  LOG_LEVEL: "info",
});
const relayEnv = (upstreamUrl: string): Record<string, string> => ({ OPENAI_BASE_URL: upstreamUrl, OPENAI_API_KEY: "bench", OPENAI_MODEL: "fake-model" });

/** In the order they run; `raw` is the yardstick every ratio divides by. */
export const RELAY_VARIANTS: readonly RelayVariant[] = [
  { name: "raw", title: "raw relay (node:http + fetch)", script: "bench/relays/raw-relay.ts", format: "contract", body: {}, needsRedis: false, env: relayEnv },
  { name: "server", title: "this server", script: "server/main.ts", format: "contract", body: {}, needsRedis: false, env: serverEnv },
  {
    // LangChain's stream() with its callback machinery, as when an operator turns tracing on (ADR-26): the cost of it.
    name: "server-callbacks",
    title: "this server, LANGCHAIN_CALLBACKS=on",
    script: "server/main.ts",
    format: "contract",
    body: {},
    needsRedis: false,
    env: (upstreamUrl) => ({ ...serverEnv(upstreamUrl), LANGCHAIN_CALLBACKS: "on" }),
  },
  {
    name: "server-memory-log",
    title: "this server, resumable, log in memory",
    script: "server/main.ts",
    format: "contract",
    body: { resumable: true },
    needsRedis: false,
    env: serverEnv,
  },
  {
    name: "server-redis-log",
    title: "this server, resumable, log on Redis",
    script: "server/main.ts",
    format: "contract",
    body: { resumable: true },
    needsRedis: true,
    env: (upstreamUrl, redisUrl) => ({ ...serverEnv(upstreamUrl), REDIS_URL: redisUrl! }),
  },
  {
    name: "ai-sdk",
    title: "Vercel AI SDK (streamText + pipeUIMessageStreamToResponse)",
    script: "bench/relays/ai-sdk-relay.ts",
    format: "ui-message",
    body: {},
    needsRedis: false,
    env: relayEnv,
  },
];
