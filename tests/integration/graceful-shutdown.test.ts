/**
 * Graceful shutdown of the real server process (`server/main.ts` under tsx's loader): on SIGTERM or SIGINT it stops
 * accepting connections, lets running replies go on for SHUTDOWN_GRACE_MS, ends the rest with a retryable
 * `server_shutdown` error carrying exactly the text already streamed, and exits 0.
 *
 * The process is `node --import tsx server/main.ts`, exactly as `npm start` runs it. (Not the `tsx` binary: that is a
 * wrapper that relays a signal to the real server and SIGKILLs it when the server has not acknowledged within 30 ms,
 * which a server busy with 50 streams on two cores regularly fails to do.)
 */
import { request, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorEvent } from "../../sdk/types.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream, type UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { openSse, type ReceivedEvent, type SseResult, type SseStream } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

const GRACE_MS = 400;
/** Grace long enough that a short reply always finishes inside it. */
const LONG_GRACE_MS = 3_000;
/** Beyond the grace: the time to end 50 streams, close every response and exit, on a slow machine. */
const EXIT_SLACK_MS = 4_000;
const STREAM_COUNT = 50;

/** Opens one SSE stream on a connection of its own; its events are readable as they arrive. */
const openStream = (baseUrl: string, message: string): SseStream => openSse(`${baseUrl}/api/v1/messages`, { message }, { newConnection: true });

/** The content of every token event so far. */
const tokensOf = (stream: SseStream): string[] =>
  stream.events.filter((event) => event.event === "token").map((event) => (JSON.parse(event.data) as { content: string }).content);

interface JsonReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A JSON-mode request (no `Accept`) on a connection of its own. */
function postJsonReply(baseUrl: string, message: string): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/api/v1/messages`, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(JSON.stringify({ message }));
  });
}

type LateAttempt = { refused: true; code: string | undefined } | { refused: false; status: number; headers: IncomingHttpHeaders; body: string };

/** A brand-new connection (no pooled socket) asking for a new reply. */
function attemptNewRequest(baseUrl: string): Promise<LateAttempt> {
  return new Promise((resolve) => {
    const req = request(`${baseUrl}/api/v1/messages`, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ refused: false, status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ refused: true, code: error.code }));
    req.end(JSON.stringify({ message: "too late" }));
  });
}

const slowScript = (tokenCount: number, delayMs: number): UpstreamScript => ({
  tokens: Array.from({ length: tokenCount }, (_, index) => (index % 7 === 3 ? ` ü${index}` : ` w${index}`)),
  delayMs,
});
const logMessages = (server: ServerProcess) => server.logs.map((line) => String(line.msg));

/**
 * The stream ended with exactly one terminal event, after at least two tokens; returns it. (That every frame
 * matches the contract, and that a terminal event is the last, `openSse` checked before `finished` resolved.)
 */
function expectOneTerminalEvent(result: SseResult): ReceivedEvent {
  expect(result.status).toBe(200);
  const terminal = result.events.filter((event) => event.event === "complete" || event.event === "error");
  expect(terminal, "exactly one complete or error event").toHaveLength(1);
  expect(result.events.at(-1)).toBe(terminal[0]);
  expect(result.events.filter((event) => event.event === "token").length).toBeGreaterThanOrEqual(2);
  return terminal[0]!;
}

let upstream: FakeOpenAiUpstream;
let manyStreams: ServerProcess | undefined;
let shortReply: ServerProcess | undefined;
let interrupted: ServerProcess | undefined;

/** The server's configuration: the fake upstream, no retries, and the given grace period. */
const shutdownEnv = (graceMs: number) => upstreamEnv(upstream.baseUrl, { UPSTREAM_MAX_RETRIES: "0", SHUTDOWN_GRACE_MS: String(graceMs) });

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream();
  [manyStreams, shortReply, interrupted] = await Promise.all([
    startServerProcess(shutdownEnv(GRACE_MS)),
    startServerProcess(shutdownEnv(LONG_GRACE_MS)),
    startServerProcess(shutdownEnv(GRACE_MS)),
  ]);
}, 60_000);
afterAll(async () => {
  for (const server of [manyStreams, shortReply, interrupted]) stopServerProcess(server);
  await upstream?.close();
});

describe("the server process on SIGTERM", () => {
  it(`ends ${STREAM_COUNT} live streams with complete or a retryable server_shutdown error that keeps every token, refuses new connections, and exits 0`, async () => {
    const server = manyStreams!;
    const scripts = Array.from({ length: STREAM_COUNT }, () => slowScript(200, 20));
    upstream.enqueue(...scripts);
    const before = upstream.requests.length;
    const streams = Array.from({ length: STREAM_COUNT }, (_, index) => openStream(server.baseUrl, `stream ${index}`));
    await until(
      () => streams.every((stream) => tokensOf(stream).length >= 2),
      15_000,
      () => `every stream to have 2 tokens (${streams.map((stream) => tokensOf(stream).length).join(",")})`,
    );

    const signalledAt = performance.now();
    server.child.kill("SIGTERM");
    await until(
      () => logMessages(server).some((msg) => msg.startsWith("shutting down")),
      5_000,
      () => `the shutdown log line:\n${server.output().slice(-2_000)}`,
    );

    let late = await attemptNewRequest(server.baseUrl);
    // The log line is written just before the listener closes: a connection that slipped in between is reset as
    // the listener closes, which shows it has; the next attempt must find it closed.
    if (late.refused && late.code === "ECONNRESET") late = await attemptNewRequest(server.baseUrl);
    if (late.refused) expect(late.code).toBe("ECONNREFUSED");
    else {
      expect(late.status, late.body).toBe(503);
      expect(JSON.parse(late.body)).toMatchObject({ error: { code: "server_shutdown" } });
    }

    const finished = await Promise.all(streams.map((stream) => stream.finished));
    const exit = await server.exited;
    expect({ code: exit.code, signal: exit.signal }, server.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + EXIT_SLACK_MS);

    let endedByShutdown = 0;
    for (const [index, result] of finished.entries()) {
      const stream = streams[index]!;
      const terminal = expectOneTerminalEvent(result);
      expect(result.endedCleanly, "the response ended, it was not cut").toBe(true);
      const data = JSON.parse(terminal.data) as Record<string, unknown>;
      if (terminal.event === "complete") {
        expect(data.content).toBe(tokensOf(stream).join(""));
        continue;
      }
      endedByShutdown += 1;
      expect(data as ErrorEvent).toEqual({
        code: "server_shutdown",
        message: expect.any(String),
        retryable: true,
        retryAfterSeconds: 2,
        partialContent: tokensOf(stream).join(""),
      });
      // Running replies were given the grace period before being ended.
      expect(terminal.receivedAt - signalledAt).toBeGreaterThanOrEqual(GRACE_MS - 20);
      expect(
        stream.events.some((event) => event.event === "token" && event.receivedAt > signalledAt),
        "tokens kept flowing during the grace period",
      ).toBe(true);
    }
    // 200 tokens at 20 ms each take 4 s: far longer than the grace, so shutdown must have ended them.
    expect(endedByShutdown).toBe(STREAM_COUNT);

    const shuttingDown = server.logs.find((line) => String(line.msg).startsWith("shutting down"));
    expect(shuttingDown).toMatchObject({ signal: "SIGTERM", activeReplies: STREAM_COUNT, graceMs: GRACE_MS });
    expect(logMessages(server).filter((msg) => msg === "stream ended by shutdown")).toHaveLength(endedByShutdown);
    expect(logMessages(server)).toContain("all replies ended; exiting");
    // The model calls were cancelled, not left running.
    for (const call of upstream.requests.slice(before)) {
      expect(call.closedAt).toBeDefined();
      expect(call.finished).toBe(false);
    }
  }, 40_000);

  it("lets a reply that finishes within the grace period complete, then exits without waiting out the grace", async () => {
    const server = shortReply!;
    upstream.enqueue(slowScript(12, 30));
    const stream = openStream(server.baseUrl, "short");
    await until(
      () => tokensOf(stream).length >= 2,
      10_000,
      () => "2 tokens",
    );

    const signalledAt = performance.now();
    server.child.kill("SIGTERM");
    const result = await stream.finished;
    const exit = await server.exited;

    const terminal = expectOneTerminalEvent(result);
    expect(result.endedCleanly).toBe(true);
    expect(terminal.event).toBe("complete");
    expect(JSON.parse(terminal.data)).toMatchObject({ content: slowScript(12, 30).tokens!.join(""), finishReason: "stop" });
    expect(tokensOf(stream).join("")).toBe(slowScript(12, 30).tokens!.join(""));
    expect({ code: exit.code, signal: exit.signal }, server.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt, "exits once the last reply ended, not after the whole grace").toBeLessThan(LONG_GRACE_MS);
    expect(logMessages(server)).not.toContain("stream ended by shutdown");
    expect(logMessages(server)).toContain("stream complete");
  });
});

describe("the server process on SIGINT", () => {
  it("shuts down as on SIGTERM: streams end with server_shutdown, a JSON reply gets 503 server_shutdown with its partial text, and the process exits 0", async () => {
    const server = interrupted!;
    const script = slowScript(200, 20);
    upstream.enqueue(script, script, script, script);
    const before = upstream.requests.length;
    const json = postJsonReply(server.baseUrl, "interrupted json");
    await until(
      () => upstream.requests.length > before,
      10_000,
      () => "the JSON reply's model call",
    );
    const jsonCall = upstream.requests[before]!;
    const streams = [0, 1, 2].map((index) => openStream(server.baseUrl, `interrupted ${index}`));
    await until(
      () => jsonCall.tokensSent >= 2 && streams.every((stream) => tokensOf(stream).length >= 2),
      10_000,
      () => "2 tokens on every reply",
    );

    const signalledAt = performance.now();
    server.child.kill("SIGINT");
    const finished = await Promise.all(streams.map((stream) => stream.finished));
    const jsonResult = await json;
    const exit = await server.exited;

    expect({ code: exit.code, signal: exit.signal }, server.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + EXIT_SLACK_MS);
    for (const [index, result] of finished.entries()) {
      const stream = streams[index]!;
      const terminal = expectOneTerminalEvent(result);
      expect(result.endedCleanly).toBe(true);
      expect(terminal.event).toBe("error");
      expect(JSON.parse(terminal.data)).toEqual({
        code: "server_shutdown",
        message: expect.any(String),
        retryable: true,
        retryAfterSeconds: 2,
        partialContent: tokensOf(stream).join(""),
      });
    }

    const error = expectContractError({ status: jsonResult.status, headers: jsonResult.headers, raw: jsonResult.body }, 503, "server_shutdown");
    expect(jsonResult.headers["retry-after"]).toBe("2");
    // Whole tokens, in order, from the first: what the model had written when the reply was ended.
    const partial = error.partialContent ?? "";
    const tokenCount = script.tokens!.findIndex((_, count) => script.tokens!.slice(0, count).join("") === partial);
    expect(tokenCount, `partialContent ${JSON.stringify(partial)} is a prefix of whole tokens`).toBeGreaterThanOrEqual(2);

    expect(server.logs.find((line) => String(line.msg).startsWith("shutting down"))).toMatchObject({ signal: "SIGINT", activeReplies: 4 });
    expect(logMessages(server).filter((msg) => msg === "stream ended by shutdown")).toHaveLength(4);
  });
});
