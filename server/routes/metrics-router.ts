import { Router } from "express";
import type { Metrics } from "../observability/create-metrics.js";

/**
 * `GET /metrics`: Prometheus text format. `render` defaults to this process's registry; in cluster mode it is the
 * aggregate of every worker (see `cluster/cluster-metrics.ts`), since one worker sees only part of the traffic.
 */
export function createMetricsRouter(metrics: Metrics, render: () => Promise<string> = () => metrics.registry.metrics()): Router {
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await render());
  });
  return router;
}
