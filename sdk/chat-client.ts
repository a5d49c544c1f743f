import type { ReconnectOptions } from "./follow-resumable-stream.js";
import type { MessageStream } from "./message-stream.js";
import type { Health, MessageResponse, SendMessageRequest, StopResult, StreamEvent } from "./types.js";

/**
 * Options of `createChatClient`.
 *
 * @example
 * const client = createChatClient({ baseUrl: "https://chat.example", headers: { authorization: `Bearer ${token}` } });
 */
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
  /**
   * The API key, sent as `Authorization: Bearer <key>` with every request but `getHealth`, when the server has keys
   * (`GET /api/v1/health` says `"auth": "api_keys"`). A function is asked at every request, so an app can ask its user
   * for a key after a 401 and go on with the same client.
   *
   * @example
   * const client = createChatClient({ baseUrl: "https://chat.example.com", apiKey: process.env.CHAT_API_KEY });
   */
  apiKey?: string | (() => string | undefined);
  /** How resumable streams reconnect after a dropped connection; see {@link ReconnectOptions}. */
  reconnect?: ReconnectOptions;
}

/**
 * Options of one call.
 *
 * @example
 * const controller = new AbortController();
 * await client.getHealth({ signal: controller.signal, requestId: "health-check-1" });
 */
export interface RequestOptions {
  /**
   * Aborts the call. For a stream it stops reading and closes the connection: the server then stops the model of a
   * reply that is not resumable, but a resumable one keeps going (stop it with `stopMessage`).
   */
  signal?: AbortSignal;
  /** Correlation id sent as `X-Request-Id` (by every request of a call, reconnections included); the server echoes it and logs it. */
  requestId?: string;
}

/**
 * Options of {@link ChatClient.streamMessage}.
 *
 * @example
 * const stream = client.streamMessage({ message: "hi" }, { resumable: true, requestId: "chat-42" });
 */
export interface StreamMessageOptions extends RequestOptions {
  /**
   * Ask for a resumable reply (sent as the request's `resumable`, which it overrides when both are set): the server
   * keeps generating it when the connection drops, and the stream reconnects by itself. Default: the request's own
   * `resumable`, else false.
   */
  resumable?: boolean;
  /**
   * Called once, when the answer's headers arrive (before the first event, which may be long after with a model that
   * thinks first): the reply's id, so it can be saved or stopped at once, and the request id.
   *
   * @example
   * client.streamMessage(request, { resumable: true, onOpen: ({ messageId }) => save({ messageId }) });
   */
  onOpen?: (opened: { messageId: string | undefined; requestId: string | undefined }) => void;
}

/**
 * Options of {@link ChatClient.resumeMessage}.
 *
 * @example
 * for await (const event of client.resumeMessage(messageId, { lastEventId: "41" })) render(event);
 */
export interface ResumeMessageOptions extends RequestOptions {
  /** The id of the last event you have (sent as `Last-Event-ID`); the stream starts after it. Default: from the first event. */
  lastEventId?: string;
}

/** The typed client; see `createChatClient`. */
export interface ChatClient {
  /**
   * Sends a message and resolves with the whole reply (JSON mode). Throws `ChatSdkError` on an error status.
   *
   * @example
   * const reply = await client.sendMessage({ message: "Hello" });
   * console.log(reply.message.content);
   */
  sendMessage(request: SendMessageRequest, options?: RequestOptions): Promise<MessageResponse>;
  /**
   * Sends a message and yields the reply's events as they arrive (SSE mode). The request is made when iteration
   * starts; an error status throws `ChatSdkError` from the first iteration. The last event is `complete` or
   * `error`; breaking out of the loop early closes the connection. The stream's `messageId` names the reply.
   *
   * With `resumable: true`, the reply outlives the connection: when the connection drops before the last event, the
   * stream resumes it (`GET /api/v1/messages/{messageId}/events` after the last event it yielded), retrying with
   * backoff as `reconnect` says, and yields each event exactly once, in order. It throws `stream_interrupted` (with
   * all the text it yielded) only when the reply cannot be resumed: expired (404), or the attempts ran out. A
   * failure before the answer's headers arrive is not resumed (the reply has no id yet): it throws as for any stream.
   * Aborting the signal or leaving the loop stops reading and reconnecting, but not the reply: the server keeps
   * generating it, for `resumeMessage` to pick up, until {@link ChatClient.stopMessage} stops it.
   *
   * @example
   * const stream = client.streamMessage({ message: "Tell me a story" }, { resumable: true });
   * for await (const event of stream) {
   *   if (event.type === "token") output.append(event.data.content);
   * }
   * console.log("reply", stream.messageId);
   */
  streamMessage(request: SendMessageRequest, options?: StreamMessageOptions): MessageStream;
  /**
   * Follows a resumable reply by its id (`X-Message-Id`, `complete.messageId`): its events after `lastEventId` (all of
   * them without one), each exactly as first sent, then the live ones, until `complete` or `error`; it reconnects as
   * `streamMessage` does. Ends at once, yielding nothing, when you already have the last event (204). A reply the
   * server does not know (never resumable, or expired) throws `http_error` with status 404. Aborting stops reading,
   * not the reply.
   *
   * @example
   * // After a page reload, with what was saved while streaming:
   * for await (const event of client.resumeMessage(saved.messageId, { lastEventId: saved.lastEventId })) render(event);
   */
  resumeMessage(messageId: string, options?: ResumeMessageOptions): AsyncIterable<StreamEvent>;
  /**
   * Stops a resumable reply, wherever it runs: every reader's stream ends with `complete` carrying
   * `finishReason: "cancelled"` and the text so far. Resolves with `outcome: "already_ended"` when it had already
   * ended; an unknown or expired reply throws `http_error` with status 404.
   *
   * @example
   * const { outcome } = await client.stopMessage(stream.messageId!);
   */
  stopMessage(messageId: string, options?: RequestOptions): Promise<StopResult>;
  /**
   * Reads `/api/v1/health`: whether the server is up and which model answers.
   *
   * @example
   * const { model } = await client.getHealth();
   * if (model.demo) showDemoBanner();
   */
  getHealth(options?: RequestOptions): Promise<Health>;
}
