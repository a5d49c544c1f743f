/**
 * The fake OpenAI-compatible upstream in a process of its own, for `load.ts`: so the upstream, the server
 * and the load clients each have an event loop, as they would on separate machines. Talks over IPC: sends
 * `{ type: "ready", baseUrl }`, and answers `{ type: "report" }` with every request's arrival and token write
 * times as epoch milliseconds (timeOrigin + now), comparable across processes on this machine.
 */
import { startFakeOpenAiUpstream } from "../fixtures/fake-openai-upstream.js";

const tokensPerReply = Number(process.env.BENCH_TOKENS ?? 100);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 50);
const epoch = (now: number) => performance.timeOrigin + now;

const upstream = await startFakeOpenAiUpstream({ tokens: Array.from({ length: tokensPerReply }, (_, index) => ` token${index}`), delayMs });

export interface UpstreamReport {
  type: "report";
  requests: { message: string; receivedAt: number; tokenSentAt: number[] }[];
}

process.on("message", (message: { type: string }) => {
  if (message.type === "report") {
    const requests = upstream.requests.map((request) => {
      const messages = request.body.messages as { content: string }[];
      return { message: messages.at(-1)?.content ?? "", receivedAt: epoch(request.receivedAt), tokenSentAt: request.tokenSentAt.map(epoch) };
    });
    upstream.requests.length = 0;
    process.send!({ type: "report", requests } satisfies UpstreamReport);
  }
  if (message.type === "close") void upstream.close().then(() => process.exit(0));
});
process.send!({ type: "ready", baseUrl: upstream.baseUrl });
