import type { ModelInfo, SendMessageRequest } from "../../contract/index.js";
import type { ContractError } from "../replies/contract-error.js";
import type { ReplyPart } from "./reply-part.js";

/** Options of one {@link ChatModelHandle.streamReply} call. */
export interface ReplyStreamOptions {
  /** Aborted when the client goes away or the server shuts down: the model call is cancelled at once. */
  signal: AbortSignal;
  /** Told of each retry of the model call, for logging. */
  onRetry?: (attempt: number, error: ContractError, delayMs: number) => void;
}

/**
 * The model the server talks to, as the rest of the server sees it: its public description and a way to stream a
 * reply. LangChain stays behind this port, inside `server/chat/`.
 */
export interface ChatModelHandle {
  info: ModelInfo;
  /** Streams the reply to a validated request; see `streamReply` for retries, timeouts and failures. */
  streamReply(request: SendMessageRequest, options: ReplyStreamOptions): AsyncGenerator<ReplyPart, void, undefined>;
}
