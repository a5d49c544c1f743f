import type { StreamEvent } from "./types.js";

/**
 * The events of one reply, as `streamMessage` returns them: an async iterable like any other, that also names the
 * reply. `messageId` is the answer's `X-Message-Id`: `undefined` until the headers arrive, so it is set by the time
 * the loop sees the first event, and stays `undefined` if the request fails (or, from a page on another origin, if
 * the server does not expose that header). Keep it to resume the reply later (`resumeMessage`) or stop it
 * (`stopMessage`); `complete.messageId` carries the same id at the end.
 *
 * @example
 * const stream = client.streamMessage({ message: "Write a long story" }, { resumable: true });
 * stopButton.onclick = () => stream.messageId && client.stopMessage(stream.messageId);
 * for await (const event of stream) {
 *   if (event.type === "token") output.append(event.data.content);
 * }
 */
export interface MessageStream extends AsyncIterable<StreamEvent> {
  /** The reply's id (`X-Message-Id`), once the answer's headers arrived. */
  readonly messageId: string | undefined;
}

/** Wraps a generator of a reply's events; `run` reports the reply's id through `setMessageId` when it learns it. */
export function createMessageStream(
  run: (setMessageId: (messageId: string | undefined) => void) => AsyncGenerator<StreamEvent, void, undefined>,
): MessageStream {
  let messageId: string | undefined;
  // A generator runs nothing before its first `next()`, so no request is made until iteration starts.
  const events = run((id) => (messageId = id));
  return {
    get messageId() {
      return messageId;
    },
    [Symbol.asyncIterator]: () => events,
  };
}
