import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Writable } from "node:stream";
import { createApp } from "../../server/app.js";
import { createChatModel } from "../../server/chat/create-chat-model.js";
import { loadConfig, type Config } from "../../server/config.js";
import { createLogger } from "../../server/logger.js";
import { createReplyRegistry, type ReplyRegistry } from "../../server/replies/reply-registry.js";

export interface TestApp {
  baseUrl: string;
  config: Config;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  replies: ReplyRegistry;
  /** The app's Prometheus metrics text. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real app on a random port, configured from `env` exactly as `main.ts` would be
 * (so `OPENAI_BASE_URL` pointing at the fake upstream exercises the real ChatOpenAI path). With `webRoot`, it also
 * serves the built UI, as `npm start` does.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, options: { webRoot?: string } = {}): Promise<TestApp> {
  const config = loadConfig({ UPSTREAM_MAX_RETRIES: "0", ...env });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const replies = createReplyRegistry({ maxConcurrent: config.maxConcurrentStreams });
  const app = createApp({ config, chat: createChatModel(config), logger: createLogger("info", sink), replies, webRoot: options.webRoot });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    logs,
    replies,
    metrics: () => app.metrics.registry.metrics(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Env that points the app at a fake upstream. */
export function upstreamEnv(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: "test-key", OPENAI_MODEL: "fake-model", ...extra };
}
