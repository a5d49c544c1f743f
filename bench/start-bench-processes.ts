/**
 * The processes the benchmarks measure: the server (`server/main.ts`) or another relay, the fake upstream
 * (`fake-upstream-process.ts`) and `compare.ts`'s load client, each in a process of its own as in `load.ts`, and each
 * stopped by its handle. Where util-linux's setpriv exists they are also tied to this process, so a benchmark killed
 * outright (SIGKILL, a closed terminal) leaves nothing running.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findFreePort } from "../fixtures/find-free-port.js";
import type { UpstreamReplyRequest, UpstreamReport } from "./fake-upstream-process.js";

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

/** A child that talks over IPC: it sends `{ type: "ready", … }` once, then answers each question with one message. */
export interface IpcProcess<Ready> extends BenchProcess {
  ready: Ready;
  /** Sends `message` and resolves with the next message of type `answerType`. */
  ask<Answer, Message extends { type: string } = { type: string }>(message: Message, answerType: string): Promise<Answer>;
}

/** Starts `script` with an IPC channel and resolves once it has sent its `ready` message. */
export async function startIpcProcess<Ready>(name: string, script: string, env: Record<string, string>): Promise<IpcProcess<Ready>> {
  const started = spawnNode(script, { ...process.env, ...env }, ["ignore", "inherit", "inherit", "ipc"]);
  const nextMessage = <T>(type: string, timeoutMs?: number) =>
    new Promise<T | undefined>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(undefined), timeoutMs);
      const listener = (message: { type: string }) => {
        if (message.type === type) settle(message as T);
      };
      const onExit = () => settle(undefined);
      const settle = (value: T | undefined) => {
        clearTimeout(timer);
        started.child.off("message", listener);
        started.child.off("exit", onExit);
        resolve(value);
      };
      started.child.on("message", listener);
      started.child.once("exit", onExit);
    });
  const ready = await nextMessage<Ready>("ready", STARTUP_TIMEOUT_MS);
  if (!ready) {
    await started.stop();
    throw new Error(`${name} did not start within ${STARTUP_TIMEOUT_MS} ms`);
  }
  return {
    ...started,
    ready,
    async ask<Answer, Message extends { type: string }>(message: Message, answerType: string) {
      const answer = nextMessage<Answer>(answerType);
      started.child.send(message);
      const received = await answer;
      if (received === undefined) throw new Error(`${name} exited before it answered ${message.type}`);
      return received;
    },
  };
}

export interface UpstreamProcess extends BenchProcess {
  baseUrl: string;
  /** From now on every reply is `tokens` content chunks, `delayMs` apart. */
  setReply(tokens: number, delayMs: number): Promise<void>;
  /** Every request since the last report, with its token write times (epoch ms); forgets them. */
  report(): Promise<UpstreamReport["requests"]>;
}

/** The fake OpenAI-compatible upstream: `tokens` content chunks, `delayMs` apart, per request. */
export async function startUpstreamProcess(tokens: number, delayMs: number): Promise<UpstreamProcess> {
  const upstream = await startIpcProcess<{ baseUrl: string }>("the fake upstream", "bench/fake-upstream-process.ts", {
    BENCH_TOKENS: String(tokens),
    BENCH_DELAY_MS: String(delayMs),
  });
  return {
    ...upstream,
    baseUrl: upstream.ready.baseUrl,
    setReply: async (tokens, delayMs) => void (await upstream.ask({ type: "reply", tokens, delayMs } satisfies UpstreamReplyRequest, "reply-set")),
    report: async () => (await upstream.ask<UpstreamReport>({ type: "report" }, "report")).requests,
  };
}

export interface ServerProcess extends BenchProcess {
  baseUrl: string;
}

/** The server on a free port with `env` on top of this process's environment; resolves once `/health` answers. */
export function startServerProcess(name: string, env: Record<string, string>): Promise<ServerProcess> {
  return startHttpProcess(name, "server/main.ts", env);
}

/**
 * Any HTTP program that takes `PORT` and `HOST` from its environment (the server, or one of `relays/`), on a free
 * port; resolves once its `/api/v1/health` answers.
 */
export async function startHttpProcess(name: string, script: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await findFreePort();
  const server = spawnNode(script, { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...env }, [
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
