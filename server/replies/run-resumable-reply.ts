import type { ModelInfo, StreamEventName, StreamEventPayloads } from "../../contract/index.js";
import type { ReplyPart } from "../chat/reply-part.js";
import { ContractError } from "./contract-error.js";
import type { ReplyTelemetry } from "./create-reply-telemetry.js";
import type { ReplyLog } from "./reply-log/reply-log.js";
import { toContractError } from "./to-contract-error.js";

/** Why a resumable reply was stopped before its model finished. */
class ReplyStopped extends Error {
  constructor(readonly reason: "stop" | "detached") {
    super(reason === "stop" ? "The reply was stopped." : "Nobody read the reply for too long.");
  }
}

export interface ResumableReplyOptions {
  messageId: string;
  /** Starts the model call with the run's own signal (stop, detached, shutdown). */
  startParts: (signal: AbortSignal) => AsyncIterable<ReplyPart>;
  model: ModelInfo;
  log: ReplyLog;
  telemetry: ReplyTelemetry;
  /** Aborts on shutdown (a `server_shutdown` ContractError), from the reply registry. */
  shutdownSignal: AbortSignal;
  /** Frees the reply's slot in the registry. */
  release: () => void;
  retentionMs: number;
  maxDetachedMs: number;
}

/** How often a running reply checks that someone still reads it. */
const DETACHED_CHECK_MS = 1_000;

/**
 * Generates a resumable reply into the reply log, whoever reads it: the events are the ones a plain stream would send
 * (reasoning when asked for and tokens, then `complete` or `error`), logged with ids 1..n. A stop (from any instance, through the log) or nobody
 * reading for `maxDetachedMs` cancels the model call and ends the reply with `complete`, `finishReason: "cancelled"`
 * and the text so far; a failure ends it with `error` carrying that text. Never throws; always closes the log and
 * frees the slot.
 */
export async function runResumableReply(options: ResumableReplyOptions): Promise<void> {
  const { messageId, model, log, telemetry, shutdownSignal, release } = options;
  const stopper = new AbortController();
  const signal = AbortSignal.any([shutdownSignal, stopper.signal]);
  const unwatchStop = log.watchStop(messageId, () => stopper.abort(new ReplyStopped("stop")));
  const detachedCheck = setInterval(
    () => {
      void log.lastReadAt(messageId).then(
        (lastReadAt) => {
          if (Date.now() - lastReadAt > options.maxDetachedMs) stopper.abort(new ReplyStopped("detached"));
        },
        () => {},
      );
    },
    Math.min(DETACHED_CHECK_MS, options.maxDetachedMs),
  ).unref();

  let nextId = 1;
  const append = <Name extends StreamEventName>(event: Name, data: StreamEventPayloads[Name]) =>
    log.append(messageId, { id: nextId++, event, data: JSON.stringify(data) });
  let content = "";
  let reasoning = "";
  const withReasoning = () => (reasoning ? { reasoning } : {});
  try {
    try {
      for await (const part of options.startParts(signal)) {
        if (part.type === "token") {
          telemetry.token();
          content += part.content;
          await append("token", { content: part.content });
        } else if (part.type === "reasoning") {
          telemetry.reasoning();
          reasoning += part.content;
          await append("reasoning", { content: part.content });
        } else {
          const { finishReason, usage } = part;
          await append("complete", { messageId, content, ...withReasoning(), finishReason, ...(usage ? { usage } : {}), model });
          telemetry.completed(finishReason, content);
        }
      }
    } catch (error) {
      const reason: unknown = signal.aborted ? signal.reason : undefined;
      if (reason instanceof ReplyStopped) {
        await append("complete", { messageId, content, ...withReasoning(), finishReason: "cancelled", model });
        telemetry.aborted(reason.reason, content);
      } else {
        const failure = toContractError(reason instanceof ContractError ? reason : error).withPartialContent(content, reasoning);
        await append("error", failure.toErrorEvent());
        if (reason instanceof ContractError) telemetry.aborted("shutdown", content);
        else telemetry.failed(failure);
      }
    }
  } catch (error) {
    // The log itself failed (e.g. its store went away): readers learn it from the store's own failure handling.
    telemetry.failed(toContractError(error).withPartialContent(content, reasoning));
  } finally {
    clearInterval(detachedCheck);
    unwatchStop();
    await log.close(messageId, options.retentionMs).catch(() => {});
    release();
  }
}
