/**
 * The contract's shapes, named once. Every type here is derived from `generated/api.ts` (written from the spec by
 * `npm run generate`); nothing restates a shape by hand, so a change to the spec is a change here.
 */
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
/** One invalid field of a request, in {@link ErrorResponse} `details`. */
export type FieldError = Schemas["FieldError"];
/** Body of `GET /readyz`, ready or not. */
export type Readiness = Schemas["Readiness"];
/** What `POST /api/v1/messages/{messageId}/stop` did. */
export type StopResult = Schemas["StopResult"];
/** Machine-readable error cause, shared by HTTP errors and `error` events. */
export type ErrorCode = Schemas["ErrorCode"];

/** An event as the contract frames it on the wire: `event` name, `id` and `data` payload. */
export type WireStreamEvent = Schemas["StreamEvent"];

/** The SSE event names the contract documents. */
export type StreamEventName = WireStreamEvent["event"];

/** Each event's payload schema, by event name, as the contract's `StreamEvent` discriminator maps them. */
export type StreamEventPayloads = {
  [Event in WireStreamEvent as Event["event"]]: Event["data"];
};

/** Payload of event `token`: the next non-empty piece of the reply. */
export type TokenEvent = StreamEventPayloads["token"];
/** Payload of event `reasoning` (only with `includeReasoning`): the next non-empty piece of the model's thinking. */
export type ReasoningEvent = StreamEventPayloads["reasoning"];
/** Payload of event `complete`: the whole reply, sent once, last. */
export type CompleteEvent = StreamEventPayloads["complete"];
/** Payload of event `error`: why the stream failed, with everything already streamed. */
export type ErrorEvent = StreamEventPayloads["error"];
