import type { RequestHandler } from "express";
import { ContractError } from "../replies/contract-error.js";

/** `charset=utf-8`, in any case and optionally quoted; any other charset is refused. */
function readCharset(parameters: string[]): string | undefined {
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=").map((part) => part.trim());
    if (name.toLowerCase() === "charset") return value.replace(/^"(.*)"$/, "$1").toLowerCase();
  }
  return undefined;
}

/**
 * Answers 415 unless the body is declared as `application/json` (the only request type the contract lists) in UTF-8,
 * the only encoding RFC 8259 allows between systems. The body parser would decode `utf-16` or `utf-7` too, and a body
 * in UTF-7 smuggles quotes and brackets past anything that reads the bytes as UTF-8 first.
 */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  const contentType = req.get("content-type");
  const [type = "", ...parameters] = contentType?.split(";") ?? [];
  if (type.trim().toLowerCase() !== "application/json") {
    throw new ContractError("unsupported_media_type", `Content-Type must be application/json, got: ${contentType ?? "none"}`);
  }
  const charset = readCharset(parameters);
  if (charset !== undefined && charset !== "utf-8") {
    throw new ContractError("unsupported_media_type", `Unsupported charset "${charset}": send the body as UTF-8.`);
  }
  next();
};
