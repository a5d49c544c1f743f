/**
 * A broken log destination never keeps the server from serving or from exiting: with its stdout no longer read (a
 * stalled log shipper: the pipe fills) or closed (a dead one: EPIPE), SIGTERM still ends the process within
 * SHUTDOWN_GRACE_MS plus the hard stop, alone and as a cluster.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { findFreePort } from "../../fixtures/find-free-port.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const GRACE_MS = 1_000;
/** SHUTDOWN_HARD_STOP_MS (5 s) plus 1 s to flush logs plus scheduling slack on a busy machine (two workers under CI load took over 8 s). */
const EXIT_BOUND_MS = GRACE_MS + 5_000 + 5_000;

let upstream: FakeOpenAiUpstream;
let redis: RedisServerHandle;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startFakeOpenAiUpstream(), startRedisServer()]);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await upstream?.close();
  await redis?.stop();
});

/** Starts the server with stdout and stderr on a pipe this test never reads; resolves once it answers health. */
async function startWithUnreadLogs(env: Record<string, string>) {
  const port = await findFreePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: "127.0.0.1", SHUTDOWN_GRACE_MS: String(GRACE_MS), ...upstreamEnv(upstream.baseUrl), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<number>((done) => child.once("exit", () => done(performance.now())));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${baseUrl}/api/v1/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 300) throw new Error("the server did not start");
    await new Promise((done) => setTimeout(done, 100));
  }
  return { child, baseUrl, exited };
}

/** Enough requests for their access log lines to fill a 64 KiB pipe several times over. */
async function logALot(baseUrl: string): Promise<void> {
  for (let batch = 0; batch < 40; batch++) {
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${baseUrl}/api/v1/health`, { headers: { "x-request-id": "x".repeat(100) } })));
    for (const answer of answers) expect(answer.status).toBe(200);
  }
}

describe("shutdown with a broken log destination", () => {
  it.each([
    ["one process", { SERVER_WORKERS: "1" }],
    ["two workers", { SERVER_WORKERS: "2" }],
  ])(
    "ends on SIGTERM within grace plus the hard stop when nobody reads its stdout (%s), having kept serving",
    async (_mode, env) => {
      const server = await startWithUnreadLogs({ ...env, REDIS_URL: redis.url });
      await logALot(server.baseUrl);
      const stoppedAt = performance.now();
      server.child.kill("SIGTERM");
      const exitedAt = await server.exited;
      expect(exitedAt - stoppedAt).toBeLessThan(EXIT_BOUND_MS);
    },
    60_000,
  );

  it("keeps serving and ends on SIGTERM when its log reader is gone (EPIPE)", async () => {
    const server = await startWithUnreadLogs({ SERVER_WORKERS: "1" });
    server.child.stdout!.destroy();
    server.child.stderr!.destroy();
    await logALot(server.baseUrl);
    const stoppedAt = performance.now();
    server.child.kill("SIGTERM");
    expect((await server.exited) - stoppedAt).toBeLessThan(EXIT_BOUND_MS);
  }, 60_000);
});
