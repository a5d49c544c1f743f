import { Router } from "express";
import type { Health, ModelInfo } from "../../contract/index.js";

/** `GET /health`: the server is up, and which model answers (flagging the demo). */
export function createHealthRouter(info: ModelInfo): Router {
  const router = Router();
  router.get("/health", (_req, res) => {
    const body: Health = { status: "ok", model: info };
    res.json(body);
  });
  return router;
}
