/**
 * The Vercel AI SDK's standard pipeline, for `compare.ts`: Express, `streamText` on `createOpenAICompatible`
 * pointed at the upstream (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODEL`), answered with
 * `pipeUIMessageStreamToResponse`, as the SDK's Express example does. It takes the same `{ "message": "…" }` as
 * the other relays (checked with zod, as the SDK's examples check input) and writes the SDK's UI message stream
 * (`text-delta` chunks, then `finish`), not ours. Nothing added: no logging, no metrics, no limits.
 *
 *   PORT=3002 OPENAI_BASE_URL=http://127.0.0.1:4000/v1 node --import tsx bench/relays/ai-sdk-relay.ts
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import express from "express";
import { z } from "zod";

const provider = createOpenAICompatible({
  name: "upstream",
  baseURL: process.env.OPENAI_BASE_URL ?? "http://127.0.0.1:4000/v1",
  apiKey: process.env.OPENAI_API_KEY,
});
const model = provider(process.env.OPENAI_MODEL ?? "fake-model");
const MessageRequest = z.object({ message: z.string().min(1) });

const app = express();
app.use(express.json());
app.get("/api/v1/health", (_req, res) => void res.json({ status: "ok" }));
app.post("/api/v1/messages", (req, res) => {
  const parsed = MessageRequest.safeParse(req.body);
  if (!parsed.success) return void res.status(400).json({ error: parsed.error.message });
  const cancel = new AbortController();
  res.on("close", () => cancel.abort());
  const result = streamText({ model, prompt: parsed.data.message, abortSignal: cancel.signal });
  result.pipeUIMessageStreamToResponse(res);
});

const server = app.listen(Number(process.env.PORT ?? 3002), process.env.HOST ?? "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
