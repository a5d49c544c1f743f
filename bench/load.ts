/**
 * Load benchmark (`npm run bench:load`): N concurrent SSE streams through the real server (a child process running
 * `server/main.ts`) to the fake OpenAI-compatible upstream (another child process) at realistic pacing, compared
 * with N streams read from the upstream directly. Times are epoch milliseconds with sub-millisecond precision, so
 * each token's delivery delay is measured exactly: arrival at the client minus the moment the upstream wrote it.
 *
 *   npm run bench:load -- --streams 1000 --tokens 100 --delay-ms 50 --ramp-ms 2000
 *
 * Reports completed/failed streams, p50/p95/p99 of the time to first token and of each token's delivery delay, both
 * direct and through the server, and the server's CPU and memory per stream. A benchmark, not a test: it asserts nothing.
 *
 * BENCH_DEBUG=1 also prints where the time to first token goes; BENCH_CPU_PROF=1 writes the server's CPU profile to
 * tmp/prof; BENCH_SERVER_LOG=1 shows the server's log lines.
 */
import { spawn } from "node:child_process";
import { request } from "node:http";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { createParser } from "eventsource-parser";
import { startRedisServer } from "../fixtures/start-redis-server.js";
import { findFreePort } from "../fixtures/find-free-port.js";
import type { UpstreamReport } from "./fake-upstream-process.js";
import { readMachineBusySeconds, readProcessTreeUsage } from "./read-process-usage.js";
import { summarise } from "./summarise-latencies.js";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "1000" },
    tokens: { type: "string", default: "100" },
    "delay-ms": { type: "string", default: "50" },
    "ramp-ms": { type: "string", default: "2000" },
    json: { type: "boolean", default: false },
    // The server's SERVER_WORKERS (more than 1 starts a redis-server for it); unset, the server's own default.
    workers: { type: "string" },
  },
});
const STREAMS = Number(values.streams);
const TOKENS = Number(values.tokens);
const DELAY_MS = Number(values["delay-ms"]);
const RAMP_MS = Number(values["ramp-ms"]);

interface StreamResult {
  ok: boolean;
  /** Epoch ms when the request was sent. */
  startedAt: number;
  /** From sending the request to the first token's arrival. */
  timeToFirstTokenMs?: number;
  /** Arrival time of each token, epoch ms. */
  arrivals: number[];
  error?: string;
}

const now = () => performance.timeOrigin + performance.now();

/** Reads one SSE stream (the server's `token` events, or the upstream's raw `chat.completion.chunk`s). */
function readStream(
  url: string,
  body: string,
  headers: Record<string, string>,
  tokenOf: (event: { event?: string; data: string }) => boolean,
): Promise<StreamResult> {
  return new Promise((done) => {
    const startedAt = now();
    const arrivals: number[] = [];
    let terminal = false;
    const parser = createParser({
      onEvent(event) {
        if (tokenOf(event)) arrivals.push(now());
        else if (event.event === "complete" || event.data === "[DONE]") terminal = true;
        else if (event.event === "error") done({ ok: false, startedAt, arrivals, error: event.data });
      },
    });
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return done({ ok: false, startedAt, arrivals, error: `HTTP ${res.statusCode}` });
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => parser.feed(chunk));
      res.on("end", () =>
        done({
          ok: terminal && arrivals.length === TOKENS,
          startedAt,
          arrivals,
          timeToFirstTokenMs: arrivals[0] === undefined ? undefined : arrivals[0] - startedAt,
        }),
      );
      res.on("error", (error) => done({ ok: false, startedAt, arrivals, error: error.message }));
    });
    req.on("error", (error) => done({ ok: false, startedAt, arrivals, error: error.message }));
    req.end(body);
  });
}

async function runStreams(label: string, start: (index: number) => Promise<StreamResult>): Promise<StreamResult[]> {
  process.stderr.write(`${label}: ${STREAMS} streams, ${TOKENS} tokens each at ${DELAY_MS} ms, ramp ${RAMP_MS} ms… `);
  const startedAt = performance.now();
  const results = await Promise.all(
    Array.from({ length: STREAMS }, async (_, index) => {
      await sleep((RAMP_MS * index) / STREAMS);
      return start(index);
    }),
  );
  process.stderr.write(`${Math.round(performance.now() - startedAt)} ms\n`);
  return results;
}

type UpstreamRequest = UpstreamReport["requests"][number];

/** Each token's delivery delay: its arrival minus when the upstream wrote it. */
function deliveryDelays(results: StreamResult[], upstreamRequests: UpstreamRequest[]): number[] {
  const delays: number[] = [];
  results.forEach((result, index) => {
    const sentAt = upstreamRequests[index]?.tokenSentAt ?? [];
    result.arrivals.forEach((arrival, token) => {
      if (sentAt[token] !== undefined) delays.push(arrival - sentAt[token]!);
    });
  });
  return delays;
}

/** An upstream `chat.completion.chunk` that carries text (not the role, finish or usage chunk). */
function isContentChunk(event: { data: string }): boolean {
  if (event.data === "[DONE]") return false;
  const content = (JSON.parse(event.data) as { choices: { delta?: { content?: string | null } }[] }).choices[0]?.delta?.content;
  return typeof content === "string" && content !== "";
}

const upstreamProcess = spawn(process.execPath, ["--import", "tsx", "bench/fake-upstream-process.ts"], {
  env: { ...process.env, BENCH_TOKENS: String(TOKENS), BENCH_DELAY_MS: String(DELAY_MS) },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const nextMessage = <T>(type: string) =>
  new Promise<T>((resolveMessage) => {
    const listener = (message: { type: string }) => {
      if (message.type !== type) return;
      upstreamProcess.off("message", listener);
      resolveMessage(message as T);
    };
    upstreamProcess.on("message", listener);
  });
const { baseUrl: upstreamUrl } = await nextMessage<{ baseUrl: string }>("ready");
async function upstreamRequestsByMessage(): Promise<Map<string, UpstreamRequest>> {
  const report = nextMessage<UpstreamReport>("report");
  upstreamProcess.send({ type: "report" });
  return new Map((await report).requests.map((request) => [request.message, request]));
}

// 1. The baseline: the same load read straight from the upstream.
const directBody = (index: number) => JSON.stringify({ model: "fake-model", stream: true, messages: [{ role: "user", content: `direct ${index}` }] });
const direct = await runStreams("direct from the upstream", (index) => readStream(`${upstreamUrl}/chat/completions`, directBody(index), {}, isContentChunk));
const directRequests = await upstreamRequestsByMessage();
const directByIndex = direct.map((_, index) => directRequests.get(`direct ${index}`)!);

// 2. The same load through the server. Several workers share replies through Redis (ADR-13): give them one.
const redis = values.workers && Number(values.workers) > 1 ? await startRedisServer() : undefined;
const port = await findFreePort();
// `node --import tsx` rather than the tsx CLI, so the child's pid is the server itself (for CPU and memory).
const server = spawn(
  process.execPath,
  [...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir=tmp/prof"] : []), "--import", "tsx", "server/main.ts"],
  {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      OPENAI_BASE_URL: upstreamUrl,
      OPENAI_API_KEY: "bench",
      OPENAI_MODEL: "fake-model",
      MAX_CONCURRENT_STREAMS: String(STREAMS),
      ...(values.workers ? { SERVER_WORKERS: values.workers } : {}),
      ...(redis ? { REDIS_URL: redis.url } : {}),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", process.env.BENCH_SERVER_LOG ? "inherit" : "ignore", "inherit"],
  },
);
for (let attempt = 0; ; attempt++) {
  const healthy = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
    (response) => response.ok,
    () => false,
  );
  if (healthy) break;
  if (attempt > 100) throw new Error("the server did not start");
  await sleep(100);
}
// tsx's compile and the first request's JIT are not what we measure.
await readStream(
  `http://127.0.0.1:${port}/api/v1/messages`,
  JSON.stringify({ message: "warm-up" }),
  { accept: "text/event-stream" },
  (event) => event.event === "token",
);
const pid = server.pid!;
const idle = readProcessTreeUsage(pid);
const upstreamIdle = readProcessTreeUsage(upstreamProcess.pid!);
const clientCpuBefore = process.cpuUsage();
const machineBusyBefore = readMachineBusySeconds();
let peakRss = idle.rssMiB;
const cpuTimeline: number[] = [];
let lastCpu = idle.cpuSeconds;
const sampler = setInterval(() => {
  const usage = readProcessTreeUsage(pid);
  peakRss = Math.max(peakRss, usage.rssMiB);
  cpuTimeline.push(Math.round((usage.cpuSeconds - lastCpu) * 1000)); // ms of CPU in the last wall-clock second
  lastCpu = usage.cpuSeconds;
}, 1000);

await upstreamRequestsByMessage(); // forget the warm-up
const loadStartedAt = performance.now();
const via = await runStreams("through the server", (index) =>
  readStream(
    `http://127.0.0.1:${port}/api/v1/messages`,
    JSON.stringify({ message: `via ${index}` }),
    { accept: "text/event-stream" },
    (event) => event.event === "token",
  ),
);
const loadSeconds = (performance.now() - loadStartedAt) / 1000;
clearInterval(sampler);
const busy = readProcessTreeUsage(pid);
const upstreamBusy = readProcessTreeUsage(upstreamProcess.pid!);
const clientCpu = process.cpuUsage(clientCpuBefore);
const machineBusy = readMachineBusySeconds() - machineBusyBefore;
const viaRequests = await upstreamRequestsByMessage();
const viaByIndex = via.map((_, index) => viaRequests.get(`via ${index}`)!);

server.kill("SIGTERM");
await new Promise((resolveExit) => server.once("exit", resolveExit));
await redis?.stop();
upstreamProcess.send({ type: "close" });

const ttft = (results: StreamResult[]) => results.flatMap((result) => (result.timeToFirstTokenMs === undefined ? [] : [result.timeToFirstTokenMs]));
const directDelay = summarise(deliveryDelays(direct, directByIndex));
const viaDelay = summarise(deliveryDelays(via, viaByIndex));
const directTtft = summarise(ttft(direct));
const viaTtft = summarise(ttft(via));
const added = (a: ReturnType<typeof summarise>, b: ReturnType<typeof summarise>) => ({
  p50: Math.round((b.p50 - a.p50) * 10) / 10,
  p95: Math.round((b.p95 - a.p95) * 10) / 10,
  p99: Math.round((b.p99 - a.p99) * 10) / 10,
});
const failures = via.filter((result) => !result.ok);
if (process.env.BENCH_DEBUG) {
  console.error("server CPU per second (ms of CPU):", cpuTimeline.join(" "));
  console.error("request reaches upstream after", summarise(via.map((r, i) => viaByIndex[i]!.receivedAt - r.startedAt)));
  console.error("upstream first token after its request", summarise(via.map((r, i) => viaByIndex[i]!.tokenSentAt[0]! - viaByIndex[i]!.receivedAt)));
  console.error("first token reaches client after", summarise(via.map((r, i) => r.arrivals[0]! - viaByIndex[i]!.tokenSentAt[0]!)));
}
const report = {
  config: {
    streams: STREAMS,
    tokensPerStream: TOKENS,
    tokenDelayMs: DELAY_MS,
    rampMs: RAMP_MS,
    serverWorkers: values.workers ?? "default",
    cores: (await import("node:os")).availableParallelism(),
  },
  throughServer: { completed: via.length - failures.length, failed: failures.length, firstErrors: [...new Set(failures.map((f) => f.error))].slice(0, 3) },
  direct: { completed: direct.filter((result) => result.ok).length, failed: direct.filter((result) => !result.ok).length },
  timeToFirstTokenMs: { direct: directTtft, throughServer: viaTtft, added: added(directTtft, viaTtft) },
  tokenDeliveryDelayMs: { direct: directDelay, throughServer: viaDelay, added: added(directDelay, viaDelay) },
  // The load generator and the fake upstream share the machine's cores with the server: their share bounds the server's.
  loadGeneratorCpuPercentOfOneCore: Math.round(((clientCpu.user + clientCpu.system) / 1e6 / loadSeconds) * 100),
  fakeUpstreamCpuPercentOfOneCore: Math.round(((upstreamBusy.cpuSeconds - upstreamIdle.cpuSeconds) / loadSeconds) * 100),
  // Anything else running on this machine (another test run, a build) takes cores the server would use: a run with
  // more than a few percent here measured the machine's other load, not the server.
  otherProcessesCpuPercentOfOneCore: Math.round(
    ((machineBusy - (busy.cpuSeconds - idle.cpuSeconds) - (upstreamBusy.cpuSeconds - upstreamIdle.cpuSeconds) - (clientCpu.user + clientCpu.system) / 1e6) /
      loadSeconds) *
      100,
  ),
  serverProcess: {
    cpuPercentOfOneCore: Math.round(((busy.cpuSeconds - idle.cpuSeconds) / loadSeconds) * 100),
    cpuMicrosecondsPerToken: Math.round(((busy.cpuSeconds - idle.cpuSeconds) * 1e6) / (STREAMS * TOKENS)),
    idleRssMiB: Math.round(idle.rssMiB),
    peakRssMiB: Math.round(peakRss),
    memoryPerStreamKiB: Math.round(((peakRss - idle.rssMiB) * 1024) / STREAMS),
  },
};
if (report.otherProcessesCpuPercentOfOneCore > 10) {
  console.error(`warning: other processes used ${report.otherProcessesCpuPercentOfOneCore}% of a core during the run; the figures are not the server's alone`);
}
console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
process.exit(0);
