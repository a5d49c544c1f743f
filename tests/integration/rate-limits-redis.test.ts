/**
 * The limits on a real redis-server: two server processes on one Redis share one budget (requests and concurrency),
 * and an app whose Redis dies mid-test goes on answering, with the limits counted in its own memory (never a 5xx).
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";
import { postJson, type HttpResult } from "../helpers/post-json.js";
import { openSse, payloads } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, type ServerProcess } from "../helpers/start-server-process.js";

let upstream: FakeOpenAiUpstream;
let shared: RedisServerHandle;
let doomed: RedisServerHandle;
let one: ServerProcess | undefined;
let two: ServerProcess | undefined;
let app: TestApp | undefined;

const LIMITS = { RATE_LIMIT_REQUESTS_PER_MINUTE: "4", RATE_LIMIT_CONCURRENT_REPLIES: "1" };

beforeAll(async () => {
  [upstream, shared, doomed] = await Promise.all([startFakeOpenAiUpstream(), startRedisServer(), startRedisServer()]);
  const env = upstreamEnv(upstream.baseUrl, { SERVER_WORKERS: "1", UPSTREAM_MAX_RETRIES: "0", REDIS_URL: shared.url, ...LIMITS });
  [one, two, app] = await Promise.all([
    startServerProcess(env),
    startServerProcess(env),
    startTestApp(upstreamEnv(upstream.baseUrl, { REDIS_URL: doomed.url, RATE_LIMIT_REQUESTS_PER_MINUTE: "3", RATE_LIMIT_CONCURRENT_REPLIES: "2" })),
  ]);
}, 120_000);
afterAll(async () => {
  stopServerProcess(one);
  stopServerProcess(two);
  await app?.close();
  await upstream?.close();
  await Promise.all([shared?.stop(), doomed?.stop()]);
});

const send = (baseUrl: string, message: string) => postJson(`${baseUrl}/api/v1/messages`, { message });
const codeOf = (answer: HttpResult) => (answer.body as { error?: { code: string } } | undefined)?.error?.code ?? "ok";

describe("two instances on one Redis", () => {
  it("share one budget: a reply running on one fills the concurrency limit on the other, and requests count on both", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 30 }, (_, index) => `t${index} `), delayMs: 20 });
    const running = openSse(`${one!.baseUrl}/api/v1/messages`, { message: "long" });
    await expect.poll(() => running.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const onTwo = await send(two!.baseUrl, "while one runs");
    expect([onTwo.status, codeOf(onTwo), onTwo.headers["ratelimit"]]).toEqual([429, "rate_limited", '"concurrent";r=0;t=1']);
    expect(payloads((await running.finished).events).at(-1)?.event).toBe("complete");
    // An instance gives the slot back when its response closes, which the client may see a moment before.
    const redis = await createClient({ url: shared.url }).connect();
    const slotsFreed = () => expect.poll(async () => (await redis.keys("chat:rl:concurrent:*")).length, { timeout: 10_000 }).toBe(0);
    try {
      await slotsFreed();
      // Requests 3 and 4 of the minute, one on each instance; the fifth is refused wherever it lands.
      const third = await send(two!.baseUrl, "third");
      // The whole error, not only the status: it says which limit refused.
      expect([third.status, third.body]).toEqual([200, expect.objectContaining({ finishReason: "stop" })]);
      await slotsFreed();
    } finally {
      await redis.close();
    }
    const fourth = await send(one!.baseUrl, "fourth");
    expect([fourth.status, fourth.body]).toEqual([200, expect.objectContaining({ finishReason: "stop" })]);
    expect(fourth.headers["ratelimit"]).toMatch(/^"requests";r=0;t=\d+$/);
    for (const server of [one!, two!]) {
      const refused = await send(server.baseUrl, "fifth");
      expect([refused.status, codeOf(refused)]).toEqual([429, "rate_limited"]);
      expect(refused.headers["ratelimit"]).toMatch(/^"requests";r=0;t=\d+$/);
    }
  });
});

describe("Redis dying under a running server", () => {
  it("goes on answering with the limits counted in this process's memory, and says so once", async () => {
    expect((await send(app!.baseUrl, "counted in Redis")).status).toBe(200);
    doomed.kill("SIGKILL");
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await send(app!.baseUrl, `without Redis ${index}`)).status);
    // The memory limiter starts its own count: three more this minute, then 429; never a 5xx.
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const warnings = app!.logs.filter((line) => String(line.msg).startsWith("Redis is unavailable: rate limits"));
    expect(warnings).toHaveLength(1);
    await doomed.restart();
    await expect.poll(() => app!.logs.some((line) => line.msg === "Redis is back: rate limits are shared again"), { timeout: 15_000 }).toBe(true);
  });
});
