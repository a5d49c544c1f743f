import type { Request, RequestHandler } from "express";
import { RESPONSE_MODE_BY_MEDIA_TYPE, type ResponseMode } from "../../contract/index.js";
import { ContractError } from "../replies/contract-error.js";

declare global {
  namespace Express {
    interface Locals {
      /** How this request's reply is sent, chosen from `Accept`. */
      responseMode: ResponseMode;
    }
  }
}

const SSE_MODE = RESPONSE_MODE_BY_MEDIA_TYPE["text/event-stream"];
const JSON_MODE = RESPONSE_MODE_BY_MEDIA_TYPE["application/json"];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Parses `Accept` into ranges with their q-values; other parameters (`charset=…`) do not affect the choice. */
function parseAccept(header: string): MediaRange[] {
  return header.split(",").flatMap((part) => {
    const [range = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const [type, subtype] = range.split("/");
    if (!type || !subtype) return [];
    const qParam = params.find((param) => param.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return Number.isFinite(q) ? [{ type, subtype, q }] : [];
  });
}

/**
 * The q-value the client gives `type/subtype`: the most specific matching ranges win (RFC 9110 §12.5.1), and the
 * highest q among them when a client repeats a range.
 */
function qualityOf(ranges: MediaRange[], type: string, subtype: string): number {
  const levels = [
    ranges.filter((range) => range.type === type && range.subtype === subtype),
    ranges.filter((range) => range.type === type && range.subtype === "*"),
    ranges.filter((range) => range.type === "*" && range.subtype === "*"),
  ];
  const matching = levels.find((level) => level.length > 0) ?? [];
  return Math.max(0, ...matching.map((range) => range.q));
}

/**
 * SSE only when the client names `text/event-stream` (and does not prefer JSON); JSON for no `Accept`, `*\/*`
 * or `application/json`, so plain clients such as `curl` or older SDKs keep getting one JSON body.
 */
function chooseResponseMode(req: Request): ResponseMode | undefined {
  const header = req.get("accept");
  if (header === undefined || header.trim() === "") return JSON_MODE;
  const ranges = parseAccept(header);
  const named = ranges.some((range) => range.type === "text" && range.subtype === "event-stream");
  const sse = named ? qualityOf(ranges, "text", "event-stream") : 0;
  const json = qualityOf(ranges, "application", "json");
  if (sse > 0 && sse >= json) return SSE_MODE;
  return json > 0 ? JSON_MODE : undefined;
}

export const negotiateResponseMode: RequestHandler = (req, res, next) => {
  const mode = chooseResponseMode(req);
  if (mode === undefined) {
    throw new ContractError("not_acceptable", `Accept must allow application/json or name text/event-stream, got: ${req.get("accept")}`);
  }
  res.locals.responseMode = mode;
  next();
};
