import { ChatSdkError, type ChatClient, type MessageStream, type StreamEvent } from "streaming-chat/sdk";
import { KEY_REFUSED, type ApiKeyPrompt } from "./api-key-prompt.svelte.js";

/** The server's answer to a request without a key it accepts. */
function isUnauthorized(error: unknown): boolean {
  return error instanceof ChatSdkError && error.type === "http_error" && error.status === 401;
}

/**
 * Wraps the app's client so that a request the server refuses for its key (401) asks the person for a key and is
 * then sent again, the same request: the message being sent is never lost, and nothing else in the app needs to know
 * about keys. A cancelled dialog (or a request aborted meanwhile) lets the 401 through, and the chat shows it as any
 * failure, with Retry. Streams are retried only before their first event, which a 401 always is.
 */
export function withApiKeyRetry(client: ChatClient, prompt: ApiKeyPrompt): ChatClient {
  /** Whether to try again after `error`: only for a 401, once the person gave a key. */
  const askAgain = async (error: unknown, signal: AbortSignal | undefined): Promise<boolean> => {
    if (!isUnauthorized(error)) return false;
    const submitted = await prompt.ask(prompt.key === undefined ? null : KEY_REFUSED);
    return submitted && !signal?.aborted;
  };

  const retrying = async <T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!(await askAgain(error, signal))) throw error;
      }
    }
  };

  /** Reads `open()`'s events; when it throws 401 before any event, asks for a key and opens it again. */
  async function* retryingEvents(open: () => AsyncIterable<StreamEvent>, signal: AbortSignal | undefined): AsyncGenerator<StreamEvent, void, undefined> {
    for (;;) {
      let started = false;
      try {
        for await (const event of open()) {
          started = true;
          yield event;
        }
        return;
      } catch (error) {
        if (started || !(await askAgain(error, signal))) throw error;
      }
    }
  }

  return {
    sendMessage: (request, options) => retrying(() => client.sendMessage(request, options), options?.signal),
    stopMessage: (messageId, options) => retrying(() => client.stopMessage(messageId, options), options?.signal),
    getHealth: (options) => client.getHealth(options),
    resumeMessage: (messageId, options) => retryingEvents(() => client.resumeMessage(messageId, options), options?.signal),
    streamMessage(request, options): MessageStream {
      let current: MessageStream | undefined;
      const events = retryingEvents(() => (current = client.streamMessage(request, options)), options?.signal);
      return {
        get messageId() {
          return current?.messageId;
        },
        [Symbol.asyncIterator]: () => events,
      };
    },
  };
}
