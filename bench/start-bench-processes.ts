/**
 * The processes `resumable.ts` measures: the server (`server/main.ts`) and the fake upstream
 * (`fake-upstream-process.ts`), each in a process of its own as in `load.ts`, and each stopped by its handle. Where
 * util-linux's setpriv exists they are also tied to this process, so a benchmark killed outright (SIGKILL, a closed
 * terminal) leaves nothing running.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findFreePort } from "../fixtures/find-free-port.js";

/** tsx compiles the server at startup, which takes seconds on two busy cores. */
const STARTUP_TIMEOUT_MS = 30_000;
/** How long a process may take to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 8_000;

export interface BenchProcess {
  child: ChildProcess;
  /** The pid whose process tree is measured: setpriv execs, so it is the program's own. */
  pid: number;
  /** SIGTERM, SIGKILL after a grace period; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const SETPRIV = (process.env.PATH ?? "")
  .split(delimiter)
  .map((folder) => join(folder, "setpriv"))
  .find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** `node --import tsx <script>`, not the tsx CLI, so the child's pid is the script itself (for its CPU and memory). */
function spawnNode(script: string, env: NodeJS.ProcessEnv, stdio: StdioOptions): BenchProcess {
  const command = [process.execPath, "--import", "tsx", script];
  const child = SETPRIV ? spawn(SETPRIV, ["--pdeathsig", "KILL", "--", ...command], { env, stdio }) : spawn(command[0]!, command.slice(1), { env, stdio });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  return {
    child,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface UpstreamProcess extends BenchProcess {
  baseUrl: string;
}

/** The fake OpenAI-compatible upstream: `tokens` content chunks, `delayMs` apart, per request. */
export async function startUpstreamProcess(tokens: number, delayMs: number): Promise<UpstreamProcess> {
  const upstream = spawnNode("bench/fake-upstream-process.ts", { ...process.env, BENCH_TOKENS: String(tokens), BENCH_DELAY_MS: String(delayMs) }, [
    "ignore",
    "inherit",
    "inherit",
    "ipc",
  ]);
  const ready = await new Promise<{ baseUrl: string } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), STARTUP_TIMEOUT_MS);
    upstream.child.on("message", (message: { type: string; baseUrl: string }) => {
      if (message.type !== "ready") return;
      clearTimeout(timer);
      resolve(message);
    });
    upstream.child.once("exit", () => resolve(undefined));
  });
  if (!ready) {
    await upstream.stop();
    throw new Error(`the fake upstream did not start within ${STARTUP_TIMEOUT_MS} ms`);
  }
  return { ...upstream, baseUrl: ready.baseUrl };
}

export interface ServerProcess extends BenchProcess {
  baseUrl: string;
}

/** The server on a free port with `env` on top of this process's environment; resolves once `/health` answers. */
export async function startServerProcess(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await findFreePort();
  const server = spawnNode("server/main.ts", { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...env }, [
    "ignore",
    process.env.BENCH_SERVER_LOG ? "inherit" : "ignore",
    "inherit",
  ]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`${name} exited with code ${server.child.exitCode} before it answered /api/v1/health`);
    const healthy = await fetch(`${baseUrl}/api/v1/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { ...server, baseUrl };
    if (performance.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not answer /api/v1/health within ${STARTUP_TIMEOUT_MS} ms`);
    }
    await sleep(100);
  }
}
