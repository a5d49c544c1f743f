import type { ModelInfo } from "../../contract/index.js";
import type { ReplyPart } from "../chat/reply-part.js";
import type { OperationResponse } from "../operations/operation-response.js";
import { ContractError } from "./contract-error.js";
import type { ReplyTelemetry } from "./create-reply-telemetry.js";
import { toContractError } from "./to-contract-error.js";

/** Everything needed to answer one validated, admitted message request, in either response mode. */
export interface ReplyContext {
  /** The typed answers of `sendMessage`: a JSON body or an event stream, as the spec documents them. */
  response: OperationResponse<"sendMessage">;
  /** The reply's id: `X-Message-Id`, `complete.messageId`, and `message.id` in JSON mode. */
  messageId: string;
  /** The model's reply; iterating it makes the model call. */
  parts: AsyncIterable<ReplyPart>;
  model: ModelInfo;
  /** Aborts when the client disconnects (a plain `Error`) or the server shuts down (a `server_shutdown` {@link ContractError}). */
  signal: AbortSignal;
  telemetry: ReplyTelemetry;
}

/** A new reply id: unguessable, and safe in a URL path and a Redis key. */
export function createMessageId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * Settles a reply that ended before its `finish`: reports it (exactly one of aborted or failed) and returns the
 * failure to tell the client, carrying the text (and reasoning) produced so far; `undefined` when the client itself
 * left, since there is no one left to tell.
 */
export function settleInterruptedReply(
  thrown: unknown,
  { signal, telemetry }: ReplyContext,
  partialContent: string,
  partialReasoning = "",
): ContractError | undefined {
  const shutdown = signal.aborted && signal.reason instanceof ContractError;
  if (signal.aborted && !shutdown) {
    telemetry.aborted("client", partialContent);
    return undefined;
  }
  const failure = toContractError(shutdown ? signal.reason : thrown).withPartialContent(partialContent, partialReasoning);
  if (shutdown) telemetry.aborted("shutdown", partialContent);
  else telemetry.failed(failure);
  return failure;
}
