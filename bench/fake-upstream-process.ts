/**
 * The fake OpenAI-compatible upstream in a process of its own, for the benchmarks: so the upstream, the server
 * and the load clients each have an event loop, as they would on separate machines. Talks over IPC: sends
 * `{ type: "ready", baseUrl }`, answers `{ type: "report" }` with every request's arrival and token write
 * times as epoch milliseconds (timeOrigin + now), comparable across processes on this machine, and
 * `{ type: "reply", tokens, delayMs }` (a new reply for every later request) with `{ type: "reply-set" }`.
 */
import { startFakeOpenAiUpstream } from "../fixtures/fake-openai-upstream.js";

const tokensPerReply = Number(process.env.BENCH_TOKENS ?? 100);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 50);
const epoch = (now: number) => performance.timeOrigin + now;

/** The reply's content chunks: ` token0`, ` token1`, …, so a client can check it got each one, in order. */
const replyTokens = (count: number) => Array.from({ length: count }, (_, index) => ` token${index}`);
const upstream = await startFakeOpenAiUpstream({ tokens: replyTokens(tokensPerReply), delayMs });

/** Changes the reply every later request gets, so one upstream process serves every phase of `compare.ts`. */
export interface UpstreamReplyRequest {
  type: "reply";
  tokens: number;
  delayMs: number;
}

/** A message's text, whether the client sent it as a string or as parts (`[{ type: "text", text }]`). */
const textOf = (content: string | { text?: string }[] | undefined) =>
  typeof content === "string" ? content : (content ?? []).map((part) => part.text ?? "").join("");

export interface UpstreamReport {
  type: "report";
  requests: { message: string; receivedAt: number; tokenSentAt: number[] }[];
}

process.on("message", (message: { type: string } | UpstreamReplyRequest) => {
  if (message.type === "reply" && "tokens" in message) {
    upstream.setDefault({ tokens: replyTokens(message.tokens), delayMs: message.delayMs });
    process.send!({ type: "reply-set" });
  }
  if (message.type === "report") {
    const requests = upstream.requests.map((request) => {
      const messages = request.body.messages as { content: string | { text?: string }[] }[];
      return { message: textOf(messages.at(-1)?.content), receivedAt: epoch(request.receivedAt), tokenSentAt: request.tokenSentAt.map(epoch) };
    });
    upstream.requests.length = 0;
    process.send!({ type: "report", requests } satisfies UpstreamReport);
  }
  if (message.type === "close") void upstream.close().then(() => process.exit(0));
});
process.send!({ type: "ready", baseUrl: upstream.baseUrl });
