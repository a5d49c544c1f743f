/**
 * What the server, the SDK and the UI all speak: the contract's types, limits and codes, derived from `generated/`
 * (which `npm run generate` writes from `openapi/streaming-api.yaml`). The Vercel AI SDK's `@ai-sdk/provider` plays
 * this part there: both sides import it, neither imports the other.
 */
export type * from "./types.js";
export { ERROR_CODES, isRetryableErrorCode } from "./error-codes.js";
export { MAX_HISTORY_TURNS, MAX_MESSAGE_LENGTH, MAX_TURN_LENGTH } from "./limits.js";
export { RESPONSE_MODE_BY_MEDIA_TYPE, type ResponseMode } from "./response-mode.js";
export type { DocumentedStatus, OperationId, PathParameters, RequestBody, ResponseBody, StatusWithMediaType, StatusWithoutBody } from "./operations.js";
