/** The request limits the spec states, as values: the UI enforces them before sending, the server's validator after. */
import { SCHEMA_LIMITS } from "../generated/constants.js";

/** Longest user message, in characters (`SendMessageRequest.message.maxLength`). */
export const MAX_MESSAGE_LENGTH = SCHEMA_LIMITS.SendMessageRequest.message.maxLength;
/** Most earlier turns one request may carry (`SendMessageRequest.history.maxItems`). */
export const MAX_HISTORY_TURNS = SCHEMA_LIMITS.SendMessageRequest.history.maxItems;
/** Longest earlier turn, in characters (`ChatTurn.content.maxLength`). */
export const MAX_TURN_LENGTH = SCHEMA_LIMITS.ChatTurn.content.maxLength;
