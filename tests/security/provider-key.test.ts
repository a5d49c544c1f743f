import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { ensureWebBuild } from "../../scripts/build-web.js";
import { postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";

/** Recognizable anywhere it turns up, and shaped like a real project key. */
const CANARY_KEY = `sk-proj-CANARY${"x7Q2".repeat(10)}leak-canary-9f3b`;

let upstream: FakeOpenAiUpstream;
let server: ServerProcess;
/** Every response the test received, headers and body, to search for the key. */
const seen: string[] = [];

beforeAll(async () => {
  // OpenAI's answer to a wrong key, quoting it; every request gets it unless a test queues another fault.
  upstream = await startFakeOpenAiUpstream({ fault: { kind: "status", status: 401, quoteApiKey: true } });
  server = await startServerProcess({
    OPENAI_BASE_URL: upstream.baseUrl,
    OPENAI_API_KEY: CANARY_KEY,
    OPENAI_MODEL: "fake-model",
    UPSTREAM_MAX_RETRIES: "2",
    // Everything the server can log, prompt and reply text included.
    LOG_LEVEL: "trace",
    LOG_CONTENT: "true",
  });
});

afterAll(async () => {
  stopServerProcess(server);
  await upstream?.close();
});

async function record(response: Response): Promise<Response> {
  seen.push(`${response.status} ${JSON.stringify([...response.headers])}\n${await response.clone().text()}`);
  return response;
}

const post = (headers: Record<string, string>, body: unknown) =>
  fetch(`${server.baseUrl}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }).then(
    record,
  );

describe("the provider key (OPENAI_API_KEY) never leaves the server", () => {
  it("is sent to the provider, and appears in no answer when the provider rejects it and quotes it back", async () => {
    const json = await post({}, { message: "hello" });
    expect(json.status).toBe(502);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("upstream_auth");
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);

    const sse = await postForSse(`${server.baseUrl}/api/v1/messages`, { message: "hello" }, { headers: { accept: "text/event-stream" } });
    seen.push(sse.raw, JSON.stringify(sse.headers));
    expect(sse.events.at(-1)?.event).toBe("error");

    const resumable = await postForSse(
      `${server.baseUrl}/api/v1/messages`,
      { message: "hello", resumable: true },
      { headers: { accept: "text/event-stream" } },
    );
    seen.push(resumable.raw, JSON.stringify(resumable.headers));
    const messageId = String(resumable.headers["x-message-id"]);
    const resumed = await fetch(`${server.baseUrl}/api/v1/messages/${messageId}/events`, { headers: { accept: "text/event-stream" } }).then(record);
    expect([200, 204]).toContain(resumed.status);

    // Other statuses that quote it, and the key in the request itself (a client pasting it as a message).
    for (const status of [403, 429, 500]) {
      upstream.enqueue(
        { fault: { kind: "status", status, quoteApiKey: true } },
        { fault: { kind: "status", status, quoteApiKey: true } },
        { fault: { kind: "status", status, quoteApiKey: true } },
      );
      const answer = await post({}, { message: "again" });
      expect(answer.status).toBeGreaterThanOrEqual(500);
    }
    for (const path of ["/api/v1/health", "/metrics", "/readyz", "/livez", "/nope"]) await record(await fetch(`${server.baseUrl}${path}`));

    for (const response of seen) expect(response).not.toContain(CANARY_KEY);
    expect(seen.join("\n")).not.toContain("CANARY");
  });

  it("appears in no line the server wrote, on stdout or stderr, though the provider's errors it logged quoted it", async () => {
    // The replies' failures are logged when they end; wait for the last one.
    await until(
      () => server.logs.filter((line) => line.msg === "request finished").length >= 8,
      10_000,
      () => "the requests' log lines",
    );
    const output = server.output();
    expect(output).not.toContain(CANARY_KEY);
    expect(output).not.toContain("CANARY");
    // The provider's error, as logged with the failure: present, and redacted where it quoted the key.
    expect(output).toContain("Incorrect API key provided: [REDACTED]");
  });

  it("is not in the UI's bundle, even when it is in the environment of the build", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "provider-key-web-"));
    const before = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = CANARY_KEY;
    process.env.VITE_OPENAI_API_KEY = CANARY_KEY;
    try {
      expect(await ensureWebBuild({ outDir, force: true })).toBe(true);
      const files = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) expect(readFileSync(join(file.parentPath, file.name), "latin1"), file.name).not.toContain("CANARY");
    } finally {
      if (before === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = before;
      delete process.env.VITE_OPENAI_API_KEY;
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
