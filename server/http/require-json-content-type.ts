import type { RequestHandler } from "express";
import { ContractError } from "../replies/contract-error.js";

/** Answers 415 unless the body is declared as `application/json`, the only request type the contract lists. */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  const contentType = req.get("content-type");
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType !== "application/json") {
    throw new ContractError("unsupported_media_type", `Content-Type must be application/json, got: ${contentType ?? "none"}`);
  }
  next();
};
