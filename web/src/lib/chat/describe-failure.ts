import { ChatSdkError, isRetryableErrorCode, type ErrorCode, type ErrorEvent } from "streaming-chat/sdk";
import type { MessageFailure } from "./chat-message.js";

/** What each contract error code means to the person chatting. */
const SENTENCES: Record<ErrorCode, string> = {
  invalid_request: "The server could not accept this message.",
  malformed_json: "The app sent a request the server could not read.",
  unauthorized: "The chat server needs an API key, or did not accept the one given.",
  not_acceptable: "The server cannot stream replies to this app.",
  payload_too_large: "This conversation is too long to send. Start a new chat, or shorten the message.",
  unsupported_media_type: "The app sent a request the server could not read.",
  not_found: "The chat service was not found at this address.",
  rate_limited: "You have reached this server's limit for now.",
  upstream_auth: "The server could not sign in to the language model. Its operator needs to check the API key.",
  upstream_error: "The language model reported an error.",
  upstream_rate_limited: "The language model is receiving too many requests.",
  upstream_unavailable: "The language model could not be reached, or its answer broke off.",
  upstream_timeout: "The language model took too long to answer.",
  overloaded: "The chat server is busy.",
  server_shutdown: "The chat server is restarting.",
  storage_unavailable: "The chat server cannot reach its reply store right now.",
  internal: "Something went wrong on the chat server.",
};

function withWait(sentence: string, retryAfterSeconds: number | undefined): string {
  if (retryAfterSeconds === undefined) return sentence;
  return `${sentence} Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`;
}

/** For a reply cut off because the page was closed or reloaded while it arrived. */
export function interruptedByReload(): MessageFailure {
  return {
    code: "interrupted_by_reload",
    message: "The page was closed or reloaded while this reply was arriving. The text above is what had arrived.",
    retryable: true,
  };
}

/**
 * For a reply this page lost track of (its connection broke, or its conversation was out of view) and the server no
 * longer knows when it comes back for the rest: it expired, or the server restarted without a shared store.
 */
export function replyExpired(): MessageFailure {
  return {
    code: "stream_interrupted",
    message: "The rest of this reply could not be fetched: the server no longer has it. The text above is what had arrived.",
    retryable: true,
  };
}

/** From an `error` event the server sent mid-reply. */
export function describeErrorEvent(event: ErrorEvent, requestId?: string): MessageFailure {
  return {
    code: event.code,
    message: withWait(SENTENCES[event.code] ?? event.message, event.retryAfterSeconds),
    retryable: event.retryable,
    ...(event.retryAfterSeconds !== undefined ? { retryAfterSeconds: event.retryAfterSeconds } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/** From anything the SDK threw (other than the abort caused by Stop). */
export function describeThrown(error: unknown): MessageFailure {
  if (!(error instanceof ChatSdkError)) {
    return { code: "network_error", message: "The reply could not be received. Check your connection.", retryable: true };
  }
  const requestId = error.requestId ? { requestId: error.requestId } : {};
  const wait = error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {};
  switch (error.type) {
    case "http_error": {
      const code = error.body?.error.code;
      if (code) {
        const retryable = isRetryableErrorCode(code);
        return { code, message: withWait(SENTENCES[code] ?? error.body!.error.message, error.retryAfterSeconds), retryable, ...wait, ...requestId };
      }
      return {
        code: "internal",
        message: `The chat server answered with an unexpected response (status ${error.status ?? "unknown"}).`,
        retryable: true,
        ...requestId,
      };
    }
    case "network_error":
      return { code: "network_error", message: "The chat server could not be reached. Check your connection and try again.", retryable: true, ...requestId };
    case "stream_interrupted":
      return { code: "stream_interrupted", message: "The connection broke before the reply finished.", retryable: true, ...requestId };
    case "invalid_event":
      return { code: "invalid_event", message: "The server sent something this app cannot read.", retryable: true, ...requestId };
  }
}
