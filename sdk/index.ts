export { createChatClient } from "./create-chat-client.js";
export type { ChatClient, ChatClientOptions, RequestOptions } from "./create-chat-client.js";
export { ChatSdkError } from "./errors.js";
export type { ChatSdkErrorOptions, ChatSdkErrorType } from "./errors.js";
export { parseEventStream } from "./parse-event-stream.js";
export type * from "./types.js";
