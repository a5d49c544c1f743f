/**
 * MAX_CONCURRENT_STREAMS: beyond the limit a request is refused before any model call with the contract's
 * 503 `overloaded`, the running replies are untouched, and every way a reply can end gives its slot back.
 */
import { describe, expect, it } from "vitest";
import type { ErrorCode, ErrorResponse, MessageResponse } from "../../sdk/types.js";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { payloads, postForSse, type SseResult } from "../helpers/read-sse.js";
import { postJson, type HttpResult } from "../helpers/post-json.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const LIMIT = 3;

/** A request refused because the server is full: the contract's JSON error, with a `Retry-After`. */
function expectOverloaded(result: HttpResult): void {
  expectContractError(result, 503, "overloaded");
  expect(result.headers["retry-after"]).toBe("1");
}

/** A slow reply whose text says which script produced it. */
function slowScript(label: string, tokenCount: number): UpstreamScript {
  return { tokens: Array.from({ length: tokenCount }, (_, index) => `${label}${index} `), delayMs: 20 };
}

function completedContent(result: SseResult): string {
  const events = payloads(result.events);
  const last = events.at(-1);
  expect(last?.event, JSON.stringify(last)).toBe("complete");
  const tokens = events.filter((event) => event.event === "token").map((event) => (event.data as { content: string }).content);
  const content = (last!.data as { content: string }).content;
  expect(tokens.join(""), "complete carries every token").toBe(content);
  return content;
}

/** `accept` picks the response mode. */
const post = (url: string, json: unknown, accept?: string) => postJson(url, json, accept ? { accept } : {});

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let url: string;

useAppOnFakeUpstream({ apps: { app: { MAX_CONCURRENT_STREAMS: String(LIMIT) } } }, (started) => {
  ({ upstream, app } = started);
  url = `${app.baseUrl}/api/v1/messages`;
});

describe(`MAX_CONCURRENT_STREAMS=${LIMIT}`, () => {
  it("refuses a fourth reply in either mode with 503 overloaded and Retry-After, while the three running replies finish intact", async () => {
    const scripts = ["a", "b", "c"].map((label) => slowScript(label, 25));
    upstream.enqueue(...scripts);
    const before = upstream.requests.length;
    const running = ["a", "b", "c"].map((label) => postForSse(url, { message: label }));
    await upstream.waitForRequests(before + LIMIT);
    expect(app.replies.active).toBe(LIMIT);

    const [refusedSse, refusedJson] = await Promise.all([post(url, { message: "fourth" }, "text/event-stream"), post(url, { message: "fourth" })]);
    expectOverloaded(refusedSse);
    expectOverloaded(refusedJson);
    expect(upstream.requests.length - before, "a refused request never reaches the model").toBe(LIMIT);
    expect(app.replies.active, "the running replies are still running").toBe(LIMIT);

    const contents = (await Promise.all(running)).map(completedContent);
    expect(contents.sort()).toEqual(scripts.map((script) => script.tokens!.join("")).sort());

    upstream.enqueue({ tokens: ["admitted", " again"] });
    const next = await post(url, { message: "after" });
    expect(next.status, next.raw).toBe(200);
    expect((JSON.parse(next.raw) as MessageResponse).message.content).toBe("admitted again");
  });

  it.each([
    ["an SSE client", "text/event-stream"],
    ["a JSON client", "application/json"],
  ])("gives the slot back when %s disconnects mid-reply, so the next request is admitted", async (_client, accept) => {
    const before = upstream.requests.length;
    upstream.enqueue(slowScript("gone", 100));
    const client = new AbortController();
    const leaving = fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept },
      body: JSON.stringify({ message: "leaving" }),
      signal: client.signal,
    }).then(
      async (response) => response.body?.getReader().read(),
      () => undefined,
    );
    await upstream.waitForRequests(before + 1);
    const leavingUpstream = upstream.requests[before]!;
    upstream.enqueue(slowScript("x", 60), slowScript("y", 60));
    const staying = [postForSse(url, { message: "x" }), postForSse(url, { message: "y" })];
    await upstream.waitForRequests(before + LIMIT);
    await expect.poll(() => leavingUpstream.tokensSent).toBeGreaterThanOrEqual(2);
    expectOverloaded(await post(url, { message: "full" }));

    client.abort();
    await leaving.catch(() => undefined);
    await expect.poll(() => app.replies.active).toBe(LIMIT - 1);

    upstream.enqueue({ tokens: ["in", " its", " place"] });
    const admitted = await postForSse(url, { message: "next" });
    expect(admitted.status).toBe(200);
    expect(completedContent(admitted)).toBe("in its place");
    const [x, y] = await Promise.all(staying);
    expect([completedContent(x!), completedContent(y!)].sort()).toEqual(
      [slowScript("x", 60), slowScript("y", 60)].map((script) => script.tokens!.join("")).sort(),
    );
    expect(leavingUpstream.finished, "the upstream call of the client that left was cancelled").toBe(false);
  });

  it("gives the slot back after every kind of failure, so ten failures in a row never exhaust the limit", async () => {
    const failures: { accept: string; script: UpstreamScript; code: ErrorCode }[] = [
      { accept: "text/event-stream", script: { fault: { kind: "status", status: 401 } }, code: "upstream_auth" },
      { accept: "application/json", script: { fault: { kind: "status", status: 401 } }, code: "upstream_auth" },
      { accept: "text/event-stream", script: { fault: { kind: "status", status: 500 } }, code: "upstream_unavailable" },
      { accept: "application/json", script: { fault: { kind: "status", status: 503 } }, code: "upstream_unavailable" },
      { accept: "text/event-stream", script: { tokens: ["a", "b"], fault: { kind: "reset", afterTokens: 1 } }, code: "upstream_unavailable" },
      { accept: "application/json", script: { tokens: ["a", "b"], fault: { kind: "reset", afterTokens: 1 } }, code: "upstream_unavailable" },
      { accept: "text/event-stream", script: { tokens: ["a", "b"], fault: { kind: "malformed", afterTokens: 1 } }, code: "upstream_error" },
      { accept: "application/json", script: { tokens: ["a", "b"], fault: { kind: "truncate", afterTokens: 1 } }, code: "upstream_unavailable" },
      { accept: "text/event-stream", script: { fault: { kind: "status", status: 429 } }, code: "upstream_rate_limited" },
      { accept: "application/json", script: { fault: { kind: "status", status: 404 } }, code: "upstream_error" },
    ];
    for (const [index, { accept, script, code }] of failures.entries()) {
      upstream.enqueue(script);
      const result = await post(url, { message: `failure ${index}`, history: [] }, accept);
      if (accept === "text/event-stream") {
        expect(result.status, `failure ${index}: ${result.raw}`).toBe(200);
        expect(result.raw, `failure ${index}`).toContain(`"code":"${code}"`);
        expect(result.raw).toMatch(/event: error\nid: \d+\ndata: [^\n]+\n\n$/);
      } else {
        expect((JSON.parse(result.raw) as ErrorResponse).error.code, `failure ${index}: ${result.raw}`).toBe(code);
      }
    }
    await expect.poll(() => app.replies.active).toBe(0);

    upstream.enqueue({ tokens: ["still", " admitted"] });
    const success = await postForSse(url, { message: "works", history: [] });
    expect(completedContent(success)).toBe("still admitted");
  });
});
