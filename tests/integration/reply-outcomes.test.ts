/**
 * Every started reply ends in exactly one of completed, failed or aborted, so a success rate computed from the counters
 * is honest; and with LOG_CONTENT=true the log line of an interrupted reply carries the text produced so far.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";
import { postJson } from "../helpers/post-json.js";
import { payloads, postForSse } from "../helpers/read-sse.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let quiet: TestApp;

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream();
  [app, quiet] = await Promise.all([startTestApp(upstreamEnv(upstream.baseUrl, { LOG_CONTENT: "true" })), startTestApp(upstreamEnv(upstream.baseUrl))]);
});
afterAll(async () => {
  await Promise.all([app.close(), quiet.close()]);
  await upstream.close();
});
beforeEach(() => upstream.reset());

/** Sum of every sample of a counter, whatever its labels. */
function total(text: string, name: string): number {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

const logLine = (target: TestApp, requestId: string, msg: string) => target.logs.find((line) => line.requestId === requestId && line.msg === msg);

describe("reply outcomes", () => {
  it("logs the text produced so far when a stream fails mid-reply, with LOG_CONTENT=true", async () => {
    upstream.enqueue({ tokens: ["Partial", " words", " lost?"], fault: { kind: "reset", afterTokens: 2 } });
    const result = await postForSse(`${app.baseUrl}/api/v1/messages`, { message: "hi" }, { headers: { "x-request-id": "partial-sse" } });
    expect(payloads(result.events).at(-1)).toMatchObject({ event: "error", data: { code: "upstream_unavailable", partialContent: "Partial words" } });
    await expect.poll(() => logLine(app, "partial-sse", "stream failed")).toMatchObject({ partialLength: 13, partialContent: "Partial words" });
  });

  it("logs the text produced so far when a JSON reply fails mid-reply, with LOG_CONTENT=true", async () => {
    upstream.enqueue({ tokens: ["Half", " a reply", " more"], fault: { kind: "malformed", afterTokens: 2 } });
    const response = await postJson(`${app.baseUrl}/api/v1/messages`, { message: "hi" }, { "x-request-id": "partial-json" });
    expect(response.status).toBe(502);
    await expect.poll(() => logLine(app, "partial-json", "stream failed")).toMatchObject({ code: "upstream_error", partialContent: "Half a reply" });
  });

  it("logs the text produced so far when the client leaves, with LOG_CONTENT=true, and only its length by default", async () => {
    for (const [target, requestId] of [
      [app, "left-verbose"],
      [quiet, "left-quiet"],
    ] as const) {
      upstream.enqueue({ tokens: ["Seen", " by", " the", " user", " then", " gone"], delayMs: 30 });
      await postForSse(`${target.baseUrl}/api/v1/messages`, { message: "hi" }, { headers: { "x-request-id": requestId }, disconnectAfterEvents: 2 });
    }
    await expect
      .poll(() => logLine(app, "left-verbose", "stream aborted by client"))
      .toMatchObject({ reason: "client", partialContent: expect.stringMatching(/^Seen by/) });
    await expect.poll(() => logLine(quiet, "left-quiet", "stream aborted by client")).toMatchObject({ reason: "client", partialLength: expect.any(Number) });
    expect(logLine(quiet, "left-quiet", "stream aborted by client")).not.toHaveProperty("partialContent");
  });

  it("ends every started reply in exactly one of completed, failed and aborted, whatever happened", async () => {
    const url = `${app.baseUrl}/api/v1/messages`;
    upstream.enqueue(
      { tokens: ["ok"] },
      { fault: { kind: "status", status: 401 } },
      { tokens: ["a", "b", "c"], fault: { kind: "reset", afterTokens: 1 } },
      { tokens: ["json"] },
      { fault: { kind: "status", status: 404 } },
      { tokens: Array.from({ length: 50 }, (_, index) => `t${index} `), delayMs: 20 },
    );
    await postForSse(url, { message: "completed" });
    await postForSse(url, { message: "failed before any token" });
    await postForSse(url, { message: "failed mid-reply" });
    await postJson(url, { message: "completed as JSON" });
    await postJson(url, { message: "failed as JSON" });
    await postForSse(url, { message: "left" }, { disconnectAfterEvents: 2 });
    await expect.poll(() => app.replies.active).toBe(0);

    const text = await app.metrics();
    const started = total(text, "chat_streams_started_total");
    expect(started).toBeGreaterThanOrEqual(6);
    expect(total(text, "chat_streams_completed_total") + total(text, "chat_streams_failed_total") + total(text, "chat_streams_aborted_total")).toBe(started);
    expect(total(text, "chat_stream_duration_seconds_count")).toBe(started);
  });
});
