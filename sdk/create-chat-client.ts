import createClient from "openapi-fetch";
import type { paths } from "../generated/api.js";
import type { ChatClient, ChatClientOptions, RequestOptions } from "./chat-client.js";
import { followResumableStream, type ReplyConnection } from "./follow-resumable-stream.js";
import { callOrThrow, toHttpError } from "./http-errors.js";
import { createMessageStream } from "./message-stream.js";
import { openEventStream } from "./open-event-stream.js";
import { parseEventStream } from "./parse-event-stream.js";
import type { MessageResponse } from "./types.js";

/** The stream itself is SSE, but errors answered before it starts are JSON, so the client accepts both. */
const STREAM_ACCEPT = "text/event-stream, application/json;q=0.9";

function requestHeaders(accept: string, options: RequestOptions, apiKey?: string): Record<string, string> {
  return {
    Accept: accept,
    ...(options.requestId ? { "X-Request-Id": options.requestId } : {}),
    ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
  };
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
  const apiKey = () => (typeof options.apiKey === "function" ? options.apiKey() : options.apiKey);
  /** The headers of a call to a protected operation (every one but `getHealth`). */
  const authorizedHeaders = (accept: string, callOptions: RequestOptions) => requestHeaders(accept, callOptions, apiKey());
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    headers: options.headers,
    // Late-bound so a fetch patched after creation (instrumentation, test servers) is honoured.
    fetch: options.fetch ?? ((input) => globalThis.fetch(input)),
  });

  /** The path a response answered, for error messages: its URL's, or (a `Response` built by an injected fetch has none) the one we called. */
  const pathOf = (response: Response, operationPath: string) =>
    response.url ? new URL(response.url).pathname : `${new URL(options.baseUrl || "http://x", "http://x").pathname.replace(/\/$/, "")}${operationPath}`;
  const replyPath = (messageId: string, action: "events" | "stop") => `/api/v1/messages/${encodeURIComponent(messageId)}/${action}`;

  /** `resumeMessage`'s request: the reply's events after `lastEventId`, or the server's 204 that there are none left. */
  const openReplyEvents = async (messageId: string, lastEventId: string | undefined, callOptions: RequestOptions): Promise<ReplyConnection> => {
    const headers = authorizedHeaders(STREAM_ACCEPT, callOptions);
    const result = await callOrThrow(
      () =>
        client.GET("/api/v1/messages/{messageId}/events", {
          params: { path: { messageId } },
          headers: lastEventId ? { ...headers, "Last-Event-ID": lastEventId } : headers,
          signal: callOptions.signal,
          parseAs: "stream",
        }),
      callOptions.signal,
    );
    if (result.response.status === 204) return "no_more_events";
    return openEventStream(result, "GET", pathOf(result.response, replyPath(messageId, "events")));
  };

  return {
    async sendMessage(request, callOptions = {}) {
      const { data, error, response } = await callOrThrow(
        () => client.POST("/api/v1/messages", { body: request, headers: authorizedHeaders("application/json", callOptions), signal: callOptions.signal }),
        callOptions.signal,
      );
      if (!response.ok || data === undefined) throw toHttpError(response, error, "POST", pathOf(response, "/api/v1/messages"));
      return data as MessageResponse;
    },

    streamMessage(request, callOptions = {}) {
      const { signal, resumable = request.resumable ?? false } = callOptions;
      const body = callOptions.resumable === undefined ? request : { ...request, resumable: callOptions.resumable };
      return createMessageStream(async function* (setMessageId) {
        const result = await callOrThrow(
          () => client.POST("/api/v1/messages", { body, headers: authorizedHeaders(STREAM_ACCEPT, callOptions), signal, parseAs: "stream" }),
          signal,
        );
        const opened = await openEventStream(result, "POST", pathOf(result.response, "/api/v1/messages"));
        const { messageId } = opened;
        setMessageId(messageId);
        callOptions.onOpen?.({ messageId, requestId: opened.requestId });
        // Without an id there is nothing to resume: read this one connection, as a plain stream.
        if (!resumable || messageId === undefined) return yield* parseEventStream(opened.body, { signal, requestId: opened.requestId });
        yield* followResumableStream(opened, {
          messageId,
          resume: (lastEventId) => openReplyEvents(messageId, lastEventId, callOptions),
          signal,
          reconnect: options.reconnect,
        });
      });
    },

    async *resumeMessage(messageId, callOptions = {}) {
      const lastEventId = callOptions.lastEventId || undefined;
      const first = await openReplyEvents(messageId, lastEventId, callOptions);
      yield* followResumableStream(first, {
        messageId,
        resume: (after) => openReplyEvents(messageId, after, callOptions),
        lastEventId,
        signal: callOptions.signal,
        reconnect: options.reconnect,
      });
    },

    async stopMessage(messageId, callOptions = {}) {
      const { data, error, response } = await callOrThrow(
        () =>
          client.POST("/api/v1/messages/{messageId}/stop", {
            params: { path: { messageId } },
            headers: authorizedHeaders("application/json", callOptions),
            signal: callOptions.signal,
          }),
        callOptions.signal,
      );
      if (!response.ok || data === undefined) throw toHttpError(response, error, "POST", pathOf(response, replyPath(messageId, "stop")));
      return data;
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
