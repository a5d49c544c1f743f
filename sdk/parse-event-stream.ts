import { createParser, type EventSourceMessage } from "eventsource-parser";
import { ChatSdkError } from "./errors.js";
import type { StreamEvent, StreamEventName } from "./types.js";

/** A record, not a list, so the compiler insists on every event name the contract has. */
const KNOWN_EVENTS: Record<StreamEventName, true> = { token: true, reasoning: true, complete: true, error: true };

function isKnownEvent(name: string | undefined): name is StreamEventName {
  return name !== undefined && Object.hasOwn(KNOWN_EVENTS, name);
}

function toStreamEvent(message: EventSourceMessage, partialContent: string, requestId?: string): StreamEvent | undefined {
  // SSE convention: a client ignores events it does not know, so a newer server can add event types.
  if (!isKnownEvent(message.event)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch (cause) {
    throw new ChatSdkError("invalid_event", `Event "${message.event}" carries data that is not JSON: ${message.data.slice(0, 200)}`, {
      cause,
      partialContent,
      requestId,
    });
  }
  if (typeof data !== "object" || data === null) {
    throw new ChatSdkError("invalid_event", `Event "${message.event}" carries data that is not a JSON object.`, { partialContent, requestId });
  }
  // The SDK builds partialContent from token contents, so that one field is checked; the server's payloads are
  // otherwise proven against the contract by its own tests.
  if (message.event === "token" && typeof (data as { content?: unknown }).content !== "string") {
    throw new ChatSdkError("invalid_event", "A token event carries no string content.", { partialContent, requestId });
  }
  return { type: message.event, id: message.id ?? "", data } as StreamEvent;
}

/**
 * Parses an SSE response body into the contract's typed events, ending after the terminal
 * `complete` or `error` event. Throws `ChatSdkError("stream_interrupted")`, carrying the text
 * received so far, when the body ends or breaks before a terminal event; rethrows the caller's
 * abort as is. Leaving the loop early cancels the body, which closes the connection.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal | undefined; requestId?: string | undefined } = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  const reader = body.getReader();
  // One decoder for the whole body: with `stream: true` it holds back a multi-byte character split across chunks.
  const decoder = new TextDecoder();
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  let partialContent = "";
  let finished = false;
  // eventsource-parser holds back a CR at the end of what it was fed, in case an LF follows (CRLF split across chunks).
  // At the end of the body nothing follows: feeding the LF then ends the last line of a stream written with lone CRs.
  let endsWithCr = false;
  const { signal } = options;
  // Watch the caller's signal ourselves: Node's fetch follows it through a weak reference that garbage
  // collection can break (nodejs/undici#4068), after which an abort would never reach the connection.
  const cancelOnAbort = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", cancelOnAbort, { once: true });

  try {
    signal?.throwIfAborted();
    while (!finished) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal?.aborted) throw signal.reason ?? cause;
        throw new ChatSdkError("stream_interrupted", "The connection broke before the reply was complete.", {
          cause,
          partialContent,
          requestId: options.requestId,
        });
      }
      signal?.throwIfAborted();
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      if (text !== "") endsWithCr = text.endsWith("\r");
      parser.feed(chunk.done && endsWithCr ? `${text}\n` : text);
      while (pending.length > 0) {
        const event = toStreamEvent(pending.shift()!, partialContent, options.requestId);
        if (event === undefined) continue;
        if (event.type === "token") partialContent += event.data.content;
        yield event;
        // Events parsed from the same chunk are not handed out once the caller aborted.
        signal?.throwIfAborted();
        if (event.type === "complete" || event.type === "error") {
          finished = true;
          break;
        }
      }
      if (chunk.done && !finished) {
        throw new ChatSdkError("stream_interrupted", "The stream ended before a complete or error event.", {
          partialContent,
          requestId: options.requestId,
        });
      }
    }
  } finally {
    signal?.removeEventListener("abort", cancelOnAbort);
    // Cancelling (not just releasing) tells the server nobody is reading, so it stops the model call.
    await reader.cancel().catch(() => {});
  }
}
