import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { collectSpecExamples, type SpecExample } from "./collect-spec-examples.js";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped (as in create-schema-validator.ts).
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const SPEC_ID = "urn:streaming-chat:openapi:examples";
const SSE = "text/event-stream";

/**
 * The whole spec is one schema document, so any schema in it, inline or not, compiles from its JSON Pointer
 * and its `#/components/...` refs resolve against the spec itself.
 */
function createSpecChecker() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ ...spec, $id: SPEC_ID });
  return (schemaPointer: string, value: unknown): string[] => {
    const fragment = schemaPointer.split("/").map(encodeURIComponent).join("/");
    const validate = ajv.getSchema(`${SPEC_ID}#${fragment}`);
    if (!validate) return [`no schema at ${schemaPointer}`];
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"} ${JSON.stringify(error.params)}`);
  };
}

const problemsOf = createSpecChecker();
const examples = collectSpecExamples(spec);
/** `[name, example]`, so test titles show the whole location (vitest shortens `$name` interpolations). */
const named = <T extends SpecExample>(example: T): [string, T] => [example.name, example];
const sseExamples = examples.filter((example) => example.mediaType === SSE);

/** Examples this suite knows exist: the walker must find at least these, so a walker that finds nothing fails. */
const KNOWN_EXAMPLES = [
  'POST /api/v1/messages request body application/json example "simple"',
  'POST /api/v1/messages request body application/json example "withHistory"',
  'POST /api/v1/messages 200 application/json example "reply"',
  'POST /api/v1/messages 200 text/event-stream example "complete"',
  'POST /api/v1/messages 200 text/event-stream example "upstreamFailure"',
  'GET /api/v1/health 200 application/json example "demo"',
  'GET /api/v1/health 200 application/json example "real"',
  'components.responses.BadRequest application/json example "invalidRequest"',
  'components.responses.BadRequest application/json example "malformedJson"',
  'components.responses.NotAcceptable application/json example "notAcceptable"',
  'components.responses.PayloadTooLarge application/json example "payloadTooLarge"',
  'components.responses.UnsupportedMediaType application/json example "unsupportedMediaType"',
  'components.responses.InternalError application/json example "internal"',
  'components.responses.BadGateway application/json example "upstreamAuth"',
  'components.responses.ServiceUnavailable application/json example "upstreamRateLimited"',
  'components.responses.GatewayTimeout application/json example "upstreamTimeout"',
  "components.parameters.RequestId (header X-Request-Id) example",
  "components.headers.X-Request-Id example",
  "components.headers.Retry-After example",
];

/** `ErrorCode`'s description documents each code's status as "`code` (400…)"; the table the examples must agree with. */
function documentedStatuses(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [, code, status] of spec.components.schemas.ErrorCode.description.matchAll(/`([a-z_]+)` \((\d{3})\b/g)) table.set(code!, status!);
  return table;
}

const errorExamples = examples.filter(
  (example): example is SpecExample & { value: { error: { code: string } } } =>
    example.statuses.length > 0 && typeof (example.value as { error?: { code?: unknown } } | null)?.error?.code === "string",
);

describe("the spec's examples", () => {
  it("are all found by the walker, including every example this suite knows of", () => {
    expect(examples.length).toBeGreaterThanOrEqual(KNOWN_EXAMPLES.length);
    expect(examples.map((example) => example.name)).toEqual(expect.arrayContaining(KNOWN_EXAMPLES));
    expect(sseExamples.length, "text/event-stream examples").toBeGreaterThanOrEqual(2);
    expect(errorExamples.length, "error examples under a response status").toBeGreaterThanOrEqual(10);
  });

  it.each(examples.map(named))("%s matches its schema", (_name, example) => {
    expect(problemsOf(example.schemaPointer, example.value), `${example.pointer} against ${example.schemaPointer}`).toEqual([]);
  });

  it("documents an HTTP status for every ErrorCode", () => {
    expect([...documentedStatuses().keys()].sort()).toEqual([...spec.components.schemas.ErrorCode.enum].sort());
  });

  it.each(errorExamples.map(named))("%s carries an error code documented for the status it answers", (_name, example) => {
    const statuses = documentedStatuses();
    for (const status of example.statuses) expect(statuses.get(example.value.error.code), `${example.pointer} answers ${status}`).toBe(status);
  });
});

interface ParsedTranscript {
  events: EventSourceMessage[];
  /** Lines that start a frame's `event:` field; each must become one parsed event. */
  eventLines: number;
  parseErrors: string[];
}

function parseTranscript(transcript: string): ParsedTranscript {
  const events: EventSourceMessage[] = [];
  const parseErrors: string[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event), onError: (error) => parseErrors.push(error.message) });
  parser.feed(transcript);
  return { events, eventLines: transcript.match(/^event:/gm)?.length ?? 0, parseErrors };
}

const payloadOf = (event: EventSourceMessage) => JSON.parse(event.data) as Record<string, unknown>;
const isTerminal = (event: EventSourceMessage) => event.event === "complete" || event.event === "error";

describe.each(sseExamples.map(named))("the text/event-stream example %s", (_name, example) => {
  // A non-string example fails the first test below; the rest then see an empty transcript and fail too.
  const transcript = typeof example.value === "string" ? example.value : "";
  const { events, eventLines, parseErrors } = parseTranscript(transcript);
  // A resumed stream (resumeMessage) starts after the reader's last event, so its ids start later and its tokens are
  // the end of the reply; every other stream is a whole reply.
  const resumed = example.name.startsWith("GET /api/v1/messages/{messageId}/events ");

  it("is a transcript string that ends with a blank line, so its last event is dispatched", () => {
    expect(typeof example.value, example.pointer).toBe("string");
    expect(transcript.endsWith("\n\n"), `${example.pointer} ends with ${JSON.stringify(transcript.slice(-12))}`).toBe(true);
  });

  it("parses into one event per `event:` line, without parse errors", () => {
    expect(events.length).toBeGreaterThan(0);
    expect(events.length, "parsed events vs `event:` lines: a frame without its blank line is silently dropped").toBe(eventLines);
    expect(parseErrors).toEqual([]);
  });

  it("has events whose name, id and JSON data each match StreamEvent", () => {
    for (const event of events) {
      let data: unknown;
      expect(() => (data = JSON.parse(event.data)), `data of event ${String(event.id)} is JSON`).not.toThrow();
      expect(problemsOf("/components/schemas/StreamEvent", { event: event.event, id: event.id, data }), `event ${String(event.id)}`).toEqual([]);
    }
  });

  it("numbers its events with ids that increase from 1 (or from where a resumed stream picks up)", () => {
    const ids = events.map((event) => Number(event.id));
    if (resumed) expect(ids[0]).toBeGreaterThan(1);
    else expect(ids[0]).toBe(1);
    for (const [index, id] of ids.entries()) if (index > 0) expect(id, `id after ${ids[index - 1]}`).toBeGreaterThan(ids[index - 1]!);
  });

  it("ends with exactly one terminal event, complete or error, and nothing after it", () => {
    expect(events.filter(isTerminal)).toHaveLength(1);
    expect(isTerminal(events.at(-1)!), `last event is ${String(events.at(-1)?.event)}`).toBe(true);
  });

  it("repeats in its terminal event every token's content, joined", () => {
    const joined = events
      .filter((event) => event.event === "token")
      .map((event) => payloadOf(event).content)
      .join("");
    const terminal = events.at(-1)!;
    const whole = payloadOf(terminal)[terminal.event === "complete" ? "content" : "partialContent"];
    if (resumed) expect(String(whole).endsWith(joined), `${terminal.event} event ends with the resumed tokens`).toBe(true);
    else expect(whole, `${terminal.event} event`).toBe(joined);
  });
});
