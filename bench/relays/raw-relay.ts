/**
 * The least a relay can do, as `compare.ts`'s yardstick: node:http, the global `fetch` to the OpenAI-compatible
 * upstream (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODEL`) and eventsource-parser, writing our stream's
 * `token` events and one `complete` (or one `error`) on `POST /api/v1/messages` with `{ "message": "…" }`. Honest
 * rather than minimal at any price: it waits for `drain` when the client reads slowly, cancels the upstream call
 * when the client goes away, and answers bad input with 400. No validation library, no logging, no metrics.
 *
 *   PORT=3001 OPENAI_BASE_URL=http://127.0.0.1:4000/v1 node --import tsx bench/relays/raw-relay.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { once } from "node:events";
import { createParser } from "eventsource-parser";
import type { CompleteEvent, TokenEvent } from "../../contract/index.js";

const BASE_URL = process.env.OPENAI_BASE_URL ?? "http://127.0.0.1:4000/v1";
const MODEL = process.env.OPENAI_MODEL ?? "fake-model";
const API_KEY = process.env.OPENAI_API_KEY ?? "";
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" };

const frame = (event: string, id: number, data: unknown) => `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;

async function readMessage(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const { message } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { message?: unknown };
    return typeof message === "string" && message !== "" ? message : undefined;
  } catch {
    return undefined;
  }
}

async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const message = await readMessage(req);
  if (message === undefined) return void res.writeHead(400, { "content-type": "application/json" }).end('{"error":"message must be a non-empty string"}');
  const cancel = new AbortController();
  res.on("close", () => cancel.abort());
  const upstream = await fetch(`${BASE_URL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: message }] }),
    signal: cancel.signal,
  });
  if (!upstream.ok || !upstream.body) return void res.writeHead(502, { "content-type": "application/json" }).end(`{"error":"upstream ${upstream.status}"}`);

  res.writeHead(200, SSE_HEADERS);
  let id = 0;
  let content = "";
  let finishReason = "stop";
  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") return;
      const choice = (JSON.parse(event.data) as { choices: { delta?: { content?: string | null }; finish_reason?: string | null }[] }).choices[0];
      const text = choice?.delta?.content;
      if (text) {
        content += text;
        res.write(frame("token", ++id, { content: text } satisfies TokenEvent));
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    },
  });
  const decoder = new TextDecoder();
  const reader = upstream.body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      parser.feed(decoder.decode(read.value, { stream: true }));
      // A slow client stops us reading the upstream, so nothing piles up here.
      if (res.writableNeedDrain) await once(res, "drain");
    }
    const complete = { messageId: `raw_${process.pid}_${id}`, content, finishReason, model: { provider: "openai-compatible", name: MODEL, demo: false } };
    res.end(frame("complete", ++id, complete as CompleteEvent));
  } catch (error) {
    if (res.destroyed) return;
    res.end(frame("error", ++id, { code: "upstream_error", message: String(error), retryable: true, partialContent: content }));
  }
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/api/v1/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  if (req.method !== "POST" || req.url !== "/api/v1/messages") return void res.writeHead(404).end();
  relay(req, res).catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error) }));
    else res.destroy();
  });
});
server.listen(Number(process.env.PORT ?? 3001), process.env.HOST ?? "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
