/**
 * Memory held per slow reader (`npm run bench:slow-readers`): N SSE clients that read the headers and then nothing,
 * while the fake upstream streams a long reply as fast as it can. Because the server waits for `drain` before
 * reading on, each stalled stream holds only what fits in the socket buffers, not the whole reply; this measures
 * the server's memory growth per stalled stream and how much of each reply the upstream managed to send.
 *
 *   npm run bench:slow-readers -- --streams 100 --tokens 5000 --token-bytes 1024
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request, type ClientRequest } from "node:http";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { startFakeOpenAiUpstream } from "../fixtures/fake-openai-upstream.js";
import { findFreePort } from "../fixtures/find-free-port.js";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "100" },
    tokens: { type: "string", default: "5000" },
    "token-bytes": { type: "string", default: "1024" },
    "hold-ms": { type: "string", default: "4000" },
  },
});
const STREAMS = Number(values.streams);
const TOKENS = Number(values.tokens);
const TOKEN_BYTES = Number(values["token-bytes"]);

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

const upstream = await startFakeOpenAiUpstream({ tokens: Array.from({ length: TOKENS }, () => "x".repeat(TOKEN_BYTES)) });
const port = await findFreePort();
const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    OPENAI_BASE_URL: upstream.baseUrl,
    OPENAI_API_KEY: "bench",
    LOG_LEVEL: "warn",
    CLIENT_STALL_TIMEOUT_MS: "600000",
  },
  stdio: ["ignore", "ignore", "inherit"],
});
while (
  !(await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
    (response) => response.ok,
    () => false,
  ))
)
  await sleep(100);
await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: '{"message":"warm-up"}',
}).then((r) => r.text());
global.gc?.();
await sleep(500);
const idle = rssMiB(server.pid!);

const clients: ClientRequest[] = [];
for (let index = 0; index < STREAMS; index++) {
  const client = request(`http://127.0.0.1:${port}/api/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
  });
  client.on("response", (res) => res.pause()); // headers, then nothing
  client.on("error", () => {});
  client.end(JSON.stringify({ message: `slow ${index}` }));
  clients.push(client);
}
await sleep(Number(values["hold-ms"]));
const held = rssMiB(server.pid!);
const sent = upstream.requests.slice(1).map((r) => r.tokensSent);
const replyMiB = (TOKENS * TOKEN_BYTES) / 1024 / 1024;
const meanSentMiB = ((sent.reduce((a, b) => a + b, 0) / sent.length) * TOKEN_BYTES) / 1024 / 1024;

console.log(
  JSON.stringify(
    {
      config: { stalledStreams: STREAMS, replyMiB: Math.round(replyMiB * 10) / 10 },
      upstreamSentPerStreamMiB: Math.round(meanSentMiB * 100) / 100,
      serverRssIdleMiB: Math.round(idle),
      serverRssWithStalledStreamsMiB: Math.round(held),
      serverMemoryPerStalledStreamKiB: Math.round(((held - idle) * 1024) / STREAMS),
    },
    null,
    2,
  ),
);
for (const client of clients) client.destroy();
server.kill("SIGTERM");
await upstream.close();
process.exit(0);
