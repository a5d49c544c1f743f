/**
 * The real server (on the fake upstream) behind `prism proxy`: Prism checks each response the server gives,
 * status and JSON body, against the contract. Valid requests go through `--errors`, which turns any response
 * violation into a 500; deliberately invalid requests go through a plain proxy (which `--errors` would refuse
 * before the server saw them), and there Prism's `sl-violations` must name only the request, never the response.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeOpenAiUpstream, UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { startPrism, type PrismProcess } from "../helpers/start-prism.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

interface Violation {
  location: string[];
  severity: string;
  message: string;
}

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let strictProxy: PrismProcess;
let plainProxy: PrismProcess;

/** The spec requires the apiKey scheme on messages (Prism refuses a request without it), so the app has keys too. */
const API_KEY = "prism-proxy-key-0123456789";
useAppOnFakeUpstream(
  { apps: { app: { UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: "400", MAX_BODY_BYTES: "4096", API_KEYS: API_KEY } } },
  (started) => ({ upstream, app } = started),
);
// Registered after the app's hooks, so the proxies start once the app listens and close before it does.
beforeAll(async () => {
  [strictProxy, plainProxy] = await Promise.all([startPrism(["proxy", app.baseUrl], ["--errors"]), startPrism(["proxy", app.baseUrl])]);
});
afterAll(async () => {
  await Promise.all([strictProxy?.close(), plainProxy?.close()]);
});

function violationsOf(response: Response): Violation[] {
  const header = response.headers.get("sl-violations");
  return header ? (JSON.parse(header) as Violation[]) : [];
}

async function post(proxy: PrismProcess, body: string, headers: Record<string, string> = {}): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${proxy.url}/api/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}`, ...headers },
    body,
  });
  return { response, text: await response.text() };
}

/** Prism found nothing wrong with the response (nor the request), and the server's id header came through. */
function expectCleanAnswer(response: Response, text: string, status: number): void {
  expect(violationsOf(response), text).toEqual([]);
  expect(response.status, text).toBe(status);
  expect(response.headers.get("x-request-id")).toBeTruthy();
}

describe("the server's JSON answers through prism proxy --errors", () => {
  it("answers a message with a MessageResponse Prism accepts", async () => {
    const { response, text } = await post(
      strictProxy,
      JSON.stringify({ message: "hi", conversationId: "conv_1", history: [{ role: "system", content: "be brief" }] }),
      { accept: "application/json" },
    );
    expectCleanAnswer(response, text, 200);
    expect(JSON.parse(text)).toMatchObject({ message: { role: "assistant", content: "Hello from the fake upstream!" } });
  });

  it("answers a streamed message with 200 text/event-stream Prism accepts", async () => {
    const { response, text } = await post(strictProxy, JSON.stringify({ message: "hi" }), { accept: "text/event-stream" });
    expectCleanAnswer(response, text, 200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(text).toContain("event: complete");
  });

  it("answers health with a Health body Prism accepts", async () => {
    const response = await fetch(`${strictProxy.url}/api/v1/health`);
    const text = await response.text();
    expectCleanAnswer(response, text, 200);
  });

  const upstreamFaults: [string, UpstreamScript, number, string][] = [
    ["the upstream rejects the key", { fault: { kind: "status", status: 401 } }, 502, "upstream_auth"],
    ["the upstream does not know the model", { fault: { kind: "status", status: 404 } }, 502, "upstream_error"],
    ["the upstream rate-limits", { fault: { kind: "status", status: 429, headers: { "retry-after": "3" } } }, 503, "upstream_rate_limited"],
    ["the upstream is down", { fault: { kind: "status", status: 503 } }, 503, "upstream_unavailable"],
    ["the upstream resets mid-reply", { tokens: ["a", "b", "c"], fault: { kind: "reset", afterTokens: 1 } }, 503, "upstream_unavailable"],
    ["the upstream sends no token in time", { fault: { kind: "no-first-byte" } }, 504, "upstream_timeout"],
  ];
  it.each(upstreamFaults)("answers a documented %s error Prism accepts", async (_case, script, status, code) => {
    upstream.enqueue(script);
    const { response, text } = await post(strictProxy, JSON.stringify({ message: "hi" }));
    expectCleanAnswer(response, text, status);
    expect(JSON.parse(text)).toMatchObject({ error: { code } });
  });

  it("answers 406 for an unacceptable Accept with an error Prism accepts", async () => {
    const { response, text } = await post(strictProxy, JSON.stringify({ message: "hi" }), { accept: "text/html" });
    expectCleanAnswer(response, text, 406);
  });
});

describe("the server's answers to invalid requests through a plain prism proxy", () => {
  // The last column: whether the spec itself makes the request invalid (the size limit is the server's own).
  const invalidRequests: [string, string, Record<string, string>, number, boolean][] = [
    ["an empty message", JSON.stringify({ message: "" }), {}, 400, true],
    ["a missing message", JSON.stringify({ history: [] }), {}, 400, true],
    ["an unknown role", JSON.stringify({ message: "hi", history: [{ role: "robot", content: "x" }] }), {}, 400, true],
    ["an extra property", JSON.stringify({ message: "hi", temperature: 2 }), {}, 400, true],
    ["a body over the size limit", JSON.stringify({ message: "x".repeat(8000) }), {}, 413, false],
    ["a text/plain body", "hello", { "content-type": "text/plain" }, 415, true],
  ];
  it("answers a request without a key with a 401 Prism accepts", async () => {
    const { response, text } = await post(plainProxy, JSON.stringify({ message: "hi" }), { authorization: "" });
    expect(response.status, text).toBe(401);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "unauthorized" } });
    expect(violationsOf(response).filter((violation) => violation.location[0] !== "request")).toEqual([]);
  });

  it.each(invalidRequests)("answers %s with a documented error; Prism objects only to the request", async (_case, body, headers, status, specInvalid) => {
    const { response, text } = await post(plainProxy, body, headers);
    expect(response.status, text).toBe(status);
    const aboutResponse = violationsOf(response).filter((violation) => violation.location[0] !== "request");
    expect(aboutResponse, text).toEqual([]);
    expect(violationsOf(response).length > 0, "Prism saw whether the request breaks the spec").toBe(specInvalid);
  });
});
