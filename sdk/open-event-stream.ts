import { ChatSdkError } from "./errors.js";
import { toHttpError } from "./http-errors.js";

/** An SSE answer whose headers arrived: its body still to read, and the ids its headers carry. */
export interface EventStreamResponse {
  body: ReadableStream<Uint8Array>;
  /** The answer's `X-Request-Id`. */
  requestId: string | undefined;
  /** The answer's `X-Message-Id`: the reply this stream belongs to. */
  messageId: string | undefined;
}

/** What openapi-fetch hands back for a call made with `parseAs: "stream"`. */
interface StreamCallResult {
  data?: ReadableStream<Uint8Array> | null | undefined;
  error?: unknown;
  response: Response;
}

/**
 * Checks that a call answered an event stream: an error status throws `http_error` with the contract's body, and so
 * does a 200 that is not `text/event-stream` (after cancelling that body, which closes the connection).
 */
export async function openEventStream({ data, error, response }: StreamCallResult, method: string, path: string): Promise<EventStreamResponse> {
  if (!response.ok || !data) throw toHttpError(response, error, method, path);
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const contentType = response.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("text/event-stream")) {
    // E.g. an HTML fallback page from a proxy or static host: say so rather than report an empty stream.
    await data.cancel().catch(() => {});
    throw new ChatSdkError(
      "http_error",
      `Expected text/event-stream from ${method} ${path}, got ${contentType || "no content type"} (status ${response.status}).`,
      {
        status: response.status,
        requestId,
      },
    );
  }
  return { body: data, requestId, messageId: response.headers.get("x-message-id") ?? undefined };
}
