import { describe, expect, it } from "vitest";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const ORIGIN = "https://chat.example";

let listed: TestApp;
let open: TestApp;
let closed: TestApp;

useAppOnFakeUpstream(
  {
    script: { tokens: ["ok"] },
    apps: { listed: { CORS_ORIGINS: `${ORIGIN}, https://other.example` }, open: { CORS_ORIGINS: "*" }, closed: {} },
  },
  (started) =>
    ({
      apps: { listed, open, closed },
    } = started),
);

const preflight = (app: TestApp, origin: string) =>
  fetch(`${app.baseUrl}/api/v1/messages`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, accept" },
  });

describe("CORS", () => {
  it("answers a preflight from a listed origin with 204 and what the SDK's request needs", async () => {
    const response = await preflight(listed, ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("lets a listed origin read the reply, its request id and its retry hint", async () => {
    const response = await fetch(`${listed.baseUrl}/api/v1/messages`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ message: "hi" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toBe("X-Request-Id, Retry-After, X-Message-Id");
  });

  it("gives an origin that is not listed no CORS headers, so the browser blocks it", async () => {
    const response = await preflight(listed, "https://evil.example");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows any origin with CORS_ORIGINS=*", async () => {
    const response = await preflight(open, "https://anywhere.example");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("adds no CORS headers when CORS_ORIGINS is not set: same-origin only", async () => {
    const response = await fetch(`${closed.baseUrl}/api/v1/health`, { headers: { origin: ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
