import type { operations } from "../generated/api.js";

/** The media types `POST /api/v1/messages` answers 200 with, as the spec lists them. */
type SendMessageMediaType = keyof operations["sendMessage"]["responses"][200]["content"];

/**
 * The short name of each way a reply can be answered, by media type. `satisfies` makes a media type added to or
 * removed from the spec's 200 response a compile error here.
 */
export const RESPONSE_MODE_BY_MEDIA_TYPE = {
  "text/event-stream": "sse",
  "application/json": "json",
} as const satisfies Record<SendMessageMediaType, string>;

/** How a reply is answered: streamed as Server-Sent Events, or as one JSON body. */
export type ResponseMode = (typeof RESPONSE_MODE_BY_MEDIA_TYPE)[SendMessageMediaType];
