import { spawn } from "node:child_process";

import { resolve } from "node:path";
import { findFreePort } from "../../fixtures/find-free-port.js";

const PRISM_BIN = resolve("node_modules/.bin/prism");
const SPEC = resolve("openapi/streaming-api.yaml");
const STARTUP_TIMEOUT_MS = 30_000;

export interface PrismProcess {
  url: string;
  /** Everything Prism printed, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

/**
 * Starts a real Prism process on the contract: `mock` serves the spec's examples; `proxy <upstream>` forwards to
 * a running server and checks its responses (`--errors` turns a violation into a 500). Resolves once it listens.
 */
export async function startPrism(mode: ["mock"] | ["proxy", string], flags: string[] = []): Promise<PrismProcess> {
  const port = await findFreePort();
  const child = spawn(PRISM_BIN, [...mode.slice(0, 1), SPEC, ...mode.slice(1), "-p", String(port), "-h", "127.0.0.1", ...flags], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));

  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    const check = () => {
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolveStart();
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with code ${code}:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    close: () =>
      new Promise<void>((resolveClose) => {
        if (child.exitCode !== null) return resolveClose();
        child.once("exit", () => resolveClose());
        // Prism runs as a process group (npm shim → node); end all of it.
        process.kill(-child.pid!, "SIGTERM");
      }),
  };
}
