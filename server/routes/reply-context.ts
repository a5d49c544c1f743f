import type { Response } from "express";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatModelHandle } from "../chat/model-info.js";
import type { UpstreamConfig } from "../config.js";
import type { ReplyTelemetry } from "../replies/create-reply-telemetry.js";

/** Everything needed to answer one validated, admitted message request. */
export interface ReplyContext {
  res: Response;
  chat: ChatModelHandle;
  messages: BaseMessage[];
  upstream: UpstreamConfig;
  /** Aborts when the client disconnects or the server shuts down (see ReplyRegistry). */
  signal: AbortSignal;
  telemetry: ReplyTelemetry;
}

export function createMessageId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}
