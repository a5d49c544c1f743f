import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";
import { openConnection, readOpenFileLimit, statusOf, type RawConnection } from "./raw-http.js";

/** The attack the issue names: 2,000 connections that never finish their headers. */
const TARGET_CONNECTIONS = 2_000;
/** Descriptors each process keeps for everything else (its modules, logs, the test runner's own sockets). */
const DESCRIPTOR_RESERVE = 200;
/**
 * Long enough that every connection is still open while the normal request streams, even on two loaded cores
 * (opening the 2,000 takes about 1 s there), and short enough to watch all of them being closed.
 */
const HEADERS_TIMEOUT_MS = 8_000;
/** A trickled header line every so often: what keeps a slowloris connection alive against a per-read idle timeout. */
const TRICKLE_EVERY_MS = 1_000;
/** Node sweeps for expired requests a few times a second; the rest is slack for two loaded cores. */
const CLOSE_SLACK_MS = 15_000;

let server: ServerProcess;
const connections: RawConnection[] = [];

beforeAll(async () => {
  server = await startServerProcess({ HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), DEMO_TOKEN_DELAY_MS: "5" });
});

afterAll(() => {
  for (const connection of connections) connection.socket.destroy();
  stopServerProcess(server);
});

describe("a slowloris attack: 2,000 connections that send their headers a line at a time and never finish", () => {
  it("leaves the server streaming replies to others, and each attacking connection is answered 408 and closed by the headers timeout", async () => {
    // The server is a child of this process, with the same limit: the test holds one end of every connection, the server the other.
    const limit = readOpenFileLimit();
    const count = Math.min(TARGET_CONNECTIONS, limit - DESCRIPTOR_RESERVE);
    if (count < TARGET_CONNECTIONS) console.warn(`ulimit -n is ${limit}: the slowloris test opens ${count} connections instead of ${TARGET_CONNECTIONS}`);
    expect(count, `ulimit -n (${limit}) leaves room for a meaningful attack`).toBeGreaterThanOrEqual(500);

    const openedAt = new Map<RawConnection, number>();
    // In batches: a SYN flood of 2,000 at once would only measure the kernel's accept queue.
    for (let opened = 0; opened < count; opened += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, count - opened) }, () => openConnection(server.baseUrl)));
      for (const connection of batch) {
        openedAt.set(connection, performance.now());
        connection.socket.write("POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
      }
      connections.push(...batch);
    }
    const trickle = setInterval(() => {
      for (const connection of connections) if (connection.closedAt === undefined) connection.socket.write("X-Slow: 1\r\n");
    }, TRICKLE_EVERY_MS);

    try {
      const reply = await postForSse(
        `${server.baseUrl}/api/v1/messages`,
        { message: "still there?" },
        { headers: { accept: "text/event-stream" }, newConnection: true },
      );
      const repliedAt = performance.now();
      expect(reply.status).toBe(200);
      expect(reply.events.at(-1)?.event).toBe("complete");
      const closedBeforeReply = connections.filter((connection) => connection.closedAt !== undefined && connection.closedAt < repliedAt);
      expect(closedBeforeReply.length, "attacking connections closed before the normal reply completed").toBe(0);

      await until(
        () => connections.every((connection) => connection.closedAt !== undefined),
        HEADERS_TIMEOUT_MS + CLOSE_SLACK_MS,
        () => `every attacking connection to be closed (${connections.filter((connection) => connection.closedAt === undefined).length} still open)`,
      );
    } finally {
      clearInterval(trickle);
    }
    for (const connection of connections) {
      expect(statusOf(connection.received())).toBe(408);
      // Closed because its headers took too long, not earlier for another reason (the sweep never fires early).
      expect(connection.closedAt! - openedAt.get(connection)!).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    }
    const health = await fetch(`${server.baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  }, 60_000);
});
