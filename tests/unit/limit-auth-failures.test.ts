/**
 * The auth-failure limiter knows nothing of how keys are checked, so it is tested here with a tiny Express app whose
 * routes answer 401 to a wrong key. (With sec-auth's middleware merged, the same check runs end to end against a
 * server with API_KEYS.)
 */
import express from "express";
import type { AddressInfo } from "node:net";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleErrors } from "../../server/http/handle-errors.js";
import { findKeyedRoutes, limitAuthFailures } from "../../server/limits/limit-auth-failures.js";
import { createMetrics } from "../../server/observability/create-metrics.js";
import { expectContractError } from "../helpers/expect-contract.js";

const PER_MINUTE = 3;
const metrics = createMetrics({ activeReplies: () => 0 });
let baseUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const app = express();
  // Each test's caller picks its address with X-Forwarded-For, as behind a proxy with TRUST_PROXY.
  app.set("trust proxy", true);
  app.use((_req, res, next) => {
    res.setHeader("X-Request-Id", "0123456789abcdef0123456789abcdef");
    next();
  });
  app.use(limitAuthFailures({ counter: new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 60 }), perMinute: PER_MINUTE, metrics }));
  const checkKey: express.RequestHandler = (req, res) => {
    if (req.get("authorization") === "Bearer right") res.json({ ok: true });
    else res.status(401).json({ error: { code: "unauthorized", message: "wrong key" } });
  };
  app.post("/api/v1/messages", checkKey);
  app.post("/api/v1/messages/:messageId/stop", checkKey);
  app.get("/metrics", checkKey);
  app.get("/api/v1/health", (_req, res) => res.json({ ok: true }));
  app.use(handleErrors);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

const call = async (path: string, address: string, key: string, method = "POST") => {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${key}`, "x-forwarded-for": address } });
  return { status: response.status, headers: response.headers, raw: await response.text() };
};

describe("limitAuthFailures", () => {
  it("blocks an address after N failed authentications, on every keyed operation, even with the right key", async () => {
    for (let attempt = 0; attempt < PER_MINUTE; attempt += 1) expect((await call("/api/v1/messages", "10.0.0.1", "guess")).status).toBe(401);
    const blocked = await call("/api/v1/messages", "10.0.0.1", "right");
    const error = expectContractError(blocked, 429, "rate_limited");
    expect(error.message).toMatch(/^Too many failed authentications from this address; try again in \d+ s\.$/);
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(blocked.headers.get("ratelimit-policy")).toBe('"auth-failures";q=3;w=60');
    expect(blocked.headers.get("ratelimit")).toBe(`"auth-failures";r=0;t=${retryAfter}`);
    expectContractError(await call("/api/v1/messages/msg_1/stop", "10.0.0.1", "right"), 429, "rate_limited");
    expect(await metrics.registry.metrics()).toMatch(/^chat_rate_limited_total\{limit="auth_failures"\} 2$/m);
  });

  it("leaves other addresses, and the operations that need no key, alone", async () => {
    for (let attempt = 0; attempt < PER_MINUTE; attempt += 1) await call("/api/v1/messages", "10.0.0.2", "guess");
    expect((await call("/api/v1/health", "10.0.0.2", "", "GET")).status, "health needs no key").toBe(200);
    expect((await call("/api/v1/messages", "10.0.0.3", "right")).status, "another address").toBe(200);
  });

  it("counts failures below the limit without blocking, and counts /metrics' 401s too", async () => {
    for (let attempt = 0; attempt < PER_MINUTE - 1; attempt += 1) expect((await call("/metrics", "10.0.0.4", "guess", "GET")).status).toBe(401);
    expect((await call("/api/v1/messages", "10.0.0.4", "right")).status).toBe(200);
    expect((await call("/metrics", "10.0.0.4", "guess", "GET")).status).toBe(401);
    expect((await call("/api/v1/messages", "10.0.0.4", "right")).status).toBe(429);
  });

  it("finds the keyed routes in the spec: the operations that need a key and document a 429", () => {
    expect(findKeyedRoutes()).toEqual([
      { method: "post", expressPath: "/api/v1/messages" },
      { method: "get", expressPath: "/api/v1/messages/:messageId/events" },
      { method: "post", expressPath: "/api/v1/messages/:messageId/stop" },
    ]);
  });
});
