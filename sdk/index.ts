export { createChatClient } from "./create-chat-client.js";
export type { ChatClient, ChatClientOptions, RequestOptions, ResumeMessageOptions, StreamMessageOptions } from "./chat-client.js";
export type { ReconnectOptions } from "./follow-resumable-stream.js";
export type { MessageStream } from "./message-stream.js";
export { ChatSdkError } from "./errors.js";
export type { ChatSdkErrorOptions, ChatSdkErrorType } from "./errors.js";
export { parseEventStream } from "./parse-event-stream.js";
export type * from "./types.js";
// The contract's limits and codes, so a client can check a message before sending it and decide on a retry.
export { ERROR_CODES, isRetryableErrorCode, MAX_HISTORY_TURNS, MAX_MESSAGE_LENGTH, MAX_TURN_LENGTH } from "../contract/index.js";
