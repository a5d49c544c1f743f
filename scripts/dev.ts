/**
 * `npm run dev`: the API server (restarting on change) and Vite's dev server with hot reload, which proxies `/api`
 * to it. `npm run dev:mock`: the same UI against the Prism mock of the spec instead of the server, to build UI
 * against the contract alone. Open the Vite URL printed below. Ctrl+C stops everything.
 *
 * PORT (default 3000) is the API's port, VITE_PORT (default 5173) the UI's; the mock listens on 4010.
 */
import { spawn, type ChildProcess } from "node:child_process";

const mock = process.argv.includes("--mock");
const apiPort = mock ? 4010 : Number(process.env.PORT ?? 3000);
const bin = (name: string) => `node_modules/.bin/${name}`;

const children: ChildProcess[] = [];
function run(command: string, args: string[], env: Record<string, string> = {}): void {
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  child.on("exit", (code, signal) => {
    // One half without the other is useless: stop both and report.
    if (!stopping) {
      console.error(`${command} ${args.join(" ")} exited (${signal ?? code}); stopping.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
}

let stopping = false;
function stop(code: number): void {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

if (mock) run(bin("prism"), ["mock", "openapi/streaming-api.yaml", "--port", String(apiPort), "--host", "127.0.0.1"]);
// One process while developing (unless asked otherwise): restarts are quicker and the logs read in order.
else run(bin("tsx"), ["watch", "server/main.ts"], { PORT: String(apiPort), SERVER_WORKERS: process.env.SERVER_WORKERS ?? "1" });
run(bin("vite"), ["--config", "web/vite.config.ts"], { API_PROXY_TARGET: `http://127.0.0.1:${apiPort}` });
console.log(`UI: http://127.0.0.1:${process.env.VITE_PORT ?? 5173}  (API ${mock ? "mock" : "server"} on ${apiPort})`);
