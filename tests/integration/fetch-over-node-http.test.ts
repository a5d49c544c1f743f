/**
 * The OpenAI client's `fetch` (server/chat/fetch-over-node-http.ts) against a real HTTP server: what the client
 * relies on from standard fetch (status, headers, bodies, abort, connection errors) holds, and an event stream's body
 * is the socket's Node stream rather than a web ReadableStream. The fault suite runs every upstream fault through it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchOverNodeHttp } from "../../server/chat/fetch-over-node-http.js";

interface Seen {
  method: string;
  authorization: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** Resolves with the time the server saw the client close `/stream-forever`. */
let closedAt: Promise<number>;
let markClosed: (at: number) => void;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? "", authorization: req.headers.authorization, body });
  switch (req.url) {
    case "/events":
      res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "req_1" });
      res.write('data: {"n":1}\n\n');
      setTimeout(() => res.end('data: {"n":2}\n\ndata: [DONE]\n\n'), 20);
      return;
    case "/events-gzip":
      res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
      res.end(gzipSync('data: "zipped"\n\n'));
      return;
    case "/json":
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
      return;
    case "/limited":
      res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
      res.end('{"error":{"message":"slow down"}}');
      return;
    case "/stream-forever":
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      res.once("close", () => markClosed(performance.now()));
      return;
    case "/never-answers":
      return;
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  closedAt = new Promise((resolve) => (markClosed = resolve));
  server = createServer((req, res) => void readBody(req).then((body) => route(req, res, body)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

describe("fetchOverNodeHttp", () => {
  it("sends the method, headers and body, and hands an event stream over as an async-iterable Node stream", async () => {
    const response = await fetchOverNodeHttp(`${baseUrl}/events`, {
      method: "POST",
      headers: { authorization: "Bearer k1", "content-type": "application/json" },
      body: '{"model":"m"}',
    });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-request-id")).toBe("req_1");
    expect(response.body).not.toBeInstanceOf(ReadableStream);
    expect(await readText(response.body as unknown as AsyncIterable<Uint8Array>)).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
    expect(seen.at(-1)).toEqual({ method: "POST", authorization: "Bearer k1", body: '{"model":"m"}' });
  });

  it("decodes a compressed event stream, as fetch would", async () => {
    const response = await fetchOverNodeHttp(`${baseUrl}/events-gzip`);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await readText(response.body as unknown as AsyncIterable<Uint8Array>)).toBe('data: "zipped"\n\n');
  });

  it("answers anything but an event stream as an ordinary Response, read whole", async () => {
    const json = await fetchOverNodeHttp(`${baseUrl}/json`);
    expect(json.body).toBeInstanceOf(ReadableStream);
    expect(await json.json()).toEqual({ ok: true });

    const limited = await fetchOverNodeHttp(`${baseUrl}/limited`);
    expect(limited.status).toBe(429);
    expect(limited.ok).toBe(false);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.text()).toBe('{"error":{"message":"slow down"}}');
  });

  it("ends the reader and closes the connection at once when the signal aborts mid-stream", async () => {
    const controller = new AbortController();
    const response = await fetchOverNodeHttp(`${baseUrl}/stream-forever`, { signal: controller.signal });
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of response.body as unknown as AsyncIterable<Buffer>) {
        chunks.push(chunk.toString("utf8"));
        controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    const abortedAt = performance.now();
    expect(chunks).toEqual(["data: first\n\n"]);
    expect((await closedAt) - abortedAt).toBeLessThan(100);
  });

  it("rejects with an AbortError when the signal aborts before the headers arrive", async () => {
    const response = fetchOverNodeHttp(`${baseUrl}/never-answers`, { signal: AbortSignal.timeout(50) });
    await expect(response).rejects.toMatchObject({ name: expect.stringMatching(/AbortError|TimeoutError/) });
  });

  it("rejects when nothing listens, so the client reports a connection error", async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, "127.0.0.1", resolve));
    const { port } = idle.address() as AddressInfo;
    await new Promise((resolve) => idle.close(resolve));
    await expect(fetchOverNodeHttp(`http://127.0.0.1:${port}/events`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
