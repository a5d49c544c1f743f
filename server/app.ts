import express, { type Express } from "express";
import type { ChatModelHandle } from "./chat/model-info.js";
import type { Config } from "./config.js";
import { handleErrors, respondNotFound } from "./http/handle-errors.js";
import { assignRequestContext } from "./http/request-context.js";
import type { Logger } from "./logger.js";
import { createHealthRouter } from "./routes/health-router.js";
import { createMessagesRouter } from "./routes/messages-router.js";
import { createSchemaValidator } from "./validation/create-schema-validator.js";

export interface AppDeps {
  config: Pick<Config, "upstream" | "heartbeatMs" | "clientStallTimeoutMs" | "maxBodyBytes">;
  chat: ChatModelHandle;
  logger: Logger;
}

/** Builds the Express app from its dependencies. It reads no environment and opens no port: see `main.ts`. */
export function createApp({ config, chat, logger }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Replies are never the same twice, so an ETag only costs a hash of every body.
  app.set("etag", false);
  app.use(assignRequestContext(logger));
  app.use("/api/v1", createHealthRouter(chat.info), createMessagesRouter({ config, chat, validator: createSchemaValidator() }));
  app.use(respondNotFound);
  app.use(handleErrors);
  return app;
}
