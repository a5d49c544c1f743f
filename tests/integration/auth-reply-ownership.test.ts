/**
 * A resumable reply belongs to the API key that started it: to any other key, resuming or stopping it is a 404
 * exactly like an id that does not exist, on the memory store and across two instances on one Redis. A server
 * without keys records no owner, and anyone may follow a reply, as before.
 */
import { createHash } from "node:crypto";
import { createClient } from "redis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StopResult } from "../../contract/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { getSse, openSse, payloads } from "../helpers/read-sse.js";
import { startAppOnFakeUpstream, type AppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const ALICE = "alice-key-0123456789abcdef";
const MALLORY = "mallory-key-0123456789abcd";
const API_KEYS = `${ALICE},${MALLORY}`;
const TOKENS = Array.from({ length: 40 }, (_, index) => `t${index} `);
const UNKNOWN_ID = "msg_00000000000000000000000000";

let redis: RedisServerHandle;
let started: AppOnFakeUpstream<"memory" | "open" | "redisOne" | "redisTwo">;
let upstream: FakeOpenAiUpstream;

beforeAll(async () => {
  redis = await startRedisServer();
  started = await startAppOnFakeUpstream({
    apps: { memory: { API_KEYS }, open: {}, redisOne: { API_KEYS, REDIS_URL: redis.url }, redisTwo: { API_KEYS, REDIS_URL: redis.url } },
  });
  ({ upstream } = started);
});
afterAll(async () => {
  await started?.close();
  await redis?.stop();
});
beforeEach(() => upstream.reset());

const bearer = (key: string | undefined): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

/** Starts a slow resumable reply on `app` with `key`; resolves with its id once a few events arrived. */
async function startReply(app: TestApp, key: string | undefined) {
  upstream.enqueue({ tokens: TOKENS, delayMs: 40 });
  const stream = openSse(`${app.baseUrl}/api/v1/messages`, { message: "hi", resumable: true }, { headers: bearer(key) });
  await expect.poll(() => stream.events.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  return { stream, messageId: String((await stream.headers).headers["x-message-id"]) };
}

async function resume(app: TestApp, messageId: string, key: string | undefined) {
  const response = await fetch(`${app.baseUrl}/api/v1/messages/${messageId}/events`, { headers: { accept: "text/event-stream", ...bearer(key) } });
  const raw = response.status === 200 ? "" : await response.text();
  if (response.status === 200) await response.body?.cancel();
  return { status: response.status, headers: response.headers, raw };
}

async function stop(app: TestApp, messageId: string, key: string | undefined) {
  const response = await fetch(`${app.baseUrl}/api/v1/messages/${messageId}/stop`, { method: "POST", headers: bearer(key) });
  return { status: response.status, headers: response.headers, raw: await response.text() };
}

/** A 404 for `messageId` must be byte for byte the 404 for an id that never existed, but for the id itself. */
function expectSameAsUnknown(answer: { status: number; headers: Headers; raw: string }, unknown: { raw: string }, messageId: string): void {
  expectContractError(answer, 404, "not_found");
  expect(answer.raw).toBe(unknown.raw.replaceAll(UNKNOWN_ID, messageId));
}

describe.each([
  ["in memory", "memory", "memory"],
  ["on Redis, asked at the other instance", "redisOne", "redisTwo"],
] as const)("a reply started with one key, %s", (_where, startOn, askOn) => {
  it("is not found for another key, exactly like an unknown id, when resumed or stopped", async () => {
    const { apps } = started;
    const { stream, messageId } = await startReply(apps[startOn], ALICE);
    expectSameAsUnknown(await resume(apps[askOn], messageId, MALLORY), await resume(apps[askOn], UNKNOWN_ID, MALLORY), messageId);
    expectSameAsUnknown(await stop(apps[askOn], messageId, MALLORY), await stop(apps[askOn], UNKNOWN_ID, MALLORY), messageId);
    // Mallory's stop changed nothing: the reply is still running for its owner.
    expect((await resume(apps[askOn], messageId, ALICE)).status).toBe(200);
    const stopped = await stop(apps[askOn], messageId, ALICE);
    expect(JSON.parse(stopped.raw) as StopResult).toEqual({ messageId, outcome: "stopping" });
    const done = await stream.finished;
    expect(payloads(done.events).at(-1)).toMatchObject({ event: "complete", data: { finishReason: "cancelled" } });
  });

  it("is followed by its own key to the end", async () => {
    const { apps } = started;
    const { stream, messageId } = await startReply(apps[startOn], ALICE);
    const resumed = await getSse(`${apps[askOn].baseUrl}/api/v1/messages/${messageId}/events`, { headers: bearer(ALICE) });
    expect(payloads(resumed.events).at(-1)).toMatchObject({ event: "complete", data: { messageId, content: TOKENS.join("") } });
    await stream.finished;
    // Ended, it is still its owner's alone.
    expect((await resume(apps[askOn], messageId, MALLORY)).status).toBe(404);
    expect(JSON.parse((await stop(apps[askOn], messageId, ALICE)).raw) as StopResult).toEqual({ messageId, outcome: "already_ended" });
    expect((await stop(apps[askOn], messageId, MALLORY)).status).toBe(404);
  });
});

describe("the owner on Redis", () => {
  it("is the key's client id, kept in the reply's hash, so it expires with the reply", async () => {
    const { stream, messageId } = await startReply(started.apps.redisOne, ALICE);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const meta = `reply:{${messageId}}:meta`;
      expect(await client.hGet(meta, "owner")).toBe(`key:${createHash("sha256").update(ALICE).digest("hex").slice(0, 12)}`);
      expect(await client.pTTL(meta)).toBeGreaterThan(0);
      await stop(started.apps.redisOne, messageId, ALICE);
      await stream.finished;
      const keys = await client.keys(`reply:{${messageId}}:*`);
      for (const key of keys) expect(await client.pTTL(key), key).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe("a server without keys", () => {
  it("records no owner: anyone may resume and stop a reply", async () => {
    const { stream, messageId } = await startReply(started.apps.open, undefined);
    expect((await resume(started.apps.open, messageId, undefined)).status).toBe(200);
    expect((await resume(started.apps.open, messageId, "whatever-key-0123456789ab")).status).toBe(200);
    expect((await stop(started.apps.open, messageId, undefined)).status).toBe(200);
    await stream.finished;
  });
});
