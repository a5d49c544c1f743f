import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../logger.js";

declare global {
  namespace Express {
    interface Locals {
      /** This request's correlation id, also in `X-Request-Id` and in every log line about it. */
      requestId: string;
      /** A logger whose lines carry `requestId`. */
      log: Logger;
    }
  }
}

/** What the contract allows as a client-sent id; anything else is replaced, so logs never carry injected text. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the client's `X-Request-Id` when valid, else a new UUID), echoes it on the
 * response, and logs one line when the response ends.
 */
export function assignRequestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming !== undefined && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.log = log;
    res.setHeader("X-Request-Id", requestId);

    const startedAt = performance.now();
    res.once("close", () => {
      // The request's logger as it ends: authentication may have added who the client is.
      res.locals.log.info(
        {
          method: req.method,
          path: req.originalUrl.split("?")[0],
          status: res.statusCode,
          durationMs: Math.round(performance.now() - startedAt),
          completed: res.writableFinished,
        },
        "request finished",
      );
    });
    next();
  };
}
