import type { StreamEventName, WireStreamEvent } from "../contract/index.js";

// The contract's shapes, for the SDK's users; the SDK adds only its own client-side shapes below.
export type {
  ChatTurn,
  CompleteEvent,
  ErrorCode,
  ErrorEvent,
  ErrorResponse,
  FieldError,
  Health,
  MessageResponse,
  ModelInfo,
  ReasoningEvent,
  SendMessageRequest,
  StreamEventName,
  StopResult,
  StreamEventPayloads,
  TokenEvent,
  Usage,
} from "../contract/index.js";

/**
 * One parsed SSE event, discriminated by `type`.
 *
 * @example
 * for await (const event of client.streamMessage({ message: "hi" })) {
 *   if (event.type === "token") process.stdout.write(event.data.content);
 * }
 */
export type StreamEvent = {
  [Event in WireStreamEvent as Event["event"]]: {
    /** The SSE `event:` field. */
    type: Event["event"];
    /** The SSE `id:` field; increases within a stream. */
    id: string;
    /** The JSON `data:` payload. */
    data: Event["data"];
  };
}[StreamEventName];
