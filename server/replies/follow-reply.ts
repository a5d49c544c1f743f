import type { OperationId } from "../../contract/index.js";
import type { OperationResponse } from "../operations/operation-response.js";
import type { SseWriterOptions } from "../sse/create-sse-writer.js";
import type { ReplyLog } from "./reply-log/reply-log.js";

export interface FollowReplyOptions {
  log: ReplyLog;
  messageId: string;
  /** The last event id the reader has (0: none). */
  afterId: number;
  writerOptions: SseWriterOptions;
}

/**
 * Streams a resumable reply's logged events to one reader, each byte-identical to the first stream, then the live
 * ones, until the terminal event. The reader leaving ends only this stream, never the reply.
 */
export async function followReply(
  response: OperationResponse<Extract<OperationId, "sendMessage" | "resumeMessage">>,
  { log, messageId, afterId, writerOptions }: FollowReplyOptions,
): Promise<void> {
  const sse = response.eventStream(200, { ...writerOptions, headers: { ...writerOptions.headers, "X-Message-Id": messageId } });
  const readerLeft = new AbortController();
  response.connection.once("close", () => readerLeft.abort());
  try {
    for await (const event of log.follow(messageId, afterId, readerLeft.signal)) {
      await sse.sendLogged(event);
      if (sse.closed) break;
    }
  } finally {
    sse.end();
  }
}
