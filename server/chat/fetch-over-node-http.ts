import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

/** Error bodies are read whole (the client parses them); a provider's are a few hundred bytes. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

function decoded(res: IncomingMessage): Readable {
  const encoding = res.headers["content-encoding"]?.trim().toLowerCase();
  // We ask for no encoding, but a server may compress anyway; fetch would have decoded it, so we do too.
  if (encoding === "gzip" || encoding === "x-gzip") return res.pipe(createGunzip()).once("error", () => res.destroy());
  if (encoding === "deflate") return res.pipe(createInflate()).once("error", () => res.destroy());
  if (encoding === "br") return res.pipe(createBrotliDecompress()).once("error", () => res.destroy());
  return res;
}

const EVENT_END = Buffer.from("\n\n");

/**
 * The same bytes, in pieces that end where an SSE event ends. The OpenAI client's splitter copies the rest of its
 * buffer for every event it takes off the front, so a 64 KiB read holding hundreds of events costs it quadratic time
 * (a quarter of the server's CPU when a fast model fills the socket); handed one event at a time, it copies nothing
 * twice. Chunk boundaries carry no meaning in SSE, so nothing else changes.
 */
async function* splitAtEventEnds(body: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(EVENT_END); end !== -1; end = chunk.indexOf(EVENT_END, start)) {
      yield chunk.subarray(start, end + EVENT_END.length);
      start = end + EVENT_END.length;
    }
    if (start < chunk.length) yield start === 0 ? chunk : chunk.subarray(start);
  }
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined || name === "content-encoding" || name === "content-length") continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_ERROR_BODY_BYTES) break;
  }
  return Buffer.concat(chunks);
}

function bodyText(body: RequestInit["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  return undefined;
}

/**
 * `fetch` for the OpenAI client over `node:http`, so a streamed reply reaches the client's SSE parser as the socket's
 * own Node stream: the client iterates any async-iterable `body`, and Node's `fetch` would put a web ReadableStream
 * (and undici's adapters) between the two, about a tenth of the server's CPU per token (ADR-26). Only a reply of
 * `text/event-stream` is handed over that way; anything else (an error, a JSON answer) becomes an ordinary `Response`
 * read whole, so every other use of the client sees standard fetch. A request body that is not a string or bytes
 * (a form upload, which chat completions never send) goes to the global `fetch`.
 */
export async function fetchOverNodeHttp(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const body = bodyText(init.body);
  if (input instanceof Request || (init.body != null && body === undefined)) return fetch(input, init);
  const url = new URL(input);
  if (url.protocol !== "http:" && url.protocol !== "https:") return fetch(input, init);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();

  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  // The signal destroys the request, and with it the response stream, so an abort ends the reader at once.
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { method: init.method ?? "GET", headers, signal }, resolve);
    req.once("error", reject);
    req.end(body);
  });

  const status = res.statusCode ?? 502;
  const responseHeaders = toHeaders(res);
  const stream = decoded(res);
  const isEventStream = (res.headers["content-type"] ?? "").toLowerCase().startsWith("text/event-stream");
  if (status < 200 || status >= 300 || !isEventStream || status === 204) {
    const whole = status === 204 || status === 304 ? null : await readAll(stream);
    return new Response(whole === null ? null : new Uint8Array(whole), { status, statusText: res.statusMessage, headers: responseHeaders });
  }
  if (signal) {
    // As fetch does: a body read after an abort fails with the signal's reason (an AbortError unless given one), not
    // with the ECONNRESET of the socket the abort destroyed.
    const onAbort = () => {
      const reason: unknown = signal.reason;
      stream.destroy(reason instanceof Error ? reason : new DOMException("This operation was aborted", "AbortError"));
      res.destroy();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    stream.once("close", () => signal.removeEventListener("abort", onAbort));
  }
  const response = new Response(null, { status, statusText: res.statusMessage, headers: responseHeaders });
  // `body` is a getter on Response.prototype: an own property shadows it for this one response.
  Object.defineProperty(response, "body", { value: splitAtEventEnds(stream), enumerable: true });
  Object.defineProperty(response, "url", { value: url.href, enumerable: true });
  return response;
}
