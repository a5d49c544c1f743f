import type { Response } from "express";
import { ContractError } from "../replies/contract-error.js";

/** The realm every challenge names (RFC 9110 §11.6.1). */
const REALM = 'Bearer realm="streaming-chat"';

/**
 * The 401 for a request without a usable credential (`missing`) or with one the server does not accept (`invalid`):
 * sets the challenge (`error="invalid_token"` only for the latter, as RFC 6750 §3 asks) and returns the error to throw.
 * The message says how to send a credential, and nothing about which exist.
 */
export function refuseUnauthorized(res: Response, why: "missing" | "invalid", message: string): ContractError {
  res.setHeader("WWW-Authenticate", why === "invalid" ? `${REALM}, error="invalid_token"` : REALM);
  return new ContractError("unauthorized", message);
}
