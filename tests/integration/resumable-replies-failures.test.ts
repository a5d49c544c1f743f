/**
 * What happens to resumable replies when a part dies, with real processes: the instance generating a reply is
 * killed, Redis stalls and comes back, Redis is down at startup. Every case ends readers cleanly; nothing hangs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorEvent } from "../../contract/index.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { findFreePort } from "../../fixtures/find-free-port.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { openSse, payloads, postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

let upstream: FakeOpenAiUpstream;
let redis: RedisServerHandle;
const started: ServerProcess[] = [];

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startFakeOpenAiUpstream(), startRedisServer()]);
});
afterAll(async () => {
  for (const server of started) stopServerProcess(server);
  await upstream?.close();
  await redis?.stop();
});

async function startInstance(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(upstreamEnv(upstream.baseUrl, { REDIS_URL: redis.url, SERVER_WORKERS: "1", UPSTREAM_MAX_RETRIES: "0", ...extra }));
  started.push(server);
  return server;
}

const tokenText = (events: { event: string | undefined; data: string }[]) =>
  events
    .filter((event) => event.event === "token")
    .map((event) => (JSON.parse(event.data) as { content: string }).content)
    .join("");

describe("resumable replies when parts fail", () => {
  it("ends a reader on another instance with one retryable error carrying the exact partial text, within 8 s of the generating instance's SIGKILL", async () => {
    const [generating, other] = await Promise.all([startInstance(), startInstance()]);
    upstream.enqueue({ tokens: Array.from({ length: 400 }, (_, index) => `w${index} `), delayMs: 20 });
    const first = openSse(`${generating.baseUrl}/api/v1/messages`, { message: "hi", resumable: true }, { newConnection: true });
    const messageId = String((await first.headers).headers["x-message-id"]);
    const follower = openSse(`${other.baseUrl}/api/v1/messages/${messageId}/events`, undefined, { method: "GET" });
    await until(
      () => follower.events.length >= 5,
      5_000,
      () => "five events on the other instance",
    );

    generating.child.kill("SIGKILL");
    const killedAt = performance.now();
    const result = await follower.finished;
    const ended = payloads(result.events).at(-1);
    expect(ended?.event).toBe("error");
    const error = ended!.data as ErrorEvent;
    expect(error).toMatchObject({ code: "server_shutdown", retryable: true });
    // Exactly the text of every token the reader got: the error is the next event after the last logged token.
    expect(error.partialContent).toBe(tokenText(result.events));
    expect(error.partialContent.length).toBeGreaterThan(0);
    expect(performance.now() - killedAt).toBeLessThan(8_000);
    expect(result.events.filter((event) => event.event === "error")).toHaveLength(1);
  }, 30_000);

  it("keeps a local reader streaming while Redis stalls, answers new resumable requests 503 storage_unavailable in about 2 s, and recovers when Redis answers again", async () => {
    const server = await startInstance();
    upstream.enqueue({ tokens: Array.from({ length: 60 }, (_, index) => `p${index} `), delayMs: 25 });
    const running = openSse(`${server.baseUrl}/api/v1/messages`, { message: "hi", resumable: true }, { newConnection: true });
    await until(
      () => running.events.length >= 3,
      5_000,
      () => "three events",
    );

    redis.pause();
    try {
      const askedAt = performance.now();
      const refused = await fetch(`${server.baseUrl}/api/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ message: "while Redis stalls", resumable: true }),
      });
      expectContractError({ status: refused.status, headers: refused.headers, raw: await refused.text() }, 503, "storage_unavailable");
      expect(performance.now() - askedAt).toBeLessThan(4_000);
      // A plain (non-resumable) reply needs no Redis at all.
      upstream.enqueue({ tokens: ["still", " fine"] });
      expect(payloads((await postForSse(`${server.baseUrl}/api/v1/messages`, { message: "plain" })).events).at(-1)).toMatchObject({ event: "complete" });
    } finally {
      redis.resume();
    }
    // The reader attached to the generating instance read from its memory all along, to the end.
    const whole = await running.finished;
    expect(payloads(whole.events).at(-1)).toMatchObject({
      event: "complete",
      data: { content: Array.from({ length: 60 }, (_, index) => `p${index} `).join("") },
    });

    // Redis got the queued events in order once it answered: the reply resumes byte-identically from Redis too.
    upstream.enqueue({ tokens: ["after", " recovery"] });
    const again = await postForSse(`${server.baseUrl}/api/v1/messages`, { message: "hi", resumable: true });
    expect(payloads(again.events).at(-1)).toMatchObject({ event: "complete", data: { content: "after recovery" } });
  }, 30_000);

  it("exits 1 with one clear line, not a stack trace, when Redis is unreachable at startup", async () => {
    const closedPort = await findFreePort();
    const failed = startServerProcess(upstreamEnv(upstream.baseUrl, { REDIS_URL: `redis://127.0.0.1:${closedPort}`, SERVER_WORKERS: "1" }));
    const error = (await failed.then(
      (server) => {
        started.push(server);
        return undefined;
      },
      (reason: unknown) => reason,
    )) as Error | undefined;
    expect(error, "the server must not start").toBeDefined();
    expect(error!.message).toContain(`Redis is unreachable at redis://127.0.0.1:${closedPort}`);
    expect(error!.message).not.toMatch(/\n\s+at /);
  });
});
