/**
 * The typed operation layer at run time, and the compile-time promise it exists for: a spec that stops documenting a
 * status the server still answers no longer type-checks.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { handleErrors } from "../../server/http/handle-errors.js";
import { assignRequestContext } from "../../server/http/request-context.js";
import { createLogger } from "../../server/logger.js";
import { mountOperations } from "../../server/operations/mount-operations.js";
import { ContractError } from "../../server/replies/contract-error.js";
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";
import { expectContractError } from "../helpers/expect-contract.js";

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, "../..");
const SLOW = 120_000;
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup) await step();
});

/** An app whose three operations misbehave on purpose, logging into `logs`. */
async function startMisbehavingApp() {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use(assignRequestContext(createLogger("info", sink)));
  const router = express.Router();
  mountOperations(
    router,
    {
      // Nothing in the types stops a handler from throwing: the layer catches what the spec does not document.
      getHealth: { failures: ["internal"], handle: () => Promise.reject(new ContractError("overloaded", "Busy.")) },
      getMetrics: { failures: ["internal"], handle: (_request, response) => response.text(200, "ok") },
      getLiveness: { failures: ["internal"], handle: (_request, response) => response.json(200, { status: "ok" }) },
      getReadiness: {
        failures: ["internal"],
        handle: (_request, response) =>
          response.json(503, { status: "not_ready", checks: { workersListening: false, redis: "not_configured", shuttingDown: false } }),
      },
      resumeMessage: { failures: ["internal"], handle: (_request, response) => response.empty(204) },
      stopMessage: { failures: ["internal"], handle: (_request, response) => response.json(200, { messageId: "msg_1", outcome: "already_ended" }) },
      sendMessage: {
        failures: ["internal", "invalid_request", "unsupported_media_type"],
        handle: (_request, response) => response.json(200, undefined as never),
      },
    },
    createSchemaValidator(),
    { apiKey: (_req, _res, next) => next(), metricsToken: (_req, _res, next) => next() },
  );
  app.use(router, handleErrors);
  const server = await new Promise<import("node:http").Server>((done) => {
    const listening = app.listen(0, "127.0.0.1", () => done(listening));
  });
  cleanup.push(() => new Promise((done) => server.close(() => done())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs };
}

describe("mountOperations at run time", () => {
  it("answers a failure the operation does not document as internal, and logs it as a bug", async () => {
    const { baseUrl, logs } = await startMisbehavingApp();
    const response = await fetch(`${baseUrl}/api/v1/health`, { headers: { "x-request-id": "undocumented" } });
    expectContractError({ status: response.status, headers: response.headers, raw: await response.text() }, 500, "internal");
    expect(logs.find((line) => line.requestId === "undocumented" && line.operationId === "getHealth")).toMatchObject({
      level: 50,
      code: "overloaded",
      msg: "a failure the spec does not document for this operation",
    });
  });

  it("mounts each operation at the method and path of the spec, and validates its body against the spec's schema", async () => {
    const { baseUrl } = await startMisbehavingApp();
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/v1/health`, { method: "POST" })).status).toBe(404);
    const invalid = await fetch(`${baseUrl}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"message":""}' });
    expectContractError({ status: invalid.status, headers: invalid.headers, raw: await invalid.text() }, 400, "invalid_request");
  });
});

describe("the server's types follow the spec", () => {
  it(
    "stop compiling when the spec drops a status the server still answers",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "typed-operations-"));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      for (const folder of ["openapi", "generated", "contract", "server"]) await cp(join(REPO_ROOT, folder), join(dir, folder), { recursive: true });
      await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
      await writeFile(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(REPO_ROOT, "tsconfig.json"), include: ["server", "contract", "generated"] }));
      await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
      const typecheck = () =>
        run(join(REPO_ROOT, "node_modules/.bin/tsc"), ["-p", join(dir, "tsconfig.json"), "--noEmit"]).then(
          () => "",
          (error: { stdout?: string }) => error.stdout ?? "failed without output",
        );
      expect(await typecheck(), "the unchanged copy compiles").toBe("");

      const specPath = join(dir, "openapi/streaming-api.yaml");
      const spec = parseDocument(await readFile(specPath, "utf8"));
      spec.deleteIn(["paths", "/api/v1/messages", "post", "responses", "504"]);
      spec.deleteIn(["paths", "/api/v1/health", "get", "responses", "500"]);
      await writeFile(specPath, spec.toString());
      await run(join(REPO_ROOT, "node_modules/.bin/tsx"), ["scripts/generate.ts", "--spec", specPath, "--out", join(dir, "generated")], { cwd: REPO_ROOT });

      const compiled = await typecheck();
      // sendMessage still lists upstream_timeout (504), and getHealth's internal (500) is no longer documented.
      expect(compiled).toMatch(/server\/routes\/send-message\.ts\(\d+,\d+\): error TS2322/);
      expect(compiled).toContain(`Type '"upstream_timeout"' is not assignable`);
      expect(compiled).toMatch(/server\/routes\/get-health\.ts\(\d+,\d+\): error TS2322/);
      expect(compiled.match(/error TS/g), compiled).toHaveLength(2);
    },
    SLOW,
  );
});
