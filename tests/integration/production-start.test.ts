/**
 * The production path: the server compiled by `tsc -p tsconfig.server.json` (as `npm start` and `npm run build` do)
 * runs under plain `node <out>/server/main.js`, with no TypeScript loader: the spec's JSON is where the compiled
 * imports look for it, the UI is served from the `web/` beside `server/`, a reply streams, and SIGTERM drains and
 * exits 0.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../fixtures/find-free-port.js";
import { ensureServerBuild } from "../../scripts/build-server.js";
import { postForSse } from "../helpers/read-sse.js";
import { until } from "../helpers/start-server-process.js";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const PAGE = "<!doctype html><title>compiled layout</title>";

let outDir: string;
let server: ChildProcess;
let baseUrl: string;
let output = "";

beforeAll(async () => {
  // Inside the repository, like dist/: the compiled files find node_modules and package.json's "type": "module" by
  // walking up, exactly as dist/server/main.js does.
  mkdirSync(join(REPO_ROOT, "tmp"), { recursive: true });
  outDir = mkdtempSync(join(REPO_ROOT, "tmp", "production-start-"));
  expect(await ensureServerBuild({ outDir })).toBe(true);
  // A stand-in for the built UI: only where the server looks for it matters here.
  mkdirSync(join(outDir, "web"));
  writeFileSync(join(outDir, "web/index.html"), PAGE);

  const port = await findFreePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [join(outDir, "server/main.js")], {
    cwd: REPO_ROOT,
    // No OPENAI_* variables: the demo model, fast.
    env: { PATH: process.env.PATH, PORT: String(port), HOST: "127.0.0.1", SERVER_WORKERS: "1", LOG_LEVEL: "info", DEMO_TOKEN_DELAY_MS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  await until(
    () => output.includes('"msg":"Listening') || server.exitCode !== null,
    20_000,
    () => `the compiled server to listen:\n${output}`,
  );
  expect(server.exitCode, output).toBeNull();
}, 60_000);

afterAll(() => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("the server compiled to JavaScript", () => {
  it("answers health with the demo model", async () => {
    const response = await fetch(`${baseUrl}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", model: { provider: "demo", name: "demo-echo", demo: true }, auth: "none" });
  });

  it("streams a reply to its complete event", async () => {
    const result = await postForSse(`${baseUrl}/api/v1/messages`, { message: "hello from dist" });
    expect(result.status).toBe(200);
    expect(result.endedCleanly).toBe(true);
    expect(result.events.filter((event) => event.event === "token").length).toBeGreaterThan(1);
    expect(result.events.at(-1)?.event).toBe("complete");
  });

  it("serves the UI from the web folder beside its server folder", async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(PAGE);
  });

  it("drains on SIGTERM and exits 0", async () => {
    const exited = new Promise<number | null>((done) => server.once("exit", (code) => done(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("all replies ended; exiting");
  });
});

describe("building the server", () => {
  it("does not build again while its inputs are unchanged, and does when the build is stale", async () => {
    expect(await ensureServerBuild({ outDir })).toBe(false);
    writeFileSync(join(outDir, "server/.build-inputs-hash"), "built from other sources");
    expect(await ensureServerBuild({ outDir })).toBe(true);
    expect(await ensureServerBuild({ outDir })).toBe(false);
  }, 30_000);
});
