import type { StreamEvent } from "streaming-chat/sdk";
import type { ChatMessage } from "./chat-message.js";
import { describeErrorEvent } from "./describe-failure.js";

/**
 * Applies one event of a reply's stream to the reply (the `$state` proxy the components show), whichever connection
 * brought it: the first one, a reconnection, or a re-attach after a reload or from another tab. A token grows the
 * text; `complete` sets the final text, and `stopped` rather than `complete` when the server cancelled the reply
 * (Stop, pressed here or in any other tab); `error` keeps the longer of what was shown and the server's
 * `partialContent`. Reasoning (sent only to a request with `includeReasoning`) grows `reasoning` the same way, and
 * `complete.reasoning` / `error.partialReasoning` settle it. Returns whether the reply ended.
 */
export function applyStreamEvent(reply: ChatMessage, event: StreamEvent, requestId: string): boolean {
  // Recorded with the text it produced, so a saved copy always re-attaches after exactly what it shows.
  if (event.id !== "") reply.lastEventId = event.id;
  if (event.type === "token") {
    reply.content += event.data.content;
    return false;
  }
  if (event.type === "reasoning") {
    reply.reasoning = (reply.reasoning ?? "") + event.data.content;
    return false;
  }
  delete reply.lastEventId;
  if (event.type === "complete") {
    reply.content = event.data.content;
    if (event.data.reasoning !== undefined) reply.reasoning = event.data.reasoning;
    reply.state = event.data.finishReason === "cancelled" ? "stopped" : "complete";
    reply.model = event.data.model.name;
    reply.messageId = event.data.messageId;
  } else {
    // The server's partialContent is every token it sent: the authoritative text of what the model wrote.
    if (event.data.partialContent.length >= reply.content.length) reply.content = event.data.partialContent;
    const partialReasoning = event.data.partialReasoning;
    if (partialReasoning !== undefined && partialReasoning.length >= (reply.reasoning ?? "").length) reply.reasoning = partialReasoning;
    reply.state = "error";
    reply.failure = describeErrorEvent(event.data, requestId);
  }
  return true;
}
