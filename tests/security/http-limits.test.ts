import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";
import { exchangeRaw, openConnection, statusOf } from "./raw-http.js";

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 1_500;
const KEEP_ALIVE_TIMEOUT_MS = 500;
const MAX_HEADER_BYTES = 4_096;
/** Timers on two loaded cores fire late, never early: deadlines are checked from below tightly and from above loosely. */
const LATE_SLACK_MS = 4_000;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    HTTP_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
    // About 60 tokens: the demo's reply takes several times HTTP_REQUEST_TIMEOUT_MS to stream.
    DEMO_TOKEN_DELAY_MS: "70",
  });
});

afterAll(() => stopServerProcess(server));

const livez = (extraHeaders = "") => `GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}\r\n`;

// Concurrent: each test waits out a deadline on a connection of its own, and the long reply takes seconds.
describe.concurrent("the HTTP server's limits, as configured (HTTP_* variables)", () => {
  it("answers 408 and closes a connection that sends nothing, after HTTP_HEADERS_TIMEOUT_MS", async () => {
    const connection = await openConnection(server.baseUrl);
    const openedAt = performance.now();
    const closedAt = await connection.closed;
    expect(statusOf(connection.received())).toBe(408);
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(closedAt - openedAt).toBeLessThan(HEADERS_TIMEOUT_MS + LATE_SLACK_MS);
  });

  it("answers 408 and closes a request whose body trickles in for longer than HTTP_REQUEST_TIMEOUT_MS", async () => {
    const connection = await openConnection(server.baseUrl);
    const startedAt = performance.now();
    connection.socket.write("POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    const trickle = setInterval(() => connection.socket.write(" "), 200);
    const closedAt = await connection.closed.finally(() => clearInterval(trickle));
    expect(statusOf(connection.received())).toBe(408);
    expect(closedAt - startedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(closedAt - startedAt).toBeLessThan(REQUEST_TIMEOUT_MS + LATE_SLACK_MS);
  });

  it("never cuts a streamed reply that lasts far longer than HTTP_REQUEST_TIMEOUT_MS: the limit is on receiving the request", async () => {
    const startedAt = performance.now();
    const reply = await postForSse(`${server.baseUrl}/api/v1/messages`, { message: "a long one" }, { headers: { accept: "text/event-stream" } });
    const lasted = performance.now() - startedAt;
    expect(lasted, "the reply outlasted the request timeout twice over").toBeGreaterThan(2 * REQUEST_TIMEOUT_MS);
    expect(reply.endedCleanly).toBe(true);
    expect(reply.events.at(-1)?.event).toBe("complete");
  });

  it("closes an idle kept-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS", async () => {
    const connection = await openConnection(server.baseUrl);
    connection.socket.write(livez());
    await until(
      () => connection.received().includes("\r\n\r\n"),
      10_000,
      () => "the /livez answer",
    );
    const answeredAt = performance.now();
    expect(statusOf(connection.received())).toBe(200);
    const closedAt = await connection.closed;
    // Node keeps the socket a second longer than it advertises (`Keep-Alive: timeout=…`), so that a client reusing it
    // at the advertised deadline is not cut off; its own default (5 s) would close it after 6 s.
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
    expect(closedAt - answeredAt).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + 1_000 + 3_000);
  });

  it("answers 431 to headers larger than HTTP_MAX_HEADER_BYTES, and serves headers just under it", async () => {
    const tooLarge = await exchangeRaw(server.baseUrl, livez(`X-Padding: ${"a".repeat(2 * MAX_HEADER_BYTES)}\r\n`));
    expect(statusOf(tooLarge.response)).toBe(431);
    expect(tooLarge.closed).toBe(true);
    const manyLines = await exchangeRaw(server.baseUrl, livez(Array.from({ length: 400 }, (_, index) => `X-Line-${index}: ${"b".repeat(8)}\r\n`).join("")));
    expect(statusOf(manyLines.response)).toBe(431);
    const fits = await exchangeRaw(server.baseUrl, livez(`X-Padding: ${"a".repeat(MAX_HEADER_BYTES - 200)}\r\nConnection: close\r\n`));
    expect(statusOf(fits.response)).toBe(200);
  });
});
