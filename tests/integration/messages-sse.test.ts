import { describe, expect, it } from "vitest";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectEventsMatchContract } from "../helpers/expect-contract.js";
import { payloads, postForSse } from "../helpers/read-sse.js";
import { describeSetup, MODEL_SETUPS, useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

describe.each(MODEL_SETUPS.map((setup) => [describeSetup(setup), setup] as const))("from %s", (_name, setup) => {
  let upstream: FakeOpenAiUpstream;
  /** Heartbeats every 100 ms, so a test can see them. */
  let app: TestApp;
  let url: string;
  /** Gives up after 200 ms without a chunk from the model. */
  let idle: TestApp;
  /** Retries twice before the first token. */
  let retrying: TestApp;
  /** Gives up after 250 ms without a chunk, before or after the first token. */
  let impatient: TestApp;
  /** Disconnects a client that has not read for 300 ms. */
  let stallGuard: TestApp;

  useAppOnFakeUpstream(
    {
      setup,
      apps: {
        app: { SSE_HEARTBEAT_MS: "100" },
        idle: { UPSTREAM_IDLE_TIMEOUT_MS: "200" },
        retrying: { UPSTREAM_MAX_RETRIES: "2" },
        impatient: { UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: "250", UPSTREAM_IDLE_TIMEOUT_MS: "250" },
        stallGuard: { CLIENT_STALL_TIMEOUT_MS: "300" },
      },
    },
    (started) => {
      ({
        upstream,
        apps: { app, idle, retrying, impatient, stallGuard },
      } = started);
      url = `${app.baseUrl}/api/v1/messages`;
    },
  );

  describe("POST /api/v1/messages with Accept: text/event-stream", () => {
    it("streams each upstream delta as a token event, then one complete event whose content is the tokens joined", async () => {
      upstream.enqueue({ tokens: ["The", " quick", " brown", " fox"], delayMs: 40 });
      const result = await postForSse(url, { message: "hi" });

      expect(result.status).toBe(200);
      expect(result.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      expect(result.headers["cache-control"]).toBe("no-cache, no-transform");
      expect(result.headers["x-accel-buffering"]).toBe("no");
      expectEventsMatchContract(result.events);
      const events = payloads(result.events);
      expect(events.map((event) => event.event)).toEqual(["token", "token", "token", "token", "complete"]);
      expect(events.slice(0, 4).map((event) => (event.data as { content: string }).content)).toEqual(["The", " quick", " brown", " fox"]);
      expect(events[4]!.data).toMatchObject({
        content: "The quick brown fox",
        finishReason: "stop",
        usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
        model: { provider: setup.modelInfoProvider, name: "fake-model", demo: false },
      });
    });

    it("delivers tokens as they are produced rather than all at the end", async () => {
      upstream.enqueue({ tokens: ["a", "b", "c", "d", "e"], delayMs: 60 });
      const { events } = await postForSse(url, { message: "hi" });
      const tokenTimes = events.filter((event) => event.event === "token").map((event) => event.receivedAt);
      const spread = tokenTimes.at(-1)! - tokenTimes[0]!;
      expect(spread).toBeGreaterThan(150);
    });

    it("never sends the upstream's empty role, finish and usage chunks as tokens", async () => {
      upstream.enqueue({ tokens: ["only"] });
      const { events } = await postForSse(url, { message: "hi" });
      expect(events.map((event) => event.event)).toEqual(["token", "complete"]);
    });

    it("keeps multi-byte characters intact when the upstream splits them across writes", async () => {
      const tokens = ["Grüße ", "🚀", " 日本語", " é"];
      upstream.enqueue({ tokens, splitWrites: true });
      const result = await postForSse(url, { message: "hi" });
      expect(result.raw).not.toContain("\uFFFD");
      const complete = payloads(result.events).at(-1)!;
      expect(complete).toMatchObject({ event: "complete", data: { content: tokens.join("") } });
    });

    it("sends the model the history followed by the new message, with usage requested", async () => {
      await postForSse(url, {
        message: "and now?",
        history: [
          { role: "system", content: "be brief" },
          { role: "user", content: "hello" },
          { role: "assistant", content: "hi!" },
        ],
      });
      const body = upstream.requests.at(-1)!.body;
      if (setup.provider === "openai") {
        expect(body).toMatchObject({
          model: "fake-model",
          stream: true,
          stream_options: { include_usage: true },
          messages: [
            { role: "system", content: "be brief" },
            { role: "user", content: "hello" },
            { role: "assistant", content: "hi!" },
            { role: "user", content: "and now?" },
          ],
        });
      } else {
        // Anthropic's API takes the system prompt apart from the turns, and always streams usage.
        expect(body).toMatchObject({
          model: "fake-model",
          stream: true,
          system: "be brief",
          messages: [
            { role: "user", content: "hello" },
            { role: "assistant", content: "hi!" },
            { role: "user", content: "and now?" },
          ],
        });
      }
    });

    it("sends an error event with the partial text when the upstream resets mid-reply", async () => {
      upstream.enqueue({ tokens: ["one", " two", " three", " four"], fault: { kind: "reset", afterTokens: 2 } });
      const result = await postForSse(url, { message: "hi" });
      expectEventsMatchContract(result.events);
      const events = payloads(result.events);
      expect(events.map((event) => event.event)).toEqual(["token", "token", "error"]);
      expect(events.at(-1)!.data).toEqual({
        code: "upstream_unavailable",
        message: expect.any(String),
        retryable: true,
        partialContent: "one two",
      });
    });

    it("sends one error event, and no token, when the upstream refuses the request", async () => {
      upstream.enqueue({ fault: { kind: "status", status: 401 } });
      const result = await postForSse(url, { message: "hi" });
      expect(result.status).toBe(200);
      expect(payloads(result.events)).toEqual([
        { event: "error", data: { code: "upstream_auth", message: expect.stringContaining("401"), retryable: false, partialContent: "" } },
      ]);
    });

    it("ends with an upstream_timeout error when the upstream stalls between tokens", async () => {
      upstream.enqueue({ tokens: ["slow", " and", " stuck"], fault: { kind: "stall", afterTokens: 1 } });
      const startedAt = performance.now();
      const result = await postForSse(`${idle.baseUrl}/api/v1/messages`, { message: "hi" });
      expect(performance.now() - startedAt).toBeLessThan(2000);
      expect(payloads(result.events).at(-1)).toEqual({
        event: "error",
        data: { code: "upstream_timeout", message: expect.stringContaining("200 ms"), retryable: true, partialContent: "slow" },
      });
    });

    it("writes heartbeat comments while the model is silent", async () => {
      upstream.enqueue({ tokens: ["late"], delayMs: 350 });
      const result = await postForSse(url, { message: "hi" });
      expect(result.comments.filter((comment) => comment.trim() === "heartbeat").length).toBeGreaterThanOrEqual(2);
      expect(payloads(result.events).at(-1)).toMatchObject({ event: "complete", data: { content: "late" } });
    });

    it("closes the upstream request within 100 ms when the client disconnects mid-stream", async () => {
      upstream.enqueue({ tokens: Array.from({ length: 50 }, (_, index) => `t${index} `), delayMs: 20 });
      const before = upstream.requests.length;
      await postForSse(url, { message: "hi" }, { disconnectAfterEvents: 3 });
      const disconnectedAt = performance.now();
      const request = upstream.requests[before]!;
      await upstream.waitForClose(request, 1000);
      expect(request.closedAt! - disconnectedAt).toBeLessThan(100);
      expect(request.finished).toBe(false);
      expect(request.tokensSent).toBeLessThan(50);
      await expect.poll(() => app.logs.some((line) => line.msg === "stream aborted by client")).toBe(true);
    });

    it("closes the upstream request when the client disconnects before the first token", async () => {
      upstream.enqueue({ fault: { kind: "no-first-byte" } });
      const before = upstream.requests.length;
      const client = new AbortController();
      const pending = fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ message: "hi" }),
        signal: client.signal,
      }).catch(() => undefined);
      await upstream.waitForRequests(before + 1);
      client.abort();
      const abortedAt = performance.now();
      await pending;
      const request = upstream.requests[before]!;
      await upstream.waitForClose(request, 1000);
      expect(request.closedAt! - abortedAt).toBeLessThan(100);
    });

    it("retries a failed call before the first token, but never after one was sent", async () => {
      const messagesUrl = `${retrying.baseUrl}/api/v1/messages`;
      let before = upstream.requests.length;
      upstream.enqueue({ fault: { kind: "status", status: 503, headers: { "retry-after": "0" } } }, { tokens: ["second", " try"] });
      const recovered = await postForSse(messagesUrl, { message: "hi" });
      expect(payloads(recovered.events).at(-1)).toMatchObject({ event: "complete", data: { content: "second try" } });
      expect(upstream.requests.length - before).toBe(2);

      before = upstream.requests.length;
      upstream.enqueue({ tokens: ["half", " a", " reply"], fault: { kind: "reset", afterTokens: 1 } }, { tokens: ["duplicate"] });
      const broken = await postForSse(messagesUrl, { message: "hi" });
      expect(payloads(broken.events).at(-1)).toMatchObject({ event: "error", data: { code: "upstream_unavailable", partialContent: "half" } });
      expect(upstream.requests.length - before).toBe(1);
    });

    it("ends with an error event, not complete, when the upstream stream stops without a finish reason", async () => {
      upstream.enqueue({ tokens: ["cut", " off", " here"], fault: { kind: "truncate", afterTokens: 2 } });
      const result = await postForSse(url, { message: "hi" });
      expect(payloads(result.events).at(-1)).toEqual({
        event: "error",
        data: { code: "upstream_unavailable", message: expect.stringContaining("before finishing"), retryable: true, partialContent: "cut off" },
      });
    });

    it("completes when the reply finished but the usage chunk never came", async () => {
      upstream.enqueue({ tokens: ["all", " there"], fault: { kind: "stall-after-finish" } });
      const result = await postForSse(`${idle.baseUrl}/api/v1/messages`, { message: "hi" });
      expect(payloads(result.events).at(-1)).toMatchObject({ event: "complete", data: { content: "all there", finishReason: "stop" } });
    });

    it("counts reasoning chunks as signs of life, so a thinking model is not timed out", async () => {
      upstream.enqueue({ reasoningChunks: 6, delayMs: 100, tokens: ["answer"] });
      const result = await postForSse(`${impatient.baseUrl}/api/v1/messages`, { message: "hi" });
      expect(payloads(result.events)).toEqual([
        { event: "token", data: { content: "answer" } },
        { event: "complete", data: expect.objectContaining({ content: "answer" }) },
      ]);
    });

    it("tells the client how long to wait when the upstream rate-limits with Retry-After", async () => {
      upstream.enqueue({ fault: { kind: "status", status: 429, headers: { "retry-after": "7" } } });
      const result = await postForSse(url, { message: "hi" });
      expect(payloads(result.events)).toEqual([
        { event: "error", data: { code: "upstream_rate_limited", message: expect.any(String), retryable: true, retryAfterSeconds: 7, partialContent: "" } },
      ]);
    });

    it("disconnects a client that stops reading, which closes the upstream request too", async () => {
      // 25 MiB: far more than the kernel's socket buffers on the two loopback hops hold (a few MiB each).
      const big = "x".repeat(64 * 1024);
      upstream.enqueue({ tokens: Array.from({ length: 400 }, () => big) });
      const before = upstream.requests.length;
      const { request } = await import("node:http");
      const client = request(`${stallGuard.baseUrl}/api/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
      });
      client.on("response", (res) => res.pause()); // reads the headers, then nothing
      client.on("error", () => {});
      client.end(JSON.stringify({ message: "hi" }));
      await upstream.waitForRequests(before + 1);
      const upstreamRequest = upstream.requests[before]!;
      await upstream.waitForClose(upstreamRequest, 5000);
      expect(upstreamRequest.finished).toBe(false);
      expect(upstreamRequest.tokensSent).toBeLessThan(400);
      client.destroy();
    });
  });
});
