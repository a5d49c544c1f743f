import type { Request, RequestHandler } from "express";
import { HttpError } from "../errors.js";

export type ResponseMode = "sse" | "json";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** How this request's reply is sent, chosen from `Accept`. */
      responseMode: ResponseMode;
    }
  }
}

const NAMES_SSE = /(^|,)\s*text\/event-stream\s*(;|,|$)/i;

/**
 * SSE only when the client names `text/event-stream`; JSON for no `Accept`, `*\/*` or `application/json`,
 * so plain clients such as `curl` or older SDKs keep getting one JSON body.
 */
export function chooseResponseMode(req: Request): ResponseMode | undefined {
  const accept = req.get("accept");
  if (accept === undefined || accept.trim() === "") return "json";
  if (NAMES_SSE.test(accept)) {
    const best = req.accepts(["text/event-stream", "application/json"]);
    if (best === "text/event-stream") return "sse";
    if (best === "application/json") return "json";
  }
  return req.accepts("application/json") ? "json" : undefined;
}

export const negotiateResponseMode: RequestHandler = (req, res, next) => {
  const mode = chooseResponseMode(req);
  if (mode === undefined) {
    throw new HttpError(406, "not_acceptable", `Accept must allow application/json or text/event-stream, got: ${req.get("accept")}`);
  }
  res.locals.responseMode = mode;
  next();
};
