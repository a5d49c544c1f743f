/* Generated from openapi/streaming-api.yaml by `npm run generate`. Do not edit by hand. */

/** Numeric constraints of the component schemas' properties (`minLength`, `maxLength`, `minItems`, `maxItems`, `minimum`, `maximum`), by schema and property. */
export const SCHEMA_LIMITS = {
  "SendMessageRequest": {
    "message": {
      "minLength": 1,
      "maxLength": 32000
    },
    "history": {
      "maxItems": 200
    },
    "conversationId": {
      "minLength": 1,
      "maxLength": 128
    }
  },
  "ChatTurn": {
    "content": {
      "maxLength": 32000
    }
  },
  "Usage": {
    "inputTokens": {
      "minimum": 0
    },
    "outputTokens": {
      "minimum": 0
    },
    "totalTokens": {
      "minimum": 0
    },
    "reasoningTokens": {
      "minimum": 0
    }
  },
  "ModelInfo": {
    "provider": {
      "minLength": 1
    }
  },
  "TokenEvent": {
    "content": {
      "minLength": 1
    }
  },
  "ReasoningEvent": {
    "content": {
      "minLength": 1
    }
  },
  "ErrorEvent": {
    "retryAfterSeconds": {
      "minimum": 0
    }
  }
} as const;

/** The enums of the component schemas, by schema name. */
export const SCHEMA_ENUMS = {
  "ChatRole": [
    "user",
    "assistant",
    "system"
  ],
  "ErrorCode": [
    "invalid_request",
    "malformed_json",
    "unauthorized",
    "not_acceptable",
    "payload_too_large",
    "unsupported_media_type",
    "not_found",
    "rate_limited",
    "upstream_auth",
    "upstream_error",
    "upstream_rate_limited",
    "upstream_unavailable",
    "upstream_timeout",
    "overloaded",
    "server_shutdown",
    "storage_unavailable",
    "internal"
  ]
} as const;

/** `ErrorCode`'s `x-retryable`: the codes after which sending the same request again may succeed. */
export const RETRYABLE_ERROR_CODES = [
  "rate_limited",
  "upstream_error",
  "upstream_rate_limited",
  "upstream_unavailable",
  "upstream_timeout",
  "overloaded",
  "server_shutdown",
  "storage_unavailable",
  "internal"
] as const;
