import type { ChatTurn, SendMessageRequest } from "streaming-chat/sdk";
import type { ChatMessage } from "./chat-message.js";

/** The contract's limits on history (`SendMessageRequest.history.maxItems`, `ChatTurn.content.maxLength`). */
export const MAX_HISTORY_TURNS = 200;
export const MAX_TURN_LENGTH = 32_000;

/**
 * The request for a reply to the conversation's last message, which must be the user's. Earlier messages become
 * history: the most recent {@link MAX_HISTORY_TURNS} turns with text, each cut to {@link MAX_TURN_LENGTH}
 * characters, because the server keeps no state and rejects anything longer. Partial replies (stopped or failed)
 * are included: the model should see what the user saw.
 */
export function toSendMessageRequest(messages: readonly ChatMessage[], conversationId: string): SendMessageRequest {
  const last = messages.at(-1);
  if (!last || last.role !== "user") throw new Error("The last message must be the user's.");
  const history: ChatTurn[] = messages
    .slice(0, -1)
    .filter((message) => message.content !== "")
    .slice(-MAX_HISTORY_TURNS)
    .map((message) => ({ role: message.role, content: message.content.slice(0, MAX_TURN_LENGTH) }));
  return { message: last.content, history, conversationId };
}
