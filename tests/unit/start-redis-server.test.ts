import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerHandle } from "../../fixtures/start-redis-server.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  // Clients first: a client still reconnecting to a stopped server would keep retrying after the test.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRedis(): Promise<RedisServerHandle> {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  return redis;
}

/** A connected client with the library's default reconnect; `errors` records what it emitted, since an unheard `error` event would throw. */
async function connect(url: string) {
  const errors: Error[] = [];
  const client = createClient({ url });
  client.on("error", (error: Error) => errors.push(error));
  cleanups.push(() => {
    if (client.isOpen) client.destroy();
  });
  await client.connect();
  return { client, errors };
}

/** Resolves on the client's next `ready`. Not `events.once`: that rejects on the `error` the lost socket emits first. */
function readyAgain(client: { once(event: "ready", listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => client.once("ready", resolve));
}

describe("startRedisServer", () => {
  it("starts a real redis-server on its port that stores and returns values", async () => {
    const redis = await startRedis();
    const { client } = await connect(redis.url);

    await client.set("greeting", "hello");

    expect(await client.get("greeting")).toBe("hello");
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const info = await client.info("server");
    expect(info).toContain(`tcp_port:${redis.port}`);
    expect(info).toContain(`process_id:${redis.pid}`);
  });

  it("restarts on the same port, empty, and a connected client reconnects on its own", async () => {
    const redis = await startRedis();
    const { client, errors } = await connect(redis.url);
    await client.set("before", "restart");
    const { port, pid } = redis;

    const reconnected = readyAgain(client);
    await redis.restart();
    await reconnected;

    expect(redis.port).toBe(port);
    expect(redis.pid).not.toBe(pid);
    expect(await client.get("before")).toBeNull();
    await client.set("after", "restart");
    expect(await client.get("after")).toBe("restart");
    expect(errors.map((error) => error.message)).toContain("Socket closed unexpectedly");
  });

  it("comes back after a crash: kill() ends the process at once and restart() starts a new one", async () => {
    const redis = await startRedis();
    const { client } = await connect(redis.url);

    const reconnected = readyAgain(client);
    redis.kill();
    await redis.restart();
    await reconnected;

    expect(await client.ping()).toBe("PONG");
  });

  it("refuses connections once stopped, and stopping twice is harmless", async () => {
    const redis = await startRedis();

    await redis.stop();
    await redis.stop();

    const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    client.on("error", () => {});
    await expect(client.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("runs two servers at once, each on its own port with its own data", async () => {
    const [first, second] = await Promise.all([startRedis(), startRedis()]);
    const [{ client: toFirst }, { client: toSecond }] = await Promise.all([connect(first.url), connect(second.url)]);

    await toFirst.set("owner", "first");
    await toSecond.set("owner", "second");

    expect(first.port).not.toBe(second.port);
    expect(await toFirst.get("owner")).toBe("first");
    expect(await toSecond.get("owner")).toBe("second");
  });

  it("holds replies while paused and sends them once resumed", async () => {
    const redis = await startRedis();
    const { client } = await connect(redis.url);
    let answer: string | undefined;

    redis.pause();
    const ping = client.ping().then((reply) => (answer = reply));
    await sleep(200);
    expect(answer).toBeUndefined();
    redis.resume();

    expect(await ping).toBe("PONG");
  });

  it("fails, rather than skips, when redis-server is missing, and says how to install it", async () => {
    await expect(startRedisServer({ redisServerPath: "/nonexistent/redis-server" })).rejects.toThrow(
      "redis-server not found (looked for REDIS_SERVER_PATH=/nonexistent/redis-server). Install Debian's package: apt-get install -y redis-server",
    );
  });

  it("fails to restart, naming the port, when another process took the port while Redis was down", async () => {
    const redis = await startRedis();
    await redis.stop();
    const squatter = createServer();
    squatter.listen(redis.port, "127.0.0.1");
    await once(squatter, "listening");
    cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

    await expect(redis.restart()).rejects.toThrow(`redis-server could not restart: port ${redis.port} was taken while it was down`);
  });
});
