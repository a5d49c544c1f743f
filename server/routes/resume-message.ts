import type { Config } from "../config.js";
import { quoteClientValue } from "../http/quote-client-value.js";
import type { OperationDefinition } from "../operations/mount-operations.js";
import { ContractError } from "../replies/contract-error.js";
import { followReply } from "../replies/follow-reply.js";
import { isOwnedBy, type ReplyLog } from "../replies/reply-log/reply-log.js";

export interface ResumeMessageDeps {
  config: Pick<Config, "heartbeatMs" | "clientStallTimeoutMs">;
  replyLog: ReplyLog;
  /** Whether replies belong to the API key that started them (a server with keys). */
  owned: boolean;
}

const EVENT_ID = /^[0-9]{1,15}$/;

/** `Last-Event-ID` (the header wins) or `?lastEventId=`, as a number; 0 when neither is sent. */
function readLastEventId(header: string | undefined, query: unknown): number {
  const raw = header ?? (typeof query === "string" ? query : undefined);
  if (raw === undefined || raw.trim() === "") return 0;
  if (!EVENT_ID.test(raw.trim())) {
    throw new ContractError("invalid_request", `Last-Event-ID must be a whole number, got ${quoteClientValue(raw, 40)}.`, {
      details: [{ path: header === undefined ? "/query/lastEventId" : "/header/Last-Event-ID", message: "must be a whole number" }],
    });
  }
  return Number(raw.trim());
}

/** Only a client that names `text/event-stream` (or takes anything) gets a stream; this operation has no JSON form. */
function acceptsEventStream(accept: string | undefined): boolean {
  return accept === undefined || accept.trim() === "" || /(^|,)\s*(text\/event-stream|text\/\*|\*\/\*)\s*(;|,|$)/i.test(accept);
}

export const notFound = (messageId: string) =>
  new ContractError("not_found", `No resumable reply ${quoteClientValue(messageId, 128)} is known here; it may have expired.`);

/**
 * `resumeMessage` (`GET /api/v1/messages/{messageId}/events`): the reply's events after the reader's last one,
 * byte-identical to the first stream, then the live ones; 204 when the reader already has the last event. On a server
 * with keys, another key's reply is not found, exactly as an unknown one (same lookup, same answer).
 */
export function createResumeMessageOperation({ config, replyLog, owned }: ResumeMessageDeps): OperationDefinition<"resumeMessage"> {
  const writerOptions = { heartbeatMs: config.heartbeatMs, stallTimeoutMs: config.clientStallTimeoutMs };
  return {
    failures: ["internal", "invalid_request", "unauthorized", "not_found", "not_acceptable", "rate_limited", "server_shutdown", "storage_unavailable"],
    async handle({ params: { messageId }, raw }, response) {
      if (!acceptsEventStream(raw.get("accept"))) {
        throw new ContractError("not_acceptable", `Accept must allow text/event-stream, got: ${raw.get("accept")}`);
      }
      const afterId = readLastEventId(raw.get("last-event-id"), raw.query.lastEventId);
      const status = await replyLog.status(messageId);
      if (!status || !isOwnedBy(status.owner, owned ? response.locals.client.id : undefined)) throw notFound(messageId);
      if (status.ended && afterId >= status.lastId) return response.empty(204);
      await followReply(response, { log: replyLog, messageId, afterId, writerOptions });
    },
  };
}
