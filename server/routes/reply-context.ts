import type { Response } from "express";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatModelHandle } from "../chat/model-info.js";
import type { UpstreamError } from "../chat/upstream-error.js";
import type { UpstreamConfig } from "../config.js";
import type { Logger } from "../logger.js";

/** Everything needed to answer one validated message request. */
export interface ReplyContext {
  res: Response;
  chat: ChatModelHandle;
  messages: BaseMessage[];
  upstream: UpstreamConfig;
  log: Logger;
}

/** Aborted when the client disconnects before the reply was fully written, which cancels the model call. */
export function abortOnClientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("The client disconnected"));
  });
  return controller.signal;
}

export function createMessageId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** `onRetry` for streamReply: one warning per retry, so a reply that needed one is visible in the logs. */
export function logRetries(log: Logger): (attempt: number, error: UpstreamError, delayMs: number) => void {
  return (attempt, error, delayMs) => log.warn({ attempt, code: error.code, delayMs: Math.round(delayMs) }, "retrying model call");
}
