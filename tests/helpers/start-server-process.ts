import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findFreePort } from "../../fixtures/find-free-port.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/**
 * In cluster mode (the default on a multi-core machine) a server is a primary and a worker per core, each loading
 * the TypeScript sources through tsx: with the whole suite running on two cores that can take well over 25 s.
 */
const STARTUP_TIMEOUT_MS = 50_000;

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Every JSON log line the server wrote to stdout. */
  logs: Record<string, unknown>[];
  /** Everything it printed, for failure messages. */
  output(): string;
  /** Resolves when the process exits, with when it did. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export async function until(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts `server/main.ts` as `npm start` does (`node --import tsx`), on a free port, with only `env` as its
 * configuration (nothing of the test runner's environment leaks in), and resolves once it logs that it listens.
 */
export async function startServerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server/main.ts"], {
    cwd: REPO_ROOT,
    // Only what the server should see: nothing of this test runner's environment leaks into its config.
    env: {
      PATH: process.env.PATH,
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let output = "";
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output += text;
    const lines = (pending + text).split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line (a library printing to stdout); kept in `output`
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  try {
    await until(
      () => exitedEarly || logs.some((line) => typeof line.msg === "string" && line.msg.startsWith("Listening")),
      STARTUP_TIMEOUT_MS,
      () => `the server to listen:\n${output.slice(-2_000)}`,
    );
  } catch (error) {
    // The caller never gets a handle to stop it, so an orphan would keep its port (and its workers) after the run.
    child.kill("SIGKILL");
    throw error;
  }
  if (exitedEarly) throw new Error(`The server exited before listening:\n${output}`);
  return { child, baseUrl: `http://127.0.0.1:${port}`, logs, output: () => output, exited };
}

export function stopServerProcess(server: ServerProcess | undefined): void {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
}
