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

import { createParser } from "eventsource-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorEvent, ErrorResponse } from "../../sdk/types.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream, type UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import { expectEventsMatchContract, expectMatchesSchema, expectSseResponseMatchesContract } from "../helpers/expect-contract.js";
import type { ReceivedEvent, SseResult } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

const GRACE_MS = 400;
/** Grace long enough that a short reply always finishes inside it. */
const LONG_GRACE_MS = 3_000;
/** Beyond the grace: the time to end 50 streams, close every response and exit, on a slow machine. */
const EXIT_SLACK_MS = 4_000;
const STREAM_COUNT = 50;

interface LiveStream {
  /** Every event so far, as it arrived. */
  events: ReceivedEvent[];
  /** The content of every token event so far. */
  tokens: string[];
  /** Resolves when the response ended (`end`) or broke (`error`). */
  finished: Promise<{ result: SseResult; endedCleanly: boolean }>;
}

/** Opens one SSE stream on a connection of its own and records its events as they arrive. */
function openStream(baseUrl: string, message: string): LiveStream {
  const events: ReceivedEvent[] = [];
  const tokens: string[] = [];
  const comments: string[] = [];
  const chunks: Buffer[] = [];
  const decoder = new TextDecoder();
  let now = 0;
  const parser = createParser({
    onEvent: (event) => {
      events.push({ event: event.event, id: event.id, data: event.data, receivedAt: now });
      if (event.event === "token") tokens.push((JSON.parse(event.data) as { content: string }).content);
    },
    onComment: (comment) => comments.push(comment),
  });
  const finished = new Promise<{ result: SseResult; endedCleanly: boolean }>((resolve, reject) => {
    const req = request(
      `${baseUrl}/api/v1/messages`,
      { method: "POST", agent: false, headers: { "content-type": "application/json", accept: "text/event-stream" } },
      (res) => {
        let settled = false;
        const settle = (endedCleanly: boolean) => {
          if (settled) return;
          settled = true;
          const raw = Buffer.concat(chunks).toString("utf8");
          resolve({ result: { status: res.statusCode ?? 0, headers: res.headers, raw, events, comments }, endedCleanly });
        };
        res.on("data", (chunk: Buffer) => {
          now = performance.now();
          chunks.push(chunk);
          parser.feed(decoder.decode(chunk, { stream: true }));
        });
        res.on("end", () => settle(true));
        res.on("error", () => settle(false));
        res.on("close", () => settle(false));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ message }));
  });
  return { events, tokens, finished };
}

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

/** The stream ended as the contract says, with exactly one terminal event; returns it. */
function expectOneTerminalEvent(stream: LiveStream, result: SseResult): ReceivedEvent {
  expect(result.status).toBe(200);
  expectEventsMatchContract(result.events);
  expectSseResponseMatchesContract(result);
  const terminal = result.events.filter((event) => event.event === "complete" || event.event === "error");
  expect(terminal, "exactly one complete or error event").toHaveLength(1);
  expect(result.events.at(-1)).toBe(terminal[0]);
  expect(stream.tokens.length).toBeGreaterThanOrEqual(2);
  return terminal[0]!;
}

let upstream: FakeOpenAiUpstream;
let manyStreams: ServerProcess | undefined;
let shortReply: ServerProcess | undefined;
let interrupted: ServerProcess | undefined;

/** The server's configuration: the fake upstream, no retries, and the given grace period. */
const shutdownEnv = (graceMs: number) => ({
  OPENAI_BASE_URL: upstream.baseUrl,
  OPENAI_API_KEY: "x",
  OPENAI_MODEL: "fake-model",
  UPSTREAM_MAX_RETRIES: "0",
  SHUTDOWN_GRACE_MS: String(graceMs),
});

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
  it(
    `ends ${STREAM_COUNT} live streams with complete or a retryable server_shutdown error that keeps every token, refuses new connections, and exits 0`,
    async () => {
      const server = manyStreams!;
      const scripts = Array.from({ length: STREAM_COUNT }, () => slowScript(200, 20));
      upstream.enqueue(...scripts);
      const before = upstream.requests.length;
      const streams = Array.from({ length: STREAM_COUNT }, (_, index) => openStream(server.baseUrl, `stream ${index}`));
      await until(
        () => streams.every((stream) => stream.tokens.length >= 2),
        15_000,
        () => `every stream to have 2 tokens (${streams.map((stream) => stream.tokens.length).join(",")})`,
      );

      const signalledAt = performance.now();
      server.child.kill("SIGTERM");
      await until(() => logMessages(server).some((msg) => msg.startsWith("shutting down")), 5_000, () => `the shutdown log line:\n${server.output().slice(-2_000)}`);

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
      for (const [index, { result, endedCleanly }] of finished.entries()) {
        const stream = streams[index]!;
        const terminal = expectOneTerminalEvent(stream, result);
        expect(endedCleanly, "the response ended, it was not cut").toBe(true);
        const data = JSON.parse(terminal.data) as Record<string, unknown>;
        if (terminal.event === "complete") {
          expect(data.content).toBe(stream.tokens.join(""));
          continue;
        }
        endedByShutdown += 1;
        expect(data as ErrorEvent).toEqual({
          code: "server_shutdown",
          message: expect.any(String),
          retryable: true,
          retryAfterSeconds: 2,
          partialContent: stream.tokens.join(""),
        });
        // Running replies were given the grace period before being ended.
        expect(terminal.receivedAt - signalledAt).toBeGreaterThanOrEqual(GRACE_MS - 20);
        expect(stream.events.some((event) => event.event === "token" && event.receivedAt > signalledAt), "tokens kept flowing during the grace period").toBe(true);
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
    },
    40_000,
  );

  it("lets a reply that finishes within the grace period complete, then exits without waiting out the grace", async () => {
    const server = shortReply!;
    upstream.enqueue(slowScript(12, 30));
    const stream = openStream(server.baseUrl, "short");
    await until(() => stream.tokens.length >= 2, 10_000, () => "2 tokens");

    const signalledAt = performance.now();
    server.child.kill("SIGTERM");
    const { result, endedCleanly } = await stream.finished;
    const exit = await server.exited;

    const terminal = expectOneTerminalEvent(stream, result);
    expect(endedCleanly).toBe(true);
    expect(terminal.event).toBe("complete");
    expect(JSON.parse(terminal.data)).toMatchObject({ content: slowScript(12, 30).tokens!.join(""), finishReason: "stop" });
    expect(stream.tokens.join("")).toBe(slowScript(12, 30).tokens!.join(""));
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
    await until(() => upstream.requests.length > before, 10_000, () => "the JSON reply's model call");
    const jsonCall = upstream.requests[before]!;
    const streams = [0, 1, 2].map((index) => openStream(server.baseUrl, `interrupted ${index}`));
    await until(() => jsonCall.tokensSent >= 2 && streams.every((stream) => stream.tokens.length >= 2), 10_000, () => "2 tokens on every reply");

    const signalledAt = performance.now();
    server.child.kill("SIGINT");
    const finished = await Promise.all(streams.map((stream) => stream.finished));
    const jsonResult = await json;
    const exit = await server.exited;

    expect({ code: exit.code, signal: exit.signal }, server.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + EXIT_SLACK_MS);
    for (const [index, { result, endedCleanly }] of finished.entries()) {
      const stream = streams[index]!;
      const terminal = expectOneTerminalEvent(stream, result);
      expect(endedCleanly).toBe(true);
      expect(terminal.event).toBe("error");
      expect(JSON.parse(terminal.data)).toEqual({
        code: "server_shutdown",
        message: expect.any(String),
        retryable: true,
        retryAfterSeconds: 2,
        partialContent: stream.tokens.join(""),
      });
    }

    expect(jsonResult.status, jsonResult.body).toBe(503);
    expect(jsonResult.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(jsonResult.headers["retry-after"]).toBe("2");
    const body = JSON.parse(jsonResult.body) as ErrorResponse;
    expectMatchesSchema("ErrorResponse", body);
    expect(body.error.code).toBe("server_shutdown");
    // Whole tokens, in order, from the first: what the model had written when the reply was ended.
    const partial = body.error.partialContent ?? "";
    const tokenCount = script.tokens!.findIndex((_, count) => script.tokens!.slice(0, count).join("") === partial);
    expect(tokenCount, `partialContent ${JSON.stringify(partial)} is a prefix of whole tokens`).toBeGreaterThanOrEqual(2);

    expect(server.logs.find((line) => String(line.msg).startsWith("shutting down"))).toMatchObject({ signal: "SIGINT", activeReplies: 4 });
    expect(logMessages(server).filter((msg) => msg === "stream ended by shutdown")).toHaveLength(4);
  });
});
