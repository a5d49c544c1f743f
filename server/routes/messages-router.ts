import express, { Router, type RequestHandler } from "express";
import type { SendMessageRequest } from "../../contract/index.js";
import type { ChatModelHandle } from "../chat/model-info.js";
import type { Config } from "../config.js";
import { negotiateResponseMode } from "../http/negotiate-response-mode.js";
import { requireJsonContentType } from "../http/require-json-content-type.js";
import type { Metrics } from "../observability/create-metrics.js";
import { ContractError } from "../replies/contract-error.js";
import { createReplyTelemetry } from "../replies/create-reply-telemetry.js";
import type { ReplyRegistry } from "../replies/reply-registry.js";
import { sendJsonReply } from "../replies/send-json-reply.js";
import { sendSseReply } from "../replies/send-sse-reply.js";
import type { SchemaValidator } from "../validation/create-schema-validator.js";

export interface MessagesRouterDeps {
  config: Pick<Config, "heartbeatMs" | "clientStallTimeoutMs" | "maxBodyBytes" | "logContent">;
  chat: ChatModelHandle;
  validator: SchemaValidator;
  replies: ReplyRegistry;
  metrics: Metrics;
}

const MAX_LISTED_PROBLEMS = 5;

function validateBody(validator: SchemaValidator): RequestHandler {
  return (req, _res, next) => {
    const problems = validator.validate("SendMessageRequest", req.body);
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(({ path, message }) => `${path || "(body)"} ${message}`);
      const more = problems.length > MAX_LISTED_PROBLEMS ? ` (and ${problems.length - MAX_LISTED_PROBLEMS} more)` : "";
      throw new ContractError("invalid_request", `The request body does not match SendMessageRequest: ${listed.join("; ")}${more}`, {
        details: problems,
      });
    }
    next();
  };
}

/** `POST /messages`: negotiate the response mode → check and parse the body → validate it against the spec → admit → reply. */
export function createMessagesRouter({ config, chat, validator, replies, metrics }: MessagesRouterDeps): Router {
  const router = Router();
  router.post(
    "/messages",
    negotiateResponseMode,
    requireJsonContentType,
    // The type was already checked above; strict: false lets a JSON scalar through to schema validation,
    // which explains "must be object" better than a parse error would.
    express.json({ limit: config.maxBodyBytes, strict: false, type: () => true }),
    validateBody(validator),
    async (req, res) => {
      const admitted = replies.admit(res);
      if (admitted instanceof ContractError) {
        metrics.rejected.inc({ code: admitted.code });
        throw admitted;
      }
      // Sound because validateBody ran first.
      const request = req.body as SendMessageRequest;
      const log = request.conversationId ? res.locals.log.child({ conversationId: request.conversationId }) : res.locals.log;
      const mode = res.locals.responseMode;
      const telemetry = createReplyTelemetry({ log, metrics, mode, model: chat.info.name, prompt: request.message, logContent: config.logContent });
      const { signal } = admitted;
      const parts = chat.streamReply(request, { signal, onRetry: telemetry.retry });
      const context = { res, parts, model: chat.info, signal, telemetry };
      if (mode === "sse") await sendSseReply(context, { heartbeatMs: config.heartbeatMs, stallTimeoutMs: config.clientStallTimeoutMs });
      else await sendJsonReply(context);
    },
  );
  return router;
}
