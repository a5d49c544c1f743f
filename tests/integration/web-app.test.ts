import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild } from "../../scripts/build-web.js";
import { startTestApp, type TestApp } from "../../fixtures/start-test-app.js";

let outDir: string;
let app: TestApp;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "web-build-"));
  // A real build, into a folder of this test's own (the e2e suite uses dist/web).
  expect(await ensureWebBuild({ outDir })).toBe(true);
  app = await startTestApp({}, { webRoot: outDir });
}, 120_000);
afterAll(async () => {
  await app?.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe("building the UI", () => {
  it("does not build again while its inputs are unchanged, and does when the build is stale", async () => {
    expect(await ensureWebBuild({ outDir })).toBe(false);
    writeFileSync(join(outDir, ".build-inputs-hash"), "built from other sources");
    expect(await ensureWebBuild({ outDir })).toBe(true);
    expect(await ensureWebBuild({ outDir })).toBe(false);
  }, 120_000);
});

describe("serving the UI from the API's origin", () => {
  it("serves the page at / with a strict Content-Security-Policy and no caching", async () => {
    const response = await fetch(`${app.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toContain('<div id="app"></div>');
  });

  it("serves the hashed assets the page names, cached as immutable", async () => {
    const html = readFileSync(join(outDir, "index.html"), "utf8");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const response = await fetch(`${app.baseUrl}${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
    expect(response.headers.get("cache-control")).toMatch(/max-age=31536000.*immutable/);
    expect(readdirSync(join(outDir, "assets")).length).toBeGreaterThan(0);
  });

  it("still answers unknown paths and missing assets with the contract's JSON 404, not the page", async () => {
    for (const path of ["/nope", "/assets/missing.js", "/api/v1/nope"]) {
      const response = await fetch(`${app.baseUrl}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ error: { code: "not_found" } });
    }
  });

  it("keeps the API working beside the page", async () => {
    const response = await fetch(`${app.baseUrl}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });
});
