import createClient from "openapi-fetch";
import type { paths } from "../generated/api.js";
import { ChatSdkError } from "./errors.js";
import { parseEventStream } from "./parse-event-stream.js";
import type { ErrorResponse, Health, MessageResponse, SendMessageRequest, StreamEvent } from "./types.js";

/** Options of {@link createChatClient}. */
export interface ChatClientOptions {
  /**
   * Origin of the API, e.g. `http://localhost:3000`. Leave empty in a browser page served by the same server.
   * From a page on another origin, the server must list that origin in `CORS_ORIGINS`.
   */
  baseUrl?: string;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every request (e.g. authentication added by a gateway). */
  headers?: Record<string, string>;
}

/** Options of one call. */
export interface RequestOptions {
  /** Aborts the request; for a stream this also stops the model on the server. */
  signal?: AbortSignal;
  /** Correlation id sent as `X-Request-Id`; the server echoes it and logs it. */
  requestId?: string;
}

/** The typed client; see {@link createChatClient}. */
export interface ChatClient {
  /** Sends a message and resolves with the whole reply (JSON mode). Throws {@link ChatSdkError} on an error status. */
  sendMessage(request: SendMessageRequest, options?: RequestOptions): Promise<MessageResponse>;
  /**
   * Sends a message and yields the reply's events as they arrive (SSE mode). The request is made when
   * iteration starts; an error status throws {@link ChatSdkError} from the first iteration. The last event
   * is `complete` or `error`; breaking out of the loop early closes the connection.
   */
  streamMessage(request: SendMessageRequest, options?: RequestOptions): AsyncIterable<StreamEvent>;
  /** Reads `/api/v1/health`: whether the server is up and which model answers. */
  getHealth(options?: RequestOptions): Promise<Health>;
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string";
}

/**
 * `Retry-After` in whole seconds: delta-seconds, or an HTTP date (RFC 9110 §10.2.3); `undefined` when absent or
 * unreadable, so an empty or garbled header never reads as "retry now".
 */
function readRetryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim() ?? "";
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP date names its day and month; without letters, Date.parse would read "-5" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** `path` is the one we called: a `Response` made by an injected `fetch` may have no `url`. */
function toHttpError(response: Response, error: unknown, method: string, path: string): ChatSdkError {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const body = isErrorResponse(error) ? error : undefined;
  const detail = body ? `${body.error.code}: ${body.error.message}` : typeof error === "string" ? error.slice(0, 200) : "";
  const retryAfterSeconds = readRetryAfterSeconds(response.headers.get("retry-after"));
  return new ChatSdkError("http_error", `Request failed with status ${response.status}: ${method} ${path}${detail ? ` (${detail})` : ""}`, {
    status: response.status,
    body,
    requestId,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

async function callOrThrow<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (signal?.aborted || cause instanceof ChatSdkError) throw cause;
    throw new ChatSdkError("network_error", `The request did not complete: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The stream itself is SSE, but errors answered before it starts are JSON, so the client accepts both. */
const STREAM_ACCEPT = "text/event-stream, application/json;q=0.9";

function requestHeaders(accept: string, options: RequestOptions): Record<string, string> {
  return options.requestId ? { Accept: accept, "X-Request-Id": options.requestId } : { Accept: accept };
}

/**
 * Creates a typed client for the streaming chat API. Works in Node >= 20.19 and in browsers.
 *
 * @example
 * import { createChatClient } from "streaming-chat/sdk";
 *
 * const client = createChatClient({ baseUrl: "http://localhost:3000" });
 * for await (const event of client.streamMessage({ message: "Hello" })) {
 *   if (event.type === "token") process.stdout.write(event.data.content);
 *   if (event.type === "complete") console.log("\n", event.data.usage);
 *   if (event.type === "error") console.error(event.data.code, event.data.partialContent);
 * }
 */
export function createChatClient(options: ChatClientOptions = {}): ChatClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    headers: options.headers,
    // Late-bound so a fetch patched after creation (instrumentation, test servers) is honoured.
    fetch: options.fetch ?? ((input) => globalThis.fetch(input)),
  });

  /** The path a response answered, for error messages: its URL's, or (a `Response` built by an injected fetch has none) the one we called. */
  const pathOf = (response: Response, operationPath: string) =>
    response.url ? new URL(response.url).pathname : `${new URL(options.baseUrl || "http://x", "http://x").pathname.replace(/\/$/, "")}${operationPath}`;

  return {
    async sendMessage(request, callOptions = {}) {
      const { data, error, response } = await callOrThrow(
        () => client.POST("/api/v1/messages", { body: request, headers: requestHeaders("application/json", callOptions), signal: callOptions.signal }),
        callOptions.signal,
      );
      if (!response.ok || data === undefined) throw toHttpError(response, error, "POST", pathOf(response, "/api/v1/messages"));
      return data as MessageResponse;
    },

    async *streamMessage(request, callOptions = {}) {
      const { data, error, response } = await callOrThrow(
        () =>
          client.POST("/api/v1/messages", {
            body: request,
            headers: requestHeaders(STREAM_ACCEPT, callOptions),
            signal: callOptions.signal,
            parseAs: "stream",
          }),
        callOptions.signal,
      );
      if (!response.ok || !data) throw toHttpError(response, error, "POST", pathOf(response, "/api/v1/messages"));
      const contentType = response.headers.get("content-type") ?? "";
      if (!contentType.toLowerCase().startsWith("text/event-stream")) {
        // E.g. an HTML fallback page from a proxy or static host: say so rather than report an empty stream.
        await data.cancel().catch(() => {});
        throw new ChatSdkError(
          "http_error",
          `Expected text/event-stream from POST /api/v1/messages, got ${contentType || "no content type"} (status ${response.status}).`,
          {
            status: response.status,
            requestId: response.headers.get("x-request-id") ?? undefined,
          },
        );
      }
      yield* parseEventStream(data, { signal: callOptions.signal, requestId: response.headers.get("x-request-id") ?? undefined });
    },

    async getHealth(callOptions = {}) {
      const { data, error, response } = await callOrThrow(
        () => client.GET("/api/v1/health", { headers: requestHeaders("application/json", callOptions), signal: callOptions.signal }),
        callOptions.signal,
      );
      if (!response.ok || data === undefined) throw toHttpError(response, error, "GET", pathOf(response, "/api/v1/health"));
      return data;
    },
  };
}
