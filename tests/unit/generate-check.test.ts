/**
 * `generate --check` is what keeps generated/ honest in CI, so it is tested the way CI runs it: the real
 * script in a child process, on a copy of the contract and its generated files, never on the repo's own.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(REPO_ROOT, "node_modules/.bin/tsx");
const SLOW = 60_000;

interface Copy {
  spec: string;
  out: string;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let root: string;
let copies = 0;

/** A fresh copy of openapi/ and generated/ for one test, so tests never share state. */
async function copyContract(): Promise<Copy> {
  const dir = join(root, `copy-${++copies}`);
  await cp(join(REPO_ROOT, "openapi"), join(dir, "openapi"), { recursive: true });
  await cp(join(REPO_ROOT, "generated"), join(dir, "generated"), { recursive: true });
  return { spec: join(dir, "openapi/streaming-api.yaml"), out: join(dir, "generated") };
}

/** Runs scripts/generate.ts from the repo root, as `npm run generate` does; resolves with the exit code instead of throwing. */
async function generate(copy: Copy, ...flags: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(TSX, ["scripts/generate.ts", ...flags, "--spec", copy.spec, "--out", copy.out], { cwd: REPO_ROOT, timeout: SLOW });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** Adds an optional `uptimeSeconds` to the Health schema, as a contributor would by hand. */
async function addUptimeToHealth(copy: Copy): Promise<void> {
  const document = parseDocument(await readFile(copy.spec, "utf8"));
  document.setIn(["components", "schemas", "Health", "properties", "uptimeSeconds"], document.createNode({ type: "integer", minimum: 0 }));
  await writeFile(copy.spec, document.toString());
}

function shown(copy: Copy, file: string): string {
  return relative(REPO_ROOT, join(copy.out, file));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "generate-check-"));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("scripts/generate.ts --check", () => {
  it(
    "exits 0 when the generated files match the spec",
    async () => {
      const copy = await copyContract();
      const result = await generate(copy, "--check");
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("generated/ is up to date");
    },
    SLOW,
  );

  it(
    "exits non-zero and names each stale file when the spec changed without regenerating",
    async () => {
      const copy = await copyContract();
      await addUptimeToHealth(copy);
      const result = await generate(copy, "--check");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `generated/ is stale: ${shown(copy, "api.ts")}, ${shown(copy, "constants.ts")}, ${shown(copy, "openapi.json")} differ from ${copy.spec}`,
      );
      expect(await readFile(join(copy.out, "api.ts"), "utf8"), "--check writes nothing").not.toContain("uptimeSeconds");
    },
    SLOW,
  );

  it(
    "exits non-zero and names the file when a generated file is missing",
    async () => {
      const copy = await copyContract();
      await unlink(join(copy.out, "openapi.json"));
      const result = await generate(copy, "--check");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(shown(copy, "openapi.json"));
      expect(result.stderr).not.toContain(shown(copy, "api.ts"));
    },
    SLOW,
  );

  it(
    "passes again once generate has rewritten the files, which then carry the new property",
    async () => {
      const copy = await copyContract();
      await addUptimeToHealth(copy);
      const written = await generate(copy);
      expect(written.code).toBe(0);

      const result = await generate(copy, "--check");
      expect(result.code).toBe(0);
      const api = await readFile(join(copy.out, "api.ts"), "utf8");
      // Inside Health's block: up to its closing brace at the schemas' indentation (doc comments hold `{string}`).
      expect(api).toMatch(/Health: \{(?:(?!\n {8}\};)[\s\S])*uptimeSeconds\?: number;/);
      const json = JSON.parse(await readFile(join(copy.out, "openapi.json"), "utf8")) as { components: { schemas: { Health: { properties: object } } } };
      expect(json.components.schemas.Health.properties).toHaveProperty("uptimeSeconds", { type: "integer", minimum: 0 });
      expect(await readFile(join(REPO_ROOT, "generated/api.ts"), "utf8"), "the repo's own generated/ is untouched").not.toContain("uptimeSeconds");
    },
    SLOW,
  );

  it(
    "carries a changed limit of the spec into the contract's constants, which the UI and SDK import",
    async () => {
      const copy = await copyContract();
      await cp(join(REPO_ROOT, "contract"), join(copy.out, "../contract"), { recursive: true });
      const document = parseDocument(await readFile(copy.spec, "utf8"));
      document.setIn(["components", "schemas", "SendMessageRequest", "properties", "message", "maxLength"], 1234);
      document.setIn(["components", "schemas", "ChatTurn", "properties", "content", "maxLength"], 567);
      await writeFile(copy.spec, document.toString());
      expect((await generate(copy)).code).toBe(0);

      const limits = (await import(join(copy.out, "../contract/limits.ts"))) as typeof import("../../contract/limits.js");
      expect(limits).toMatchObject({ MAX_MESSAGE_LENGTH: 1234, MAX_TURN_LENGTH: 567 });
    },
    SLOW,
  );

  it(
    "refuses a spec whose retryable list names a code ErrorCode does not have",
    async () => {
      const copy = await copyContract();
      const document = parseDocument(await readFile(copy.spec, "utf8"));
      document.setIn(["components", "schemas", "ErrorCode", "x-retryable"], document.createNode(["overloaded", "no_such_code"]));
      await writeFile(copy.spec, document.toString());
      const result = await generate(copy);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("x-retryable names codes its enum does not have: no_such_code");
    },
    SLOW,
  );
});
