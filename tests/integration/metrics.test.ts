/**
 * `GET /metrics` and what the service logs: after a known sequence of replies on a fresh app every counter has
 * exactly the expected value, and prompt and reply text reach the logs only with LOG_CONTENT=true.
 */
import { describe, expect, it } from "vitest";
import type { ErrorResponse, MessageResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { payloads, postForSse } from "../helpers/read-sse.js";
import { postJson } from "../helpers/post-json.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Every sample of the metric `name`, keyed by its labels in a fixed order (`code="x",mode="y"`, `""` for none),
 * so `toEqual` also fails on a series that should not exist.
 */
function seriesOf(text: string, name: string): Record<string, number> {
  const series: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = SAMPLE_LINE.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = [...(match[2] ?? "").matchAll(LABEL)].map(([, key, value]) => `${key}="${value}"`).sort();
    series[labels.join(",")] = Number(match[3]);
  }
  return series;
}

async function scrape(app: TestApp): Promise<string> {
  const response = await fetch(`${app.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

let upstream: FakeOpenAiUpstream;
/** A fresh app for the counted sequence: one reply at a time, one retry. */
let counted: TestApp;
/** Default content logging (off). */
let quiet: TestApp;
let verbose: TestApp;

const messagesUrl = (target: TestApp) => `${target.baseUrl}/api/v1/messages`;

useAppOnFakeUpstream(
  { apps: { counted: { MAX_CONCURRENT_STREAMS: "1", UPSTREAM_MAX_RETRIES: "1" }, quiet: {}, verbose: { LOG_CONTENT: "true" } } },
  (started) =>
    ({
      upstream,
      apps: { counted, quiet, verbose },
    } = started),
);

describe("GET /metrics", () => {
  it("answers the Prometheus text format with an X-Request-Id", async () => {
    const response = await fetch(`${quiet.baseUrl}/metrics`, { headers: { "x-request-id": "scrape-1" } });
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("x-request-id")).toBe("scrape-1");
    for (const [name, type] of [
      ["chat_streams_active", "gauge"],
      ["chat_streams_started_total", "counter"],
      ["chat_streams_completed_total", "counter"],
      ["chat_streams_failed_total", "counter"],
      ["chat_streams_aborted_total", "counter"],
      ["chat_requests_rejected_total", "counter"],
      ["chat_upstream_errors_total", "counter"],
      ["chat_time_to_first_token_seconds", "histogram"],
      ["chat_tokens_per_second", "histogram"],
      ["chat_stream_duration_seconds", "histogram"],
    ]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    const samples = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
    expect(samples.length).toBeGreaterThan(10);
    for (const line of samples) expect(line, "every sample line is `name{labels} value`").toMatch(SAMPLE_LINE);
    expect(seriesOf(text, "chat_streams_active")).toEqual({ "": 0 });
  });

  it("counts exactly what happened after a known sequence of replies, and the active gauge returns to 0", async () => {
    const url = messagesUrl(counted);

    // Two completed streams and one completed JSON reply.
    for (const tokens of [["one", " two"], ["three"]]) {
      upstream.enqueue({ tokens });
      expect(payloads((await postForSse(url, { message: "hi" })).events).at(-1)).toMatchObject({ event: "complete", data: { content: tokens.join("") } });
    }
    upstream.enqueue({ tokens: ["json", " reply"] });
    expect((JSON.parse((await postJson(url, { message: "hi" })).raw) as MessageResponse).message.content).toBe("json reply");

    // An upstream 401 in a stream (not retried) and a 503 in JSON mode (retried once, then given up).
    upstream.enqueue({ fault: { kind: "status", status: 401 } });
    expect(payloads((await postForSse(url, { message: "hi" })).events)).toEqual([{ event: "error", data: expect.objectContaining({ code: "upstream_auth" }) }]);
    upstream.enqueue({ fault: { kind: "status", status: 503 } }, { fault: { kind: "status", status: 503 } });
    const unavailable = await postJson(url, { message: "hi" });
    expect(unavailable.status).toBe(503);
    expect((JSON.parse(unavailable.raw) as ErrorResponse).error.code).toBe("upstream_unavailable");

    // A stream holds the only slot: another request is rejected; then the stream's client goes away.
    upstream.enqueue({ tokens: Array.from({ length: 100 }, (_, index) => `t${index} `), delayMs: 20 });
    const client = new AbortController();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ message: "hi" }),
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    let received = "";
    const decoder = new TextDecoder();
    while (!received.includes("event: token")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`The stream ended before its first token: ${received}`);
      received += decoder.decode(value, { stream: true });
    }
    const rejected = await postJson(url, { message: "hi" });
    expect(rejected.status).toBe(503);
    expect((JSON.parse(rejected.raw) as ErrorResponse).error.code).toBe("overloaded");
    client.abort();
    await reader.read().catch(() => undefined);
    await expect.poll(async () => seriesOf(await counted.metrics(), "chat_streams_aborted_total")).toEqual({ 'mode="sse",reason="client"': 1 });
    await expect.poll(() => counted.replies.active).toBe(0);

    // A 429 retried once after its Retry-After, then a good reply.
    upstream.enqueue({ fault: { kind: "status", status: 429, headers: { "retry-after": "0" } } }, { tokens: ["second", " try"] });
    const retried = await postJson(url, { message: "hi" });
    expect(retried.status, retried.raw).toBe(200);

    const text = await scrape(counted);
    expect(seriesOf(text, "chat_streams_started_total")).toEqual({ 'mode="sse"': 4, 'mode="json"': 3 });
    expect(seriesOf(text, "chat_streams_completed_total")).toEqual({ 'mode="sse"': 2, 'mode="json"': 2 });
    expect(seriesOf(text, "chat_streams_failed_total")).toEqual({
      'code="upstream_auth",mode="sse"': 1,
      'code="upstream_unavailable",mode="json"': 1,
    });
    expect(seriesOf(text, "chat_streams_aborted_total")).toEqual({ 'mode="sse",reason="client"': 1 });
    expect(seriesOf(text, "chat_requests_rejected_total")).toEqual({ 'code="overloaded"': 1 });
    expect(seriesOf(text, "chat_upstream_errors_total")).toEqual({
      'code="upstream_auth"': 1,
      // the failed first attempt, retried, and the second, given up
      'code="upstream_unavailable"': 2,
      'code="upstream_rate_limited"': 1,
    });
    expect(seriesOf(text, "chat_streams_active")).toEqual({ "": 0 });
    // A first token: both completed streams, the aborted one, the completed JSON reply and the retried one.
    expect(seriesOf(text, "chat_time_to_first_token_seconds_count")).toEqual({ 'mode="sse"': 3, 'mode="json"': 2 });
    // Every reply that was admitted has ended, however it ended.
    expect(seriesOf(text, "chat_stream_duration_seconds_count")).toEqual({ 'mode="sse"': 4, 'mode="json"': 3 });
  });
});

describe("content logging", () => {
  const prompt = (tag: string) => `my secret prompt ${tag} 7f3a`;
  const reply = (tag: string) => ["Private", ` answer ${tag}`, " 91c2"];

  it("keeps prompt and reply text out of the logs by default, whatever the outcome", async () => {
    upstream.enqueue(
      { tokens: reply("sse") },
      { tokens: reply("json") },
      { tokens: reply("reset"), fault: { kind: "reset", afterTokens: 2 } },
      { fault: { kind: "status", status: 401 } },
    );
    await postForSse(messagesUrl(quiet), { message: prompt("sse") });
    await postJson(messagesUrl(quiet), { message: prompt("json") });
    await postForSse(messagesUrl(quiet), { message: prompt("reset"), history: [{ role: "user", content: prompt("history") }] });
    await postJson(messagesUrl(quiet), { message: prompt("auth") });

    await expect.poll(() => quiet.logs.filter((line) => line.msg === "request finished").length).toBeGreaterThanOrEqual(4);
    expect(quiet.logs.filter((line) => line.msg === "stream complete")).toHaveLength(2);
    const logged = JSON.stringify(quiet.logs);
    expect(logged).not.toContain("secret prompt");
    expect(logged).not.toContain("Private");
    expect(logged).not.toContain(" answer ");
  });

  it("logs the prompt when a reply starts and the whole reply when it completes with LOG_CONTENT=true", async () => {
    upstream.enqueue({ tokens: reply("sse") }, { tokens: reply("json") });
    const sse = await postForSse(messagesUrl(verbose), { message: prompt("sse") }, { headers: { "x-request-id": "content-sse" } });
    expect(sse.status).toBe(200);
    const json = await postJson(`${verbose.baseUrl}/api/v1/messages`, { message: prompt("json") });
    expect(json.status).toBe(200);
    const jsonId = json.headers["x-request-id"];

    for (const [requestId, tag] of [
      ["content-sse", "sse"],
      [jsonId, "json"],
    ] as const) {
      await expect
        .poll(() => verbose.logs.find((line) => line.requestId === requestId && line.msg === "stream complete"))
        .toMatchObject({ content: reply(tag).join("") });
      expect(verbose.logs.find((line) => line.requestId === requestId && line.msg === "stream started")).toMatchObject({ prompt: prompt(tag) });
    }
  });
});
