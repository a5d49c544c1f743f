import { MAX_HISTORY_TURNS, MAX_TURN_LENGTH, type ChatTurn, type SendMessageRequest } from "streaming-chat/sdk";
import type { ChatMessage } from "./chat-message.js";

/**
 * How much history text (UTF-8 bytes) a request carries at most: under the server's default body limit
 * (`MAX_BODY_BYTES`, 1 MiB) with room for the new message and the rest of the body. More than this is beyond any model's
 * context window anyway.
 */
const MAX_HISTORY_BYTES = 640 * 1024;

function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A surrogate pair is 4 bytes in all: 2 for each half.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

/**
 * The request for a reply to the conversation's last message, which must be the user's. Earlier messages become
 * history, newest kept first: turns with text, each cut to {@link MAX_TURN_LENGTH} characters, at most
 * {@link MAX_HISTORY_TURNS} of them and {@link MAX_HISTORY_BYTES} in all, because the server keeps no state and
 * rejects anything bigger. Partial replies (stopped or failed) are included: the model should see what the user saw.
 * A reply's reasoning never is: the model sees its answers, as the providers' own chats send them. With
 * `includeReasoning` the request asks for the model's thinking; without it the field is left out altogether, so the
 * request is byte for byte what a page that predates reasoning sent.
 */
export function toSendMessageRequest(
  messages: readonly ChatMessage[],
  conversationId: string,
  options: { includeReasoning?: boolean } = {},
): SendMessageRequest {
  const last = messages.at(-1);
  if (!last || last.role !== "user") throw new Error("The last message must be the user's.");
  const history: ChatTurn[] = [];
  let bytes = 0;
  for (let index = messages.length - 2; index >= 0 && history.length < MAX_HISTORY_TURNS; index--) {
    const message = messages[index]!;
    if (message.content === "") continue;
    const content = message.content.slice(0, MAX_TURN_LENGTH);
    // Measured as it goes on the wire: escaping can double a quote- or newline-heavy text (code).
    bytes += utf8Length(JSON.stringify(content));
    if (bytes > MAX_HISTORY_BYTES) break;
    history.push({ role: message.role, content });
  }
  const request: SendMessageRequest = { message: last.content, history: history.reverse(), conversationId };
  if (options.includeReasoning) request.includeReasoning = true;
  return request;
}
