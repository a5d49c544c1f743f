/**
 * API_KEYS_FILE in the real server process (`server/main.ts`): SIGHUP re-reads it, adding and removing keys without
 * ending a stream that is running; a file that fails to read or parse keeps the previous keys and logs one error;
 * a bad file stops the server at startup naming the line; in cluster mode the primary passes SIGHUP to every worker;
 * and no key, good or bad, appears anywhere in what the process writes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";
import { openSse, payloads } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

const OLD_KEY = "old-key-aaaaaaaaaaaaaaaaaaaa";
const NEW_KEY = "new-key-bbbbbbbbbbbbbbbbbbbb";
const SHORT_KEY = "short-cccc";
const EVERY_KEY = [OLD_KEY, NEW_KEY, SHORT_KEY];
const TOKENS = Array.from({ length: 30 }, (_, index) => `w${index} `);
const RELOAD_TIMEOUT_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), "auth-key-file-"));
const keysFile = join(dir, "keys.txt");
let upstream: FakeOpenAiUpstream;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream();
});
afterAll(async () => {
  for (const server of servers) stopServerProcess(server);
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(upstreamEnv(upstream.baseUrl, { UPSTREAM_MAX_RETRIES: "0", SERVER_WORKERS: "1", ...env }));
  servers.push(server);
  return server;
}

const status = async (server: ServerProcess, key: string) =>
  (
    await fetch(`${server.baseUrl}/api/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: '{"message":"hi"}',
    })
  ).status;

const linesWith = (server: ServerProcess, msg: string) => server.logs.filter((line) => String(line.msg).startsWith(msg));

/** Sends SIGHUP to the process, and waits for `count` more lines starting with `msg`. */
async function hangUp(server: ServerProcess, msg: string, count = 1): Promise<void> {
  const before = linesWith(server, msg).length;
  server.child.kill("SIGHUP");
  await until(
    () => linesWith(server, msg).length >= before + count,
    RELOAD_TIMEOUT_MS,
    () => `${count} "${msg}" line(s):\n${server.output().slice(-2_000)}`,
  );
}

function expectNoKeyIn(server: ServerProcess): void {
  const output = server.output();
  expect(output.length).toBeGreaterThan(0);
  for (const key of EVERY_KEY) expect(output, `the output contains ${key}`).not.toContain(key);
}

describe("SIGHUP", () => {
  it("swaps the keys without ending a running stream, and keeps them when the new file is bad", async () => {
    writeFileSync(keysFile, `${OLD_KEY} name=old\n`);
    const server = await start({ API_KEYS_FILE: keysFile });
    expect(server.logs.find((line) => line.msg === "API keys required (Authorization: Bearer <key>)")).toMatchObject({ apiKeys: 1 });
    expect(await status(server, OLD_KEY)).toBe(200);
    expect(await status(server, NEW_KEY)).toBe(401);

    upstream.enqueue({ tokens: TOKENS, delayMs: 60 });
    const running = openSse(`${server.baseUrl}/api/v1/messages`, { message: "long" }, { headers: { authorization: `Bearer ${OLD_KEY}` } });
    await expect.poll(() => running.events.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

    writeFileSync(keysFile, `# rotated\n${NEW_KEY} name=new\n`);
    await hangUp(server, "API keys reloaded");
    expect(await status(server, NEW_KEY)).toBe(200);
    expect(await status(server, OLD_KEY)).toBe(401);
    expect(running.events.length, "the stream was still running when the keys changed").toBeLessThan(TOKENS.length);
    const finished = await running.finished;
    expect(payloads(finished.events).at(-1)).toMatchObject({ event: "complete", data: { content: TOKENS.join("") } });

    writeFileSync(keysFile, `${NEW_KEY}\n${OLD_KEY}\n${SHORT_KEY} name=oops\n`);
    await hangUp(server, "API keys NOT reloaded");
    expect(linesWith(server, "API keys NOT reloaded").at(-1)).toMatchObject({
      level: 50,
      apiKeys: 1,
      msg: "API keys NOT reloaded, keeping the previous ones: API_KEYS_FILE line 3: a plain key must be at least 16 characters (this one has 10)",
    });
    expect(await status(server, NEW_KEY)).toBe(200);
    expect(await status(server, OLD_KEY)).toBe(401);

    rmSync(keysFile);
    await hangUp(server, "API keys NOT reloaded");
    expect(String(linesWith(server, "API keys NOT reloaded").at(-1)?.msg)).toContain("cannot be read (ENOENT)");
    expect(await status(server, NEW_KEY)).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expectNoKeyIn(server);
  });
});

describe("at startup", () => {
  it("a bad key file stops the server with an error naming the line, never the key", async () => {
    writeFileSync(keysFile, `${OLD_KEY}\n# fine so far\n${SHORT_KEY}\n`);
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { PATH: process.env.PATH, API_KEYS_FILE: keysFile, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("API_KEYS_FILE line 3: a plain key must be at least 16 characters");
    for (const key of EVERY_KEY) expect(output).not.toContain(key);
  });

  it("an open server says loudly that anyone may use it", async () => {
    const server = await start({});
    expect(server.logs.find((line) => String(line.msg).startsWith("No API keys"))).toMatchObject({ level: 40 });
  });

  it("a server with keys but no METRICS_TOKEN says /metrics is closed", async () => {
    const server = await start({ API_KEYS: NEW_KEY });
    expect(server.logs.find((line) => String(line.msg).includes("set METRICS_TOKEN"))).toMatchObject({ level: 40 });
    expectNoKeyIn(server);
  });
});

describe("in cluster mode", () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("the primary passes SIGHUP to every worker", async () => {
    writeFileSync(keysFile, `${OLD_KEY}\n`);
    const server = await start({ API_KEYS_FILE: keysFile, SERVER_WORKERS: "2", REDIS_URL: redis.url });
    writeFileSync(keysFile, `${NEW_KEY}\n`);
    await hangUp(server, "API keys reloaded", 2);
    expect(new Set(linesWith(server, "API keys reloaded").map((line) => line.worker))).toEqual(new Set([1, 2]));
    // Connections are handed to the workers in turn: each of these reaches one or the other.
    for (let attempt = 0; attempt < 4; attempt++) {
      expect(await status(server, NEW_KEY)).toBe(200);
      expect(await status(server, OLD_KEY)).toBe(401);
    }
    expectNoKeyIn(server);
  }, 90_000);
});
