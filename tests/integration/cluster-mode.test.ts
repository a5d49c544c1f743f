/**
 * The server as a cluster (`SERVER_WORKERS=2` on a real redis-server, the real `server/main.ts` process): replies are
 * served by both workers, MAX_CONCURRENT_STREAMS counts the whole process tree, a resumable reply is resumed and
 * stopped through whichever worker takes the request, `/metrics` answers for the whole server whichever worker takes
 * the scrape, a crashed worker is replaced, and SIGTERM drains every worker (running streams end with
 * `server_shutdown` and their partial text) before the primary exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";
import { getSse, openSse, payloads, postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

let upstream: FakeOpenAiUpstream;
let redis: RedisServerHandle;
let server: ServerProcess | undefined;

const messagesOf = (process: ServerProcess) => process.logs.map((line) => String(line.msg));

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startFakeOpenAiUpstream(), startRedisServer()]);
  server = await startServerProcess(
    upstreamEnv(upstream.baseUrl, { SERVER_WORKERS: "2", UPSTREAM_MAX_RETRIES: "0", SHUTDOWN_GRACE_MS: "300", REDIS_URL: redis.url }),
  );
}, 60_000);
afterAll(async () => {
  stopServerProcess(server);
  await upstream?.close();
  await redis?.stop();
});

function seriesValue(metricsText: string, series: string): number {
  const line = metricsText.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("the server with SERVER_WORKERS=2", () => {
  it("logs one Listening line for the whole server once both workers listen", async () => {
    const listening = server!.logs.filter((line) => String(line.msg).startsWith("Listening"));
    expect(listening).toHaveLength(1);
    expect(listening[0]).toMatchObject({ workers: 2, maxConcurrentStreams: 1000, replyStore: "redis" });
    // Each worker writes its own line to the shared stdout, so the second may land just after the primary's.
    const workersListening = () => server!.logs.filter((line) => line.msg === "worker listening").map((line) => line.worker);
    await until(
      () => [1, 2].every((worker) => workersListening().includes(worker)),
      5_000,
      () => `both workers' lines, got ${JSON.stringify(workersListening())}`,
    );
  });

  it("serves replies from both workers, and /metrics counts every worker's replies whichever worker is scraped", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        postForSse(`${server!.baseUrl}/api/v1/messages`, { message: `hello ${index}` }, { headers: { accept: "text/event-stream" } }),
      ),
    );
    for (const result of results) expect(result.events.at(-1)?.event).toBe("complete");
    await until(
      () => messagesOf(server!).filter((msg) => msg === "stream complete").length >= 8,
      5_000,
      () => "8 completions logged",
    );
    const workers = new Set(server!.logs.filter((line) => line.msg === "stream complete").map((line) => line.worker));
    expect(workers, "both workers took connections").toEqual(new Set([1, 2]));

    // Several scrapes, so both workers answer at least one of them (round-robin), and each must see all 8.
    for (let scrape = 0; scrape < 4; scrape++) {
      const response = await fetch(`${server!.baseUrl}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(seriesValue(text, 'chat_streams_completed_total{mode="sse"}')).toBe(8);
      expect(seriesValue(text, 'chat_time_to_first_token_seconds_count{mode="sse"}')).toBe(8);
      expect(seriesValue(text, "chat_streams_active")).toBe(0);
    }
  });

  it("admits exactly MAX_CONCURRENT_STREAMS replies across both workers, not that many per worker", async () => {
    const limited = await startServerProcess(
      upstreamEnv(upstream.baseUrl, { SERVER_WORKERS: "2", MAX_CONCURRENT_STREAMS: "5", UPSTREAM_MAX_RETRIES: "0", REDIS_URL: redis.url }),
    );
    try {
      upstream.setDefault({ tokens: Array.from({ length: 40 }, () => "slow "), delayMs: 50 });
      // Each request on a connection of its own, so round-robin spreads them over both workers.
      const streams = Array.from({ length: 12 }, () => openSse(`${limited.baseUrl}/api/v1/messages`, { message: "hi" }, { newConnection: true }));
      const statuses = await Promise.all(streams.map(async (stream) => (await stream.headers).status));
      expect(statuses.filter((status) => status === 200)).toHaveLength(5);
      expect(statuses.filter((status) => status === 503)).toHaveLength(7);
      await Promise.all(streams.map((stream) => stream.finished));
    } finally {
      upstream.reset();
      stopServerProcess(limited);
    }
  });

  it("resumes and stops a resumable reply through either worker", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 30 }, (_, index) => `t${index} `), delayMs: 40 });
    const first = openSse(`${server!.baseUrl}/api/v1/messages`, { message: "hi", resumable: true }, { newConnection: true });
    const messageId = String((await first.headers).headers["x-message-id"]);
    await until(
      () => first.events.length >= 3,
      5_000,
      () => "three events",
    );
    // New connections land on both workers in turn, so some of these reach the worker that does not generate it.
    const resumed = await Promise.all(
      [1, 2].map(() =>
        getSse(`${server!.baseUrl}/api/v1/messages/${messageId}/events`, { headers: { "last-event-id": "2" }, disconnectAfterEvents: 1, newConnection: true }),
      ),
    );
    for (const result of resumed) expect(result.events[0]?.id).toBe("3");
    const stops = await Promise.all(
      [1, 2].map(
        async () => (await fetch(`${server!.baseUrl}/api/v1/messages/${messageId}/stop`, { method: "POST", headers: { connection: "close" } })).status,
      ),
    );
    expect(stops).toEqual([200, 200]);
    expect(payloads((await first.finished).events).at(-1)).toMatchObject({ event: "complete", data: { finishReason: "cancelled" } });
  });

  it("replaces a worker that crashes, and keeps serving", async () => {
    const victim = Number(server!.logs.find((line) => line.msg === "worker listening")!.pid);
    process.kill(victim, "SIGKILL");
    await until(
      () => messagesOf(server!).includes("worker died; starting a replacement"),
      5_000,
      () => "the replacement log line",
    );
    await until(
      () => messagesOf(server!).filter((msg) => msg === "worker listening").length >= 3,
      20_000,
      () => "the replacement to listen",
    );
    const result = await postForSse(`${server!.baseUrl}/api/v1/messages`, { message: "after the crash" }, { headers: { accept: "text/event-stream" } });
    expect(result.events.at(-1)?.event).toBe("complete");
  });

  it("on SIGTERM drains every worker: running streams end with server_shutdown and their partial text, and the primary exits 0", async () => {
    const slow = { tokens: Array.from({ length: 200 }, (_, index) => ` w${index}`), delayMs: 20 };
    upstream.enqueue(slow, slow, slow, slow);
    const before = upstream.requests.length;
    const streams = Array.from({ length: 4 }, (_, index) =>
      postForSse(`${server!.baseUrl}/api/v1/messages`, { message: `long ${index}` }, { headers: { accept: "text/event-stream" } }),
    );
    await until(
      () => upstream.requests.length >= before + 4 && upstream.requests.slice(before).every((call) => call.tokensSent >= 2),
      10_000,
      () => "4 streams with tokens",
    );

    server!.child.kill("SIGTERM");
    const results = await Promise.all(streams);
    const exit = await server!.exited;

    expect({ code: exit.code, signal: exit.signal }, server!.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    for (const result of results) {
      const terminal = result.events.at(-1)!;
      expect(terminal.event).toBe("error");
      const tokens = result.events.filter((event) => event.event === "token").map((event) => (JSON.parse(event.data) as { content: string }).content);
      expect(JSON.parse(terminal.data)).toMatchObject({ code: "server_shutdown", retryable: true, partialContent: tokens.join("") });
    }
    expect(server!.logs.find((line) => String(line.msg).startsWith("shutting down"))).toMatchObject({ signal: "SIGTERM", activeReplies: 4, workers: 2 });
    expect(messagesOf(server!).filter((msg) => msg === "worker draining")).toHaveLength(2);
    expect(messagesOf(server!)).toContain("all workers exited; exiting");
  });
});
