import type { components } from "../generated/api.js";

type Schemas = components["schemas"];

/** Body of `POST /api/v1/messages`. */
export type SendMessageRequest = Schemas["SendMessageRequest"];
/** One earlier turn in {@link SendMessageRequest.history}. */
export type ChatTurn = Schemas["ChatTurn"];
/** The whole reply, as answered in JSON mode. */
export type MessageResponse = Schemas["MessageResponse"];
/** Body of `GET /api/v1/health`. */
export type Health = Schemas["Health"];
/** Which model produced a reply, and whether it is the built-in demo. */
export type ModelInfo = Schemas["ModelInfo"];
/** Token counts reported by the provider. */
export type Usage = Schemas["Usage"];
/** Every error the API answers before a stream starts. */
export type ErrorResponse = Schemas["ErrorResponse"];
/** Machine-readable error cause, shared by HTTP errors and `error` events. */
export type ErrorCode = Schemas["ErrorCode"];

/** The SSE event names the contract documents. */
export type StreamEventName = Schemas["StreamEventName"];

/**
 * Payload of each event, by the contract's naming rule: event `x` carries schema `XEvent`.
 * A name added to `StreamEventName` without its schema fails to compile here.
 */
export type StreamEventPayloads = {
  [Name in StreamEventName]: Schemas[`${Capitalize<Name>}Event`];
};

/** Payload of event `token`: the next non-empty piece of the reply. */
export type TokenEvent = StreamEventPayloads["token"];
/** Payload of event `complete`: the whole reply, sent once, last. */
export type CompleteEvent = StreamEventPayloads["complete"];
/** Payload of event `error`: why the stream failed, with everything already streamed. */
export type ErrorEvent = StreamEventPayloads["error"];

/**
 * One parsed SSE event, discriminated by `type`.
 *
 * @example
 * for await (const event of client.streamMessage({ message: "hi" })) {
 *   if (event.type === "token") process.stdout.write(event.data.content);
 * }
 */
export type StreamEvent = {
  [Name in StreamEventName]: {
    /** The SSE `event:` field. */
    type: Name;
    /** The SSE `id:` field; increases within a stream. */
    id: string;
    /** The JSON `data:` payload. */
    data: StreamEventPayloads[Name];
  };
}[StreamEventName];
