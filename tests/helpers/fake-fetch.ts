/**
 * What the SDK's fast tests put in place of the network, after openapi-fetch's own tests: nothing is mocked but
 * `fetch`, which answers with real `Response` objects whose bodies are real `ReadableStream`s fed chunk by chunk.
 */

const encoder = new TextEncoder();

/** How a scripted body ends once its chunks are read. */
export type BodyEnd =
  /** The body ends cleanly (the server closed the response). */
  | "close"
  /** Reading fails, as when the connection breaks. */
  | "break"
  /** Nothing more ever arrives, until the reader cancels. */
  | "hang";

export interface ScriptedBody {
  stream: ReadableStream<Uint8Array>;
  /** Chunks handed to the reader so far. */
  readonly delivered: number;
  /** Whether the reader cancelled the body, which is how a real fetch closes the connection. */
  readonly cancelled: boolean;
}

const toBytes = (chunk: string | Uint8Array): Uint8Array => (typeof chunk === "string" ? encoder.encode(chunk) : chunk);

/**
 * A body that hands the reader one chunk per read, exactly as given (strings are UTF-8 encoded), so a test decides
 * where the network cuts the bytes, then ends as `end` says.
 */
export function createScriptedBody(chunks: readonly (string | Uint8Array)[], end: BodyEnd = "close"): ScriptedBody {
  let delivered = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (delivered < chunks.length) {
          controller.enqueue(toBytes(chunks[delivered++]!));
          return undefined;
        }
        if (end === "close") return controller.close();
        if (end === "break") return controller.error(new TypeError("terminated: other side closed"));
        return new Promise<void>(() => {});
      },
      cancel() {
        cancelled = true;
      },
    },
    // Pull only when the reader asks, so `delivered` counts what the SDK actually read.
    { highWaterMark: 0 },
  );
  return {
    stream,
    get delivered() {
      return delivered;
    },
    get cancelled() {
      return cancelled;
    },
  };
}

/** Every byte of `text`, in every possible two-piece split: `[text.slice(0, at), text.slice(at)]` in bytes. */
export function everySplitInTwo(text: string): { at: number; chunks: [Uint8Array, Uint8Array] }[] {
  const bytes = encoder.encode(text);
  return Array.from({ length: bytes.length - 1 }, (_, index) => ({ at: index + 1, chunks: [bytes.subarray(0, index + 1), bytes.subarray(index + 1)] }));
}

/** A `text/event-stream` answer streaming `body`; `headers` are added to (or replace) the SSE content type. */
export function sseResponse(body: ScriptedBody, headers: Record<string, string> = {}): Response {
  return new Response(body.stream, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8", ...headers } });
}

/** A JSON answer, as the server sends its `MessageResponse`, `Health` and `ErrorResponse` bodies. */
export function jsonResponse(status: number, json: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(json), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

export interface FakeFetch {
  /** Pass as `createChatClient({ fetch })`. */
  fetch: typeof globalThis.fetch;
  /** Every request made, in order. */
  readonly requests: Request[];
}

/**
 * A `fetch` that answers each request with what `respond` returns, and records the request. Like the platform's, it
 * rejects with the signal's reason when the request's signal is already aborted, or aborts while it waits for
 * `respond`. (A body it has handed out is not tied to the signal: the SDK must watch the signal itself.)
 */
export function createFakeFetch(respond: (request: Request) => Response | Promise<Response>): FakeFetch {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push(request);
    const { signal } = request;
    signal.throwIfAborted();
    const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true }));
    return Promise.race([Promise.resolve(respond(request.clone())), aborted]);
  };
  return { fetch, requests };
}
