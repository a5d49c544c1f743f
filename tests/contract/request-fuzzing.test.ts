import { createParser, type EventSourceMessage } from "eventsource-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { createSchemaValidator } from "../../server/validation/create-schema-validator.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectEventsMatchContract } from "../helpers/expect-contract.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { createRequestArbitraries, type LabelledRequest } from "./fuzz-request-arbitraries.js";
import { judgeRequest, type Expectation } from "./expected-outcomes.js";

/** Fixed by default so CI is reproducible; set FUZZ_SEED to explore. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got "${process.env.FUZZ_SEED}"`);
/** Requests per property run, sent concurrently: the server is meant to take many at once. */
const BATCH = 8;
const VALID_CASES = 2_200;
const INVALID_CASES = 2_600;
const MIN_CASES_EACH = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
const TOKENS = ["ok"];
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const validator = createSchemaValidator();

let app: TestApp;

useAppOnFakeUpstream({ script: { tokens: TOKENS } }, (started) => ({ app } = started));

const stats = {
  cases: 0,
  byVerdict: { valid: 0, invalid: 0, either: 0 },
  streamed: 0,
  statuses: new Map<number, number>(),
  serverErrors: 0,
  /** Cases the oracle judged differently from what their generator aimed at. */
  reclassified: 0,
};

interface Answer {
  status: number;
  contentType: string | null;
  requestId: string | null;
  text: string;
}

async function send(request: LabelledRequest): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (request.contentType !== undefined) headers["content-type"] = request.contentType;
  if (request.accept !== undefined) headers.accept = request.accept;
  // A byte body (not a string) so that "no Content-Type" really sends none.
  try {
    const response = await fetch(`${app.baseUrl}/api/v1/messages`, {
      method: "POST",
      headers,
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      requestId: response.headers.get("x-request-id"),
      text: await response.text(),
    };
  } catch (error) {
    // A hang ends here as a TimeoutError; say which request it was.
    throw new Error(`No complete answer within ${REQUEST_TIMEOUT_MS} ms (${String(error)}): ${request.toString()}`, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Which documented answer this is: `200 json`, `200 sse` or `<status> <code>`. */
function outcomeOf(answer: Answer): string {
  if (answer.status === 200) {
    if (answer.contentType === "application/json; charset=utf-8") return "200 json";
    if (answer.contentType === "text/event-stream; charset=utf-8") return "200 sse";
    return `200 ${String(answer.contentType)}`;
  }
  const code = (parseJson(answer.text) as { error?: { code?: unknown } } | undefined)?.error?.code;
  return `${answer.status} ${typeof code === "string" ? code : "(no ErrorResponse)"}`;
}

function expectStreamEndsWithComplete(text: string, context: string): void {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(text);
  expectEventsMatchContract(events.map(({ event, id, data }) => ({ event, id, data, receivedAt: 0 })));
  const terminal = events.filter((event) => event.event === "complete" || event.event === "error");
  expect(
    terminal.map((event) => event.event),
    `${context}: one terminal event`,
  ).toEqual(["complete"]);
  expect(events.at(-1), `${context}: complete is last`).toBe(terminal[0]);
  expect((JSON.parse(terminal[0]!.data) as { content: unknown }).content, context).toBe(TOKENS.join(""));
}

/** Sends one request and checks the answer against the oracle and the contract's schemas. */
async function exchange(request: LabelledRequest, aimedAt: Expectation["verdict"]): Promise<void> {
  const expectation = judgeRequest(request, { maxBodyBytes: app.config.maxBodyBytes, validator });
  const answer = await send(request);
  const outcome = outcomeOf(answer);
  stats.cases += 1;
  stats.byVerdict[expectation.verdict] += 1;
  if (expectation.verdict !== aimedAt) stats.reclassified += 1;
  stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
  if (answer.status >= 500) stats.serverErrors += 1;

  const context = `${request.toString()} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, `no 5xx: ${context}`).toBeLessThan(500);
  expect([...expectation.outcomes], `the answer is one the contract allows: ${context}`).toContain(outcome);
  expect(answer.requestId, context).toMatch(REQUEST_ID);
  if (outcome === "200 sse") {
    stats.streamed += 1;
    expectStreamEndsWithComplete(answer.text, context);
  } else if (outcome === "200 json") {
    const body = parseJson(answer.text) as { message?: { content?: unknown } };
    expect(validator.validate("MessageResponse", body), context).toEqual([]);
    expect(body.message?.content, context).toBe(TOKENS.join(""));
  } else {
    expect(answer.contentType, context).toBe("application/json; charset=utf-8");
    expect(validator.validate("ErrorResponse", parseJson(answer.text)), context).toEqual([]);
  }
}

function fuzz(requests: fc.Arbitrary<LabelledRequest>, cases: number, aimedAt: Expectation["verdict"]): Promise<void> {
  const batches = fc.array(requests, { minLength: BATCH, maxLength: BATCH });
  return fc.assert(
    fc.asyncProperty(batches, async (batch) => {
      await Promise.all(batch.map((request) => exchange(request, aimedAt)));
    }),
    // A hang costs REQUEST_TIMEOUT_MS per shrinking step: stop shrinking in time to report what was found.
    { seed: SEED, numRuns: Math.ceil(cases / BATCH), interruptAfterTimeLimit: 50_000, markInterruptAsFailure: true },
  );
}

describe("POST /api/v1/messages under property-based fuzzing from the spec's SendMessageRequest", () => {
  const arbitraries = () => createRequestArbitraries(spec, app.config.maxBodyBytes);

  it("answers 200 with a reply that matches the contract, as JSON or as a stream ending in complete, to every request the contract allows", async () => {
    await fuzz(arbitraries().valid, VALID_CASES, "valid");
  }, 60_000);

  it("answers every request the contract rejects with its documented 4xx and a JSON ErrorResponse, never a 5xx", async () => {
    await fuzz(arbitraries().invalid, INVALID_CASES, "invalid");
  }, 60_000);

  it("ran thousands of valid and invalid cases without one 5xx or logged server error, and still answers /api/v1/health", async () => {
    const histogram = [...stats.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}:${count}`)
      .join(" ");
    console.log(
      `request fuzzing (seed ${SEED}; set FUZZ_SEED to change): ${stats.cases} cases, ${stats.byVerdict.valid} valid / ${stats.byVerdict.invalid} invalid / ` +
        `${stats.byVerdict.either} either, ${stats.streamed} streamed; statuses ${histogram}; 5xx: ${stats.serverErrors}; reclassified by the oracle: ${stats.reclassified}`,
    );
    expect(stats.serverErrors).toBe(0);
    expect(stats.byVerdict.valid).toBeGreaterThanOrEqual(MIN_CASES_EACH);
    expect(stats.byVerdict.invalid).toBeGreaterThanOrEqual(MIN_CASES_EACH);
    expect(stats.streamed, "some valid cases were streamed").toBeGreaterThan(100);
    expect(app.logs.filter((line) => typeof line.level === "number" && line.level >= 50).slice(0, 3)).toEqual([]);

    const health = await fetch(`${app.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    expect(health.status).toBe(200);
    expect(validator.validate("Health", await health.json())).toEqual([]);
  });
});
