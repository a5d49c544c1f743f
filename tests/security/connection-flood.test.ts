import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";
import { exchangeRaw, openConnection, statusOf, type RawConnection } from "./raw-http.js";

const MAX_CONNECTIONS = 200;
const FLOOD = 300;
const CYCLES = 3_000;
const CYCLE_CONCURRENCY = 50;

let server: ServerProcess;

beforeAll(async () => {
  // Long request deadlines: here only the connection limit may close a connection.
  server = await startServerProcess({ HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS), HTTP_HEADERS_TIMEOUT_MS: "60000", HTTP_REQUEST_TIMEOUT_MS: "60000" });
});

afterAll(() => stopServerProcess(server));

const errorLines = () => server.logs.filter((line) => typeof line.level === "number" && line.level >= 50);

async function expectServing(): Promise<void> {
  // The server sees our closed connections a moment after we do: until then a newcomer may still be over the limit.
  const deadline = performance.now() + 15_000;
  for (;;) {
    const { response } = await exchangeRaw(server.baseUrl, "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5_000);
    if (statusOf(response) === 200) break;
    if (performance.now() > deadline) throw new Error(`/livez never answered 200; last answer: ${JSON.stringify(response.slice(0, 80))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const health = await fetch(`${server.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
  expect(health.status).toBe(200);
  expect(server.child.exitCode).toBeNull();
}

describe("a flood of connections from one client (loopback)", () => {
  it("holds at most HTTP_MAX_CONNECTIONS open, closes the rest at once, logs it without flooding the log, and serves again once they go", async () => {
    const held: RawConnection[] = [];
    for (let opened = 0; opened < FLOOD; opened += 50) held.push(...(await Promise.all(Array.from({ length: 50 }, () => openConnection(server.baseUrl)))));
    // The connections past the limit are closed by the server, unasked; the first MAX_CONNECTIONS stay.
    await until(
      () => held.filter((connection) => connection.closedAt !== undefined).length >= FLOOD - MAX_CONNECTIONS,
      15_000,
      () =>
        `${FLOOD - MAX_CONNECTIONS} connections past the limit to be closed (${held.filter((connection) => connection.closedAt !== undefined).length} so far)`,
    );
    try {
      // Only those: a newcomer is closed at once, unanswered, rather than left hanging. (Raw, because undici's fetch
      // itself hangs on a connection closed before it wrote its request.)
      const newcomer = await openConnection(server.baseUrl);
      newcomer.socket.write("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await until(
        () => newcomer.closedAt !== undefined,
        10_000,
        () => "the newcomer to be closed",
      );
      expect(newcomer.received()).toBe("");
      expect(held.filter((connection) => connection.closedAt === undefined)).toHaveLength(MAX_CONNECTIONS);
    } finally {
      for (const connection of held) connection.socket.destroy();
    }
    await until(
      () => held.every((connection) => connection.closedAt !== undefined),
      10_000,
      () => "the test's connections to close",
    );
    await expectServing();
    const limitLines = server.logs.filter((line) => line.msg === "connection limit reached: closing new connections");
    expect(limitLines.length, "one warning per 10 s, not one per refused connection").toBeGreaterThanOrEqual(1);
    expect(limitLines.length).toBeLessThanOrEqual(2);
    expect(limitLines[0]).toMatchObject({ level: 40, maxConnections: MAX_CONNECTIONS });
  }, 60_000);

  it(`survives ${CYCLES} connect-and-close cycles, some after half a request, and answers its health check after`, async () => {
    const halfRequest = "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n{";
    let next = 0;
    const cycle = async (): Promise<void> => {
      while (next < CYCLES) {
        const index = next++;
        const connection = await openConnection(server.baseUrl);
        if (index % 3 === 1) connection.socket.write(halfRequest);
        if (index % 3 === 2) connection.socket.write("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        // Odd ones reset (RST), even ones close politely (FIN).
        if (index % 2 === 0) connection.socket.end();
        else connection.socket.resetAndDestroy();
        await connection.closed;
      }
    };
    await Promise.all(Array.from({ length: CYCLE_CONCURRENCY }, cycle));
    expect(next).toBeGreaterThanOrEqual(CYCLES);
    await expectServing();
    expect(errorLines()).toEqual([]);
  }, 60_000);
});
