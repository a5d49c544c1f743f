import { Agent, request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";
import { createRequestArbitraries } from "../contract/fuzz-request-arbitraries.js";
import { startServerProcess, stopServerProcess, type ServerProcess } from "../helpers/start-server-process.js";
import { arbitraryAuthorization, arbitraryExtraHeaders, HEADER_GENERATORS, type FuzzHeaders } from "./fuzz-header-generators.js";

/** Fixed by default so CI is reproducible; set FUZZ_SEED to explore. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got "${process.env.FUZZ_SEED}"`);
const REQUESTS = 5_200;
const CONCURRENCY = 16;
/** Small, so that bodies at and past the limit are cheap to send thousands of times. */
const MAX_BODY_BYTES = 16_384;
const REQUEST_TIMEOUT_MS = 15_000;

const validator = createSchemaValidator();
let upstream: FakeOpenAiUpstream;
let server: ServerProcess;
/**
 * A connection per request: a kept-alive connection the server closes just as the client reuses it fails the request
 * with a reset that says nothing about the server (the race every HTTP/1.1 client knows).
 */
/** The one key the fuzzed server accepts; most requests carry it, the others none or a bad one. */
const FUZZ_API_KEY = "fuzz-key-0123456789abcdef";

const agent = new Agent({ keepAlive: false, maxSockets: CONCURRENCY });

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream({ tokens: ["ok"] });
  server = await startServerProcess(
    upstreamEnv(upstream.baseUrl, {
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      UPSTREAM_MAX_RETRIES: "0",
      // Keys on, so every request goes through authentication; the limits on but out of reach, so requests with the
      // valid key go through them to everything behind (the limits' own refusals are tested in their own files).
      API_KEYS: FUZZ_API_KEY,
      AUTH_FAILURES_PER_MINUTE: "0",
      RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000",
      RATE_LIMIT_CONCURRENT_REPLIES: "100000",
    }),
  );
});

afterAll(async () => {
  agent.destroy();
  stopServerProcess(server);
  await upstream?.close();
});

interface FuzzedRequest extends fc.WithToStringMethod {
  method: string;
  path: string;
  headers: FuzzHeaders;
  body: Uint8Array | undefined;
  label: string;
}

const describeRequest = (fuzzed: Omit<FuzzedRequest, typeof fc.toStringMethod>) =>
  `[${fuzzed.label}] ${fuzzed.method} ${fuzzed.path.slice(0, 120)} headers=${JSON.stringify(fuzzed.headers).slice(0, 400)} body(${fuzzed.body?.byteLength ?? 0} B)`;

/** A request that fast-check prints as one short line, not as a megabyte of headers and bytes. */
function fuzzedRequest(fields: Omit<FuzzedRequest, typeof fc.toStringMethod>): FuzzedRequest {
  return { ...fields, [fc.toStringMethod]: () => describeRequest(fields) };
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "get"];
const MESSAGE_IDS = fc.oneof(
  fc.stringMatching(/^msg_[0-9a-f]{32}$/),
  fc.constantFrom("", "..", "%2e%2e", "%00", "%0d%0aX-Injected:%20yes", "%ZZ", "%", "a%2Fb", "%F0%9F%98%80", "%C0%AF", "msg_%FF", "x".repeat(2_000)),
);
const QUERIES = fc.constantFrom(
  "",
  "?lastEventId=1",
  "?lastEventId=-1",
  "?lastEventId=%0d%0a",
  "?a[b]=c&a[__proto__][x]=1",
  "?%ZZ=1",
  `?q=${"q".repeat(3_000)}`,
);
const PATHS = fc.oneof(
  fc.constantFrom("/", "/index.html", "/api/v1/health", "/livez", "/readyz", "/metrics", "/api/v1/messages", "/api/v1/", "/assets/x.js", "//api/v1/health"),
  fc.tuple(MESSAGE_IDS, fc.constantFrom("events", "stop", "", "events/extra")).map(([id, tail]) => `/api/v1/messages/${id}/${tail}`),
  fc.constantFrom("/../../etc/passwd", "/api/v1/health/..%2f..%2f", "/%2e%2e/%2e%2e/", "/api/v1/messages%00", "/api/v1/HEALTH", "/*", "/api/v1/health;x=1"),
);
const ANY_CONTENT_TYPE = fc.constantFrom(
  undefined,
  "application/json",
  "text/plain",
  "application/json; charset=utf-16",
  "multipart/form-data; boundary=x",
  "*/*",
);
const ANY_ACCEPT = fc.constantFrom(undefined, "*/*", "text/event-stream", "application/json", "text/html", "image/*;q=0", ",,,;q=", "a".repeat(3_000));
const ANY_BODY = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 256 }),
  fc.constantFrom('{"message":"hi"}', '{"message":"hi","resumable":true}', "{}", "[]", "null").map((text) => new TextEncoder().encode(text)),
);

function createFuzzedRequests(): fc.Arbitrary<FuzzedRequest> {
  const { valid, invalid } = createRequestArbitraries(spec, MAX_BODY_BYTES);
  const extraHeaders = fc.tuple(arbitraryExtraHeaders(HEADER_GENERATORS), arbitraryAuthorization(FUZZ_API_KEY)).map(([extra, auth]) => ({ ...extra, ...auth }));
  const messages = fc.tuple(fc.oneof(valid, invalid), extraHeaders).map(([message, extra]): FuzzedRequest =>
    fuzzedRequest({
      method: "POST",
      path: "/api/v1/messages",
      headers: {
        ...(message.contentType === undefined ? {} : { "content-type": message.contentType }),
        ...(message.accept === undefined ? {} : { accept: message.accept }),
        ...extra,
      },
      body: message.body,
      label: message.label,
    }),
  );
  const anything = fc
    .tuple(fc.constantFrom(...METHODS), PATHS, QUERIES, ANY_CONTENT_TYPE, ANY_ACCEPT, ANY_BODY, extraHeaders)
    .map(([method, path, query, contentType, accept, body, extra]): FuzzedRequest =>
      fuzzedRequest({
        method,
        path: `${path}${query}`,
        headers: { ...(contentType === undefined ? {} : { "content-type": contentType }), ...(accept === undefined ? {} : { accept }), ...extra },
        body,
        label: "any method, path and body",
      }),
    );
  return fc.oneof({ weight: 3, arbitrary: messages }, { weight: 2, arbitrary: anything });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(fuzzed: FuzzedRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${server.baseUrl}${fuzzed.path}`,
      {
        method: fuzzed.method,
        // Node's client frames a GET's or an OPTIONS' body only when told its length; unframed, it would be read as the next request.
        headers: fuzzed.body === undefined ? fuzzed.headers : { ...fuzzed.headers, "content-length": String(fuzzed.body.byteLength) },
        agent,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no complete answer within ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.on("error", reject);
    outgoing.end(fuzzed.body === undefined ? undefined : Buffer.from(fuzzed.body));
  });
}

/** Node's own limit on the request line and headers (the fuzzed server keeps the default). */
const MAX_HEADER_BYTES = 16_384;

/**
 * Whether the server may refuse the request while it is still being sent: headers past the limit (431) or a body
 * past it (413). Node then closes the connection, and a client still writing its body sees a reset instead of the
 * answer. That is a clean refusal; a reset of any other request is a failure.
 */
function mayBeCutOff(fuzzed: FuzzedRequest): boolean {
  const headerBytes = fuzzed.path.length + Object.entries(fuzzed.headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
  return headerBytes > MAX_HEADER_BYTES - 1_024 || (fuzzed.body?.byteLength ?? 0) > MAX_BODY_BYTES;
}

const stats = { requests: 0, statuses: new Map<number, number>(), serverErrors: 0, cutOffWhileSending: 0 };

async function exchange(fuzzed: FuzzedRequest): Promise<void> {
  let answer: Answer;
  try {
    answer = await send(fuzzed);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (mayBeCutOff(fuzzed) && (code === "ECONNRESET" || code === "EPIPE")) {
      stats.requests += 1;
      stats.cutOffWhileSending += 1;
      return;
    }
    throw new Error(`No answer (${String(error)}): ${describeRequest(fuzzed)}`, { cause: error });
  }
  stats.requests += 1;
  stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
  if (answer.status >= 500) stats.serverErrors += 1;
  const context = `${describeRequest(fuzzed)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, `no 5xx: ${context}`).toBeLessThan(500);
  expect(answer.headers["x-powered-by"], context).toBeUndefined();
  const contentType = answer.headers["content-type"];
  // The app's refusals are the contract's JSON; Node's own (a header too large, a request line it cannot parse) have no body.
  if (answer.status >= 400 && answer.text !== "") {
    expect(contentType, context).toBe("application/json; charset=utf-8");
    expect(validator.validate("ErrorResponse", JSON.parse(answer.text)), context).toEqual([]);
  }
  // HTML only ever as the UI's page (served when dist/web is built, ranges included), never as an error page.
  if (answer.status >= 400) expect(String(contentType ?? ""), context).not.toMatch(/html/i);
}

describe(`a fuzzing run of ${REQUESTS} requests against the real server process`, () => {
  it("answers every mix of method, path, body and headers, valid or hostile, without a 5xx", async () => {
    const batches = fc.array(createFuzzedRequests(), { minLength: CONCURRENCY, maxLength: CONCURRENCY });
    await fc.assert(
      fc.asyncProperty(batches, async (batch) => {
        await Promise.all(batch.map(exchange));
      }),
      { seed: SEED, numRuns: Math.ceil(REQUESTS / CONCURRENCY), interruptAfterTimeLimit: 100_000, markInterruptAsFailure: true, endOnFailure: true },
    );
  }, 120_000);

  it("ran them all, replied to many, wrote no error line, and still answers its health check", async () => {
    const histogram = [...stats.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}:${count}`)
      .join(" ");
    console.log(
      `security fuzzing (seed ${SEED}; set FUZZ_SEED to change): ${stats.requests} requests; statuses ${histogram}; cut off while sending an oversized request: ${stats.cutOffWhileSending}; 5xx: ${stats.serverErrors}`,
    );
    expect(stats.requests).toBeGreaterThanOrEqual(REQUESTS);
    expect(stats.serverErrors).toBe(0);
    // Not a wall of refusals: the valid requests among them got replies.
    expect(stats.statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 5);
    // And many were refused for their key: the bad keys reached authentication, and got 401, never a 5xx.
    expect(stats.statuses.get(401) ?? 0).toBeGreaterThan(REQUESTS / 20);
    expect(server.logs.filter((line) => typeof line.level === "number" && line.level >= 50).slice(0, 3)).toEqual([]);
    const health = await fetch(`${server.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});
