/**
 * Proves the package works for someone who installs it: `npm install /path/to/repo` leaves a symlink in
 * node_modules, so a temp project with that symlink resolves `streaming-chat` exactly as a user's would,
 * through `exports` and the built `dist/`, never through the repo's source files.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH } from "../../contract/index.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, "../..");
const TSC = join(REPO_ROOT, "node_modules/typescript/bin/tsc");
const TOKENS = ["Installed", " and", " streaming", " 🚀"];

const CONSUMER_MJS = `
import { createChatClient, ChatSdkError, MAX_MESSAGE_LENGTH, isRetryableErrorCode } from "streaming-chat/sdk";
import * as root from "streaming-chat";

let deepImport = "allowed";
try {
  await import("streaming-chat/server/app.ts");
} catch (error) {
  deepImport = error.code;
}

const client = createChatClient({ baseUrl: process.argv[2] });
const tokens = [];
let complete;
for await (const event of client.streamMessage({ message: "hello" })) {
  if (event.type === "token") tokens.push(event.data.content);
  if (event.type === "complete") complete = event.data.content;
}
console.log(JSON.stringify({
  tokens: tokens.join(""),
  complete,
  sameModule: root.createChatClient === createChatClient,
  errorClass: typeof ChatSdkError,
  deepImport,
  spec: import.meta.resolve("streaming-chat/openapi.yaml"),
  maxMessageLength: MAX_MESSAGE_LENGTH,
  retryable: [isRetryableErrorCode("overloaded"), isRetryableErrorCode("upstream_auth")],
}));
`;

const CONSUMER_TS = `
import { createChatClient, ChatSdkError, type StreamEvent, type TokenEvent, type MessageResponse } from "streaming-chat/sdk";
import { createChatClient as fromRoot } from "streaming-chat";

const client = createChatClient({ baseUrl: "http://localhost:3000" });
const sameFactory: typeof createChatClient = fromRoot;

export async function joinTokens(): Promise<string> {
  let text = "";
  for await (const event of client.streamMessage({ message: "hi", history: [{ role: "user", content: "earlier" }] })) {
    if (event.type === "token") {
      const data: TokenEvent = event.data;
      text += data.content;
    } else if (event.type === "error") {
      text += event.data.partialContent;
    }
  }
  return text;
}

export async function reply(): Promise<MessageResponse> {
  try {
    return await client.sendMessage({ message: "hi" });
  } catch (error) {
    if (error instanceof ChatSdkError && error.type === "http_error") console.log(error.status, error.body?.error.code);
    throw error;
  }
}

export const firstType = (event: StreamEvent): "token" | "reasoning" | "complete" | "error" => event.type;
export { sameFactory };
`;

const CONSUMER_WRONG_TS = `
import { createChatClient } from "streaming-chat/sdk";

const client = createChatClient();
for await (const event of client.streamMessage({ message: "hi" })) {
  if (event.type === "token") {
    const wrong: number = event.data.content;
    console.log(wrong);
  }
}
`;

function tsconfig(file: string): string {
  return JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: [] },
    files: [file],
  });
}

/** Runs the repo's own tsc; resolves with its exit code and output instead of throwing on errors. */
async function typecheck(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [TSC, "-p", project, "--pretty", "false"], { cwd: consumerDir, timeout: 60_000 });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

let app: TestApp;
let consumerDir: string;

useAppOnFakeUpstream({ script: { tokens: TOKENS } }, (started) => ({ app } = started));
beforeAll(async () => {
  execFileSync("npm", ["run", "build:sdk"], { cwd: REPO_ROOT, stdio: "pipe", timeout: 120_000 });
  consumerDir = await mkdtemp(join(tmpdir(), "streaming-chat-consumer-"));
  await writeFile(join(consumerDir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await mkdir(join(consumerDir, "node_modules"));
  await symlink(REPO_ROOT, join(consumerDir, "node_modules", "streaming-chat"), "dir");
  await writeFile(join(consumerDir, "consumer.mjs"), CONSUMER_MJS);
  await writeFile(join(consumerDir, "consumer.ts"), CONSUMER_TS);
  await writeFile(join(consumerDir, "consumer-wrong.ts"), CONSUMER_WRONG_TS);
  await writeFile(join(consumerDir, "tsconfig.json"), tsconfig("consumer.ts"));
  await writeFile(join(consumerDir, "tsconfig.wrong.json"), tsconfig("consumer-wrong.ts"));
}, 180_000);
afterAll(async () => {
  if (consumerDir) await rm(consumerDir, { recursive: true, force: true });
});

describe("the package, installed into a separate project", () => {
  it("streams a reply from plain JavaScript importing both streaming-chat/sdk and streaming-chat", async () => {
    const { stdout } = await run(process.execPath, ["consumer.mjs", app.baseUrl], { cwd: consumerDir, timeout: 15_000 });
    const output = JSON.parse(stdout) as Record<string, unknown>;
    expect(output).toEqual({
      tokens: TOKENS.join(""),
      complete: TOKENS.join(""),
      sameModule: true,
      errorClass: "function",
      deepImport: "ERR_PACKAGE_PATH_NOT_EXPORTED",
      spec: expect.stringMatching(/\/openapi\/streaming-api\.yaml$/),
      // The contract's limits and codes ship in the package (contract/ and generated/constants.ts).
      maxMessageLength: MAX_MESSAGE_LENGTH,
      retryable: [true, false],
    });
  });

  it("loads from CommonJS with require(), which Node >= 20.19 supports for ES modules", async () => {
    const script = 'const sdk = require("streaming-chat/sdk"); console.log(typeof sdk.createChatClient, typeof sdk.ChatSdkError);';
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: consumerDir, timeout: 15_000 });
    expect(stdout.trim()).toBe("function function");
  });

  it("type-checks a TypeScript consumer against the published declarations with strict NodeNext settings", async () => {
    const result = await typecheck("tsconfig.json");
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  }, 60_000);

  it("reports a type error in a consumer that misuses an event's data, so the check above is real", async () => {
    const result = await typecheck("tsconfig.wrong.json");
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/consumer-wrong\.ts\(7,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 60_000);
});

describe("the package, installed from the tarball npm pack makes", () => {
  // Unlike the symlink above, this proves `files` in package.json ships everything the SDK needs (dist/, types).
  it("streams a reply in a project that installed only the packed tarball", async () => {
    const packDir = await mkdtemp(join(tmpdir(), "streaming-chat-pack-"));
    try {
      // --ignore-scripts: dist/ was just built in beforeAll; rebuilding here would race the other tests reading it.
      const { stdout: packed } = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", packDir], { cwd: REPO_ROOT, timeout: 60_000 });
      const tarball = join(packDir, packed.trim().split("\n").at(-1)!);
      await writeFile(join(packDir, "package.json"), JSON.stringify({ name: "tarball-consumer", private: true, type: "module" }));
      // The SDK's two dependencies are in npm's cache after `npm ci`, so this needs no network.
      await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: packDir, timeout: 120_000 });
      await writeFile(join(packDir, "consumer.mjs"), CONSUMER_MJS);
      const { stdout } = await run(process.execPath, ["consumer.mjs", app.baseUrl], { cwd: packDir, timeout: 15_000 });
      expect(JSON.parse(stdout)).toMatchObject({
        tokens: TOKENS.join(""),
        complete: TOKENS.join(""),
        sameModule: true,
        spec: expect.stringContaining("node_modules/streaming-chat/openapi/streaming-api.yaml"),
      });
    } finally {
      await rm(packDir, { recursive: true, force: true });
    }
  }, 180_000);
});
