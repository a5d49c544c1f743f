/* Generated from openapi/streaming-api.yaml by `npm run generate`. Do not edit by hand. */

export interface paths {
    "/api/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a message and receive the assistant's reply.
         * @description Streams the reply as Server-Sent Events when the request has `Accept: text/event-stream`,
         *     otherwise returns it as one JSON body once the model has finished.
         */
        post: operations["sendMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{messageId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a resumable reply, from the start or after the last event you have.
         * @description Answers the reply's events after `Last-Event-ID` (or `lastEventId`; without either, from the first), each
         *     exactly as the original stream sent it (same `event`, `id` and `data`), then the live ones as they come,
         *     ending with the reply's `complete` or `error`. Any number of readers may follow one reply at once. Only
         *     replies sent with `"resumable": true` can be followed, until `REPLY_RETENTION_MS` after they ended.
         */
        get: operations["resumeMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{messageId}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop a resumable reply, wherever it is being generated.
         * @description Cancels the model call and ends every reader's stream with `complete` carrying `finishReason: "cancelled"`
         *     and the text so far. Stopping a reply that already ended is harmless: the answer says so.
         */
        post: operations["stopMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics.
         * @description Operational metrics in the Prometheus text format: active replies; replies started, completed, failed (by
         *     error code) and aborted; requests rejected; upstream errors by code; histograms of time to first token,
         *     tokens per second and reply duration; Node.js process metrics.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/livez": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness, for orchestrators.
         * @description Answers 200 while the process runs and its event loop turns; restart the process when it does not answer.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness, for load balancers and orchestrators.
         * @description 200 only when the server should get new requests: every worker listens, Redis answers (with `REDIS_URL`), and
         *     no shutdown has begun. 503 from the first moment of a shutdown, while running replies drain, so a load balancer
         *     stops sending new requests before the listener closes (`SHUTDOWN_READINESS_DELAY_MS`).
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Report liveness and which model answers.
         * @description Tells whether the server is up, which provider and model it uses, whether that is the built-in demo model, and
         *     whether requests need an API key. Needs no key itself.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A user message, with the earlier turns of the conversation for context. */
        SendMessageRequest: {
            /** @description The user's new message. */
            message: string;
            /** @description Earlier turns, oldest first. The server keeps no conversation state; send what the model should see. */
            history?: components["schemas"]["ChatTurn"][];
            /** @description The client's conversation id, used only for correlation in logs. */
            conversationId?: string;
            /**
             * @description SSE mode only. Keep generating when the connection ends, keep the events for `REPLY_RETENTION_MS` after the
             *     reply ended, and let any reader follow (`resumeMessage`) or stop (`stopMessage`) it by its `X-Message-Id`.
             *     Without it, a client that disconnects cancels the model call at once.
             * @default false
             */
            resumable?: boolean;
            /**
             * @description Also send the model's reasoning, for models that think before they answer: `reasoning` events in a stream,
             *     `complete.reasoning`, `error.partialReasoning`, and `message.reasoning` in JSON. Without it, reasoning is
             *     dropped and the reply is exactly what a client that predates reasoning expects.
             * @default false
             */
            includeReasoning?: boolean;
        };
        /** @description One earlier turn of the conversation. */
        ChatTurn: {
            role: components["schemas"]["ChatRole"];
            content: string;
        };
        /**
         * @description Who wrote a turn.
         * @enum {string}
         */
        ChatRole: "user" | "assistant" | "system";
        /** @description The whole reply (JSON mode). */
        MessageResponse: {
            message: components["schemas"]["AssistantMessage"];
            finishReason: components["schemas"]["FinishReason"];
            usage?: components["schemas"]["Usage"];
            model: components["schemas"]["ModelInfo"];
        };
        /** @description A message written by the model. */
        AssistantMessage: {
            /** @description Server-generated message id. */
            id: string;
            /** @constant */
            role: "assistant";
            content: string;
            /** @description The model's reasoning, when the request asked for it (`includeReasoning`) and the model reasoned. */
            reasoning?: string;
            /** Format: date-time */
            createdAt: string;
        };
        /**
         * @description Why the reply ended: as the provider reported it (`stop`, `length`, `content_filter`, …), or `cancelled` when
         *     it was stopped (`stopMessage`, or a resumable reply nobody read for `REPLY_MAX_DETACHED_MS`).
         */
        FinishReason: string;
        /** @description Token counts, when the provider reports them. */
        Usage: {
            inputTokens: number;
            outputTokens: number;
            totalTokens: number;
            /** @description Of `outputTokens`, those the model spent reasoning, when the provider reports them. */
            reasoningTokens?: number;
        };
        /** @description Which model produced a reply. */
        ModelInfo: {
            /**
             * @description `demo` is the built-in offline model; `openai-compatible` is any endpoint speaking the OpenAI chat completions
             *     API (`OPENAI_*`); otherwise the LangChain provider `CHAT_MODEL` names (`anthropic`, `ollama`, `google-genai`, …).
             * @example openai-compatible
             * @example demo
             * @example anthropic
             */
            provider: string;
            /** @description The model name sent to the provider. */
            name: string;
            /** @description True when replies come from the built-in demo model, not a real LLM. */
            demo: boolean;
        };
        /** @description Liveness, the active model, and whether requests need a key. */
        Health: {
            /** @constant */
            status: "ok";
            model: components["schemas"]["ModelInfo"];
            /**
             * @description `api_keys`: requests need `Authorization: Bearer <key>`; `none`: the server is open to anyone who can reach it.
             * @enum {string}
             */
            auth: "none" | "api_keys";
        };
        /**
         * @description One SSE event of the stream, as `event:` name, `id:` and the JSON `data:` payload (an annotation of the
         *     `text/event-stream` body: JSON Schema cannot validate SSE framing itself).
         */
        StreamEvent: components["schemas"]["TokenStreamEvent"] | components["schemas"]["ReasoningStreamEvent"] | components["schemas"]["CompleteStreamEvent"] | components["schemas"]["ErrorStreamEvent"];
        /** @description A `token` event as framed on the wire. */
        TokenStreamEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            event: "token";
            id: components["schemas"]["StreamEventId"];
            data: components["schemas"]["TokenEvent"];
        };
        /** @description A `reasoning` event as framed on the wire (only with `includeReasoning`). */
        ReasoningStreamEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            event: "reasoning";
            id: components["schemas"]["StreamEventId"];
            data: components["schemas"]["ReasoningEvent"];
        };
        /** @description A `complete` event as framed on the wire. */
        CompleteStreamEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            event: "complete";
            id: components["schemas"]["StreamEventId"];
            data: components["schemas"]["CompleteEvent"];
        };
        /** @description An `error` event as framed on the wire. */
        ErrorStreamEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            event: "error";
            id: components["schemas"]["StreamEventId"];
            data: components["schemas"]["ErrorEvent"];
        };
        /** @description The SSE `id:` field, a decimal number that increases within a stream, starting at 1. */
        StreamEventId: string;
        /** @description Event `token`: the next non-empty piece of the reply. */
        TokenEvent: {
            content: string;
        };
        /**
         * @description Event `reasoning` (only with `includeReasoning`): the next non-empty piece of the model's thinking. Usually all
         *     of it comes before the first `token`, but it may interleave; it shares the id sequence with `token`.
         */
        ReasoningEvent: {
            content: string;
        };
        /** @description Event `complete`: sent exactly once, last, when the reply finished. `content` equals every token's content joined. */
        CompleteEvent: {
            messageId: string;
            content: string;
            /** @description Every `reasoning` event's content joined, when the request asked for reasoning and the model reasoned. */
            reasoning?: string;
            finishReason: components["schemas"]["FinishReason"];
            usage?: components["schemas"]["Usage"];
            model: components["schemas"]["ModelInfo"];
        };
        /** @description Event `error`: sent at most once, last, when the stream fails after it started. `partialContent` equals every token already sent. */
        ErrorEvent: {
            code: components["schemas"]["ErrorCode"];
            message: string;
            /** @description True when sending the same request again may succeed. */
            retryable: boolean;
            /** @description Seconds to wait before retrying, when known (the provider's `Retry-After`, or the server's own when it is restarting). */
            retryAfterSeconds?: number;
            partialContent: string;
            /** @description Every `reasoning` event already sent, joined (only with `includeReasoning`, when there was some). */
            partialReasoning?: string;
        };
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "not_ready";
            checks: {
                /** @description Every worker process listens (always true without a cluster, once listening). */
                workersListening: boolean;
                /**
                 * @description Whether Redis answered a PING within a second (`not_configured` without `REDIS_URL`).
                 * @enum {string}
                 */
                redis: "ok" | "unavailable" | "not_configured";
                shuttingDown: boolean;
            };
        };
        /** @description A reply's id. */
        MessageId: string;
        /** @description An SSE event id as text (a non-negative integer). */
        EventIdText: string;
        /** @description What `stopMessage` did. */
        StopResult: {
            messageId: components["schemas"]["MessageId"];
            /**
             * @description `stopping`: the reply was running; its readers' streams end with `complete` (`finishReason: "cancelled"`).
             *     `already_ended`: the reply had ended before; nothing changed.
             * @enum {string}
             */
            outcome: "stopping" | "already_ended";
        };
        /**
         * @description Machine-readable error cause.
         *     Request errors: `invalid_request` (400), `malformed_json` (400), `unauthorized` (401, no key or an unknown one),
         *     `not_acceptable` (406), `payload_too_large` (413), `unsupported_media_type` (415), `not_found` (404),
         *     `rate_limited` (429, a limit of this server; `Retry-After` says when).
         *     Model provider errors (JSON status / in a stream, an `error` event): `upstream_auth` (502, the provider rejected our credentials),
         *     `upstream_error` (502, any other provider error), `upstream_rate_limited` (503), `upstream_unavailable` (503),
         *     `upstream_timeout` (504).
         *     Server: `overloaded` (503, at capacity), `server_shutdown` (503, restarting), `storage_unavailable` (503, the
         *     reply store, Redis, does not answer), `internal` (500).
         *     `x-retryable` lists the codes after which sending the same request again may succeed. In a stream, the `error`
         *     event's `retryable` decides for that one failure; an error answered before a stream starts has no such flag, so
         *     clients go by this list (for example to offer a Retry button).
         * @enum {string}
         */
        ErrorCode: "invalid_request" | "malformed_json" | "unauthorized" | "not_acceptable" | "payload_too_large" | "unsupported_media_type" | "not_found" | "rate_limited" | "upstream_auth" | "upstream_error" | "upstream_rate_limited" | "upstream_unavailable" | "upstream_timeout" | "overloaded" | "server_shutdown" | "storage_unavailable" | "internal";
        /** @description Every error answered before a stream starts. */
        ErrorResponse: {
            error: {
                code: components["schemas"]["ErrorCode"];
                /** @description What went wrong, for people. Never a stack trace. */
                message: string;
                /** @description One entry per invalid field (`invalid_request` only), the first 100 when there are more (the message counts them all). */
                details?: components["schemas"]["FieldError"][];
                /** @description In JSON mode, the text the model had already produced when the reply failed or was ended by a restart, so it is not lost. */
                partialContent?: string;
                /** @description In JSON mode with `includeReasoning`, the reasoning the model had already produced when the reply failed. */
                partialReasoning?: string;
            };
        };
        /** @description One problem with one field of the request body. */
        FieldError: {
            /** @description JSON Pointer to the field (`""` for the body itself). */
            path: string;
            message: string;
        };
    };
    responses: {
        /** @description The request carries no key, or one the server does not know (or, for `/metrics`, not its `METRICS_TOKEN`). */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /**
         * @description A limit of this server was reached: requests per minute, concurrent replies or tokens per day for this key (or
         *     client address), or too many failed authentications from this address. `Retry-After` says when to try again.
         */
        RateLimited: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "Retry-After": components["headers"]["Retry-After"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                RateLimit: components["headers"]["RateLimit"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description No resumable reply has this id, or it ended longer than `REPLY_RETENTION_MS` ago. */
        ReplyNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The body is not valid JSON or does not match `SendMessageRequest`. */
        BadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The `Accept` header neither allows `application/json` nor names `text/event-stream` (SSE is sent only to clients that name it, so `text/*` alone is not enough). */
        NotAcceptable: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The body is larger than the server accepts. */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The body is not sent as `application/json`. */
        UnsupportedMediaType: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description An unexpected server fault. The message never includes a stack trace. */
        InternalError: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The model provider refused the request or answered with something unusable (JSON mode only; a stream reports this as an `error` event). */
        BadGateway: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /**
         * @description The model provider is unavailable or rate-limited us (JSON mode; once a stream has started this is an `error`
         *     event instead), or this server is at capacity (`overloaded`) or restarting (`server_shutdown`), which is
         *     answered as JSON before any stream starts, whatever the `Accept`.
         */
        ServiceUnavailable: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The model provider did not answer in time (JSON mode only; a stream reports this as an `error` event). */
        GatewayTimeout: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /**
         * @description The reply's id, as `X-Message-Id` and `complete.messageId` carry it.
         * @example msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9
         */
        MessageId: components["schemas"]["MessageId"];
        /**
         * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
         * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
         */
        RequestId: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description The reply's id, sent with the headers of every SSE response; `complete.messageId` carries the same id.
         * @example msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9
         */
        "X-Message-Id": components["schemas"]["MessageId"];
        /**
         * @description The request's correlation id (the client's, or one the server generated).
         * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
         */
        "X-Request-Id": string;
        /**
         * @description The authentication scheme to use (RFC 9110), sent with every `401`.
         * @example Bearer realm="streaming-chat"
         */
        "WWW-Authenticate": string;
        /**
         * @description The limits that apply to this client, as in the IETF draft (draft-ietf-httpapi-ratelimit-headers): a list of
         *     policies, each a name with its quota `q` and window `w` in seconds. Sent with every `sendMessage` answer
         *     when a limit is configured.
         * @example "requests";q=60;w=60, "tokens";q=200000;w=86400
         */
        "RateLimit-Policy": string;
        /**
         * @description What is left of the tightest policy, as in the IETF draft: its name, the remaining quota `r` and the seconds
         *     `t` until it is restored. Sent with every `sendMessage` answer when a limit is configured.
         * @example "requests";r=0;t=42
         */
        RateLimit: string;
        /**
         * @description Seconds after which the request may be retried.
         * @example 5
         */
        "Retry-After": number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    sendMessage: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMessageRequest"];
            };
        };
        responses: {
            /** @description The assistant's reply, as an SSE stream or as one JSON body. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "X-Message-Id": components["headers"]["X-Message-Id"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageResponse"];
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    resumeMessage: {
        parameters: {
            query?: {
                /**
                 * @description The same as `Last-Event-ID`, for clients that cannot set headers; the header wins when both are sent.
                 * @example 41
                 */
                lastEventId?: components["schemas"]["EventIdText"];
            };
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description The id of the last event the client has; the answer starts after it.
                 * @example 41
                 */
                "Last-Event-ID"?: components["schemas"]["EventIdText"];
            };
            path: {
                /**
                 * @description The reply's id, as `X-Message-Id` and `complete.messageId` carry it.
                 * @example msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9
                 */
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The events after the given id, then the live ones, ending with `complete` or `error`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "X-Message-Id": components["headers"]["X-Message-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The client already has the reply's last event; there is nothing more to send. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["ReplyNotFound"];
            406: components["responses"]["NotAcceptable"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    stopMessage: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The reply's id, as `X-Message-Id` and `complete.messageId` carry it.
                 * @example msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9
                 */
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the stop did. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StopResult"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["ReplyNotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready for new requests. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            500: components["responses"]["InternalError"];
            /** @description Not ready; `checks` says why. */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Correlation id; echoed in the response and in the server's log lines. Generated when absent or not 1 to 128 characters of `[A-Za-z0-9._:-]`.
                 * @example 4b0e6f4e-2f7c-4d9f-9a51-0c2b0f1f8c11
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server is up. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
}
