import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../fixtures/start-test-app.js";
import { startServerProcess, stopServerProcess, type ServerProcess } from "../helpers/start-server-process.js";

const LISTED_ORIGIN = "https://chat.example";

let server: ServerProcess;
let webRoot: string;
let withUi: TestApp;
let openCors: TestApp;

beforeAll(async () => {
  // A stand-in for the built UI: what matters here is how it is served, not what it is.
  webRoot = mkdtempSync(join(tmpdir(), "security-headers-web-"));
  mkdirSync(join(webRoot, "assets"));
  writeFileSync(join(webRoot, "index.html"), '<!doctype html><div id="app"></div><script type="module" src="/assets/app-1234.js"></script>');
  writeFileSync(join(webRoot, "assets", "app-1234.js"), "console.log('ui');");
  [server, withUi, openCors] = await Promise.all([
    startServerProcess({ CORS_ORIGINS: LISTED_ORIGIN, DEMO_TOKEN_DELAY_MS: "0", MAX_BODY_BYTES: "2048" }),
    startTestApp({}, { webRoot }),
    startTestApp({ CORS_ORIGINS: "*" }),
  ]);
});

afterAll(async () => {
  stopServerProcess(server);
  await Promise.all([withUi?.close(), openCors?.close()]);
  rmSync(webRoot, { recursive: true, force: true });
});

interface Probe {
  name: string;
  path: string;
  init?: RequestInit;
  status: number;
}

const json = { "content-type": "application/json" };
const API_PROBES: Probe[] = [
  { name: "health", path: "/api/v1/health", status: 200 },
  { name: "health, HEAD", path: "/api/v1/health", init: { method: "HEAD" }, status: 200 },
  { name: "liveness", path: "/livez", status: 200 },
  { name: "readiness", path: "/readyz", status: 200 },
  { name: "metrics", path: "/metrics", status: 200 },
  { name: "unknown path (404)", path: "/nope/../../etc/passwd", status: 404 },
  { name: "unknown method", path: "/api/v1/health", init: { method: "DELETE" }, status: 404 },
  { name: "JSON reply", path: "/api/v1/messages", init: { method: "POST", headers: json, body: '{"message":"hi"}' }, status: 200 },
  {
    name: "SSE reply",
    path: "/api/v1/messages",
    init: { method: "POST", headers: { ...json, accept: "text/event-stream" }, body: '{"message":"hi"}' },
    status: 200,
  },
  { name: "malformed JSON (400)", path: "/api/v1/messages", init: { method: "POST", headers: json, body: "{" }, status: 400 },
  { name: "not acceptable (406)", path: "/api/v1/messages", init: { method: "POST", headers: { ...json, accept: "text/html" }, body: "{}" }, status: 406 },
  {
    name: "too large (413)",
    path: "/api/v1/messages",
    init: { method: "POST", headers: json, body: JSON.stringify({ message: "a".repeat(4096) }) },
    status: 413,
  },
  { name: "wrong media type (415)", path: "/api/v1/messages", init: { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" }, status: 415 },
  { name: "unknown reply's events (404)", path: "/api/v1/messages/msg_unknown/events", init: { headers: { accept: "text/event-stream" } }, status: 404 },
  {
    name: "CORS preflight",
    path: "/api/v1/messages",
    init: { method: "OPTIONS", headers: { origin: LISTED_ORIGIN, "access-control-request-method": "POST" } },
    status: 204,
  },
];

function expectSecurityHeaders(response: Response, context: string): void {
  expect(response.headers.get("x-content-type-options"), context).toBe("nosniff");
  expect(response.headers.get("x-frame-options"), context).toBe("DENY");
  expect(response.headers.get("referrer-policy"), context).toBe("no-referrer");
  expect(response.headers.get("cross-origin-opener-policy"), context).toBe("same-origin");
  expect(response.headers.get("content-security-policy"), context).toContain("frame-ancestors 'none'");
  expect(response.headers.get("x-powered-by"), context).toBeNull();
}

async function probe(baseUrl: string, { name, path, init, status }: Probe): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  expect(response.status, name).toBe(status);
  return response;
}

describe("security headers", () => {
  it.each(API_PROBES.map((entry) => [entry.name, entry] as const))("are on every API answer of the real server: %s", async (name, entry) => {
    expectSecurityHeaders(await probe(server.baseUrl, entry), name);
  });

  it("are on the UI's page, whose own CSP forbids framing, on its assets, and on a missing asset's 404", async () => {
    const page = await probe(withUi.baseUrl, { name: "page", path: "/", status: 200 });
    expectSecurityHeaders(page, "page");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expectSecurityHeaders(await probe(withUi.baseUrl, { name: "index.html", path: "/index.html", status: 200 }), "index.html");
    const asset = await probe(withUi.baseUrl, { name: "asset", path: "/assets/app-1234.js", status: 200 });
    expectSecurityHeaders(asset, "asset");
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expectSecurityHeaders(await probe(withUi.baseUrl, { name: "missing asset", path: "/assets/missing.js", status: 404 }), "missing asset");
  });
});

describe("the UI's files under odd conditional and Range headers", () => {
  it("answers a Range or a precondition it cannot meet with the contract's JSON error, never the page's HTML type", async () => {
    for (const path of ["/", "/assets/app-1234.js"]) {
      const oddHeaders: Record<string, string>[] = [
        { range: "bytes=5-2" },
        { range: "bytes=100000-" },
        { "if-match": '"nope"' },
        { "if-unmodified-since": "Thu, 01 Jan 1970 00:00:00 GMT" },
      ];
      for (const headers of oddHeaders) {
        const response = await fetch(`${withUi.baseUrl}${path}`, { headers });
        const context = `${path} ${JSON.stringify(headers)}`;
        expect(response.status, context).toBe(400);
        expect(response.headers.get("content-type"), context).toBe("application/json; charset=utf-8");
        expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "invalid_request" });
        expectSecurityHeaders(response, context);
      }
    }
  });
});

describe("CORS under attack", () => {
  it("never echoes an origin that is not listed, in a preflight or an answer, and says the answer varies by Origin", async () => {
    for (const origin of [
      "https://evil.example",
      `${LISTED_ORIGIN}.evil.example`,
      "null",
      `${LISTED_ORIGIN}:443`,
      "https://chat.example/",
      "HTTPS://CHAT.EXAMPLE",
    ]) {
      const preflight = await fetch(`${server.baseUrl}/api/v1/messages`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
      expect(preflight.headers.get("access-control-allow-origin"), origin).toBeNull();
      const answer = await fetch(`${server.baseUrl}/api/v1/health`, { headers: { origin } });
      expect(answer.headers.get("access-control-allow-origin"), origin).toBeNull();
      expect(answer.headers.get("vary"), origin).toContain("Origin");
    }
  });

  it("echoes a listed origin with Vary: Origin, and never allows credentials", async () => {
    const answer = await fetch(`${server.baseUrl}/api/v1/health`, { headers: { origin: LISTED_ORIGIN } });
    expect(answer.headers.get("access-control-allow-origin")).toBe(LISTED_ORIGIN);
    expect(answer.headers.get("vary")).toContain("Origin");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("with CORS_ORIGINS=*, answers * and never with credentials, whatever the request asks", async () => {
    for (const path of ["/api/v1/health", "/api/v1/messages"]) {
      const preflight = await fetch(`${openCors.baseUrl}${path}`, {
        method: "OPTIONS",
        headers: { origin: "https://anywhere.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
      expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    }
    const answer = await fetch(`${openCors.baseUrl}/api/v1/health`, { headers: { origin: "https://anywhere.example", cookie: "session=1" } });
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });
});
