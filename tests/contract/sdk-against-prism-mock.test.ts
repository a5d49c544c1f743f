/**
 * The SDK against a real Prism mock of the contract: Prism validates every request the SDK makes (a 422 or any
 * `sl-violations` header fails the test) and answers with the spec's own examples, which the SDK must parse
 * into exactly the documented values and typed events.
 */
import { createParser } from "eventsource-parser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { ChatSdkError, createChatClient, type ChatClient, type StreamEvent } from "../../sdk/index.js";
import { startPrism, type PrismProcess } from "../helpers/start-prism.js";

interface Example {
  value: unknown;
}
interface MediaType {
  examples?: Record<string, Example>;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  $ref?: string;
}

function resolveResponse(response: ResponseObject): ResponseObject {
  if (!response.$ref) return response;
  const name = response.$ref.replace("#/components/responses/", "") as keyof typeof spec.components.responses;
  return spec.components.responses[name] as ResponseObject;
}

/** Every (status, media type, example) the spec documents for an operation. */
function documentedExamples(responses: Record<string, ResponseObject>) {
  return Object.entries(responses).flatMap(([status, response]) =>
    Object.entries(resolveResponse(response).content ?? {}).flatMap(([mediaType, media]) =>
      Object.entries(media.examples ?? {}).map(([name, example]) => ({ status: Number(status), mediaType, name, value: example.value })),
    ),
  );
}

/** Parses an SSE example independently of the SDK, into the events the SDK should yield. */
function parseTranscript(transcript: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  const parser = createParser({
    onEvent: (message) => events.push({ type: message.event, id: message.id, data: JSON.parse(message.data) } as StreamEvent),
  });
  parser.feed(transcript);
  return events;
}

const messageExamples = documentedExamples(spec.paths["/api/v1/messages"].post.responses as Record<string, ResponseObject>);
const healthExamples = documentedExamples(spec.paths["/api/v1/health"].get.responses as Record<string, ResponseObject>);
const resumeExamples = documentedExamples(spec.paths["/api/v1/messages/{messageId}/events"].get.responses as Record<string, ResponseObject>);
const stopExamples = documentedExamples(spec.paths["/api/v1/messages/{messageId}/stop"].post.responses as Record<string, ResponseObject>);
const MESSAGE_ID = "msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/** Prism checks that the spec's bearer scheme is present, not which key it carries. */
const PRISM_API_KEY = "any-key-prism-checks-only-its-presence";

let prism: PrismProcess;
const responses: { url: string; status: number; violations: string | null }[] = [];

/** A fetch that records what Prism said about each request, for the afterEach check. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  responses.push({ url: response.url, status: response.status, violations: response.headers.get("sl-violations") });
  return response;
};

function clientPreferring(preference?: string): ChatClient {
  return createChatClient({ baseUrl: prism.url, fetch: recordingFetch, apiKey: PRISM_API_KEY, headers: preference ? { Prefer: preference } : {} });
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const received: StreamEvent[] = [];
  for await (const event of events) received.push(event);
  return received;
}

beforeAll(async () => {
  prism = await startPrism(["mock"]);
});
afterAll(async () => {
  await prism?.close();
});
afterEach(() => {
  // Prism answers 422 or adds sl-violations when the SDK's request does not match the contract.
  const invalid = responses.filter((response) => response.status === 422 || response.violations !== null);
  responses.length = 0;
  expect(invalid, `Prism found requests that violate the contract:\n${prism.output().slice(-2000)}`).toEqual([]);
});

describe("the SDK against the Prism mock of the contract", () => {
  it("finds examples for every documented status of both operations", () => {
    expect(new Set(messageExamples.map((example) => example.status))).toEqual(new Set([200, 400, 401, 406, 413, 415, 429, 500, 502, 503, 504]));
    expect(messageExamples.filter((example) => example.mediaType === "text/event-stream").length).toBeGreaterThanOrEqual(2);
    expect(healthExamples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(messageExamples.filter((example) => example.status === 200 && example.mediaType === "application/json"))(
    "sendMessage returns the JSON example $name exactly",
    async ({ name, value }) => {
      await expect(clientPreferring(`example=${name}`).sendMessage({ message: "Hello" })).resolves.toEqual(value);
    },
  );

  it.each(messageExamples.filter((example) => example.mediaType === "text/event-stream"))(
    "streamMessage parses the SSE example $name into exactly the events it documents",
    async ({ name, value }) => {
      const expected = parseTranscript(value as string);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      const received = await collect(clientPreferring(`example=${name}`).streamMessage({ message: "Hello" }));
      expect(received).toEqual(expected);
      expect(["complete", "error"]).toContain(received.at(-1)!.type);
    },
  );

  it.each(messageExamples.filter((example) => example.status >= 400))(
    "sendMessage throws an http_error carrying the $status example $name",
    async ({ status, name, value }) => {
      const error = await clientPreferring(`code=${status}, example=${name}`)
        .sendMessage({ message: "Hello", history: [{ role: "user", content: "earlier" }], conversationId: "conv_1" })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(ChatSdkError);
      expect(error).toMatchObject({ type: "http_error", status, body: value });
      expect((error as ChatSdkError).requestId).toBeTruthy();
    },
  );

  it.each(messageExamples.filter((example) => example.status >= 400))(
    "streamMessage throws an http_error carrying the $status example $name before any event",
    async ({ status, name, value }) => {
      const received: StreamEvent[] = [];
      const error = await (async () => {
        for await (const event of clientPreferring(`code=${status}, example=${name}`).streamMessage({ message: "Hello" })) received.push(event);
      })().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(received).toEqual([]);
      expect(error).toMatchObject({ type: "http_error", status, body: value });
    },
  );

  it("carries the documented Retry-After of a 503 as retryAfterSeconds", async () => {
    const error = await clientPreferring("code=503")
      .sendMessage({ message: "Hello" })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toMatchObject({ type: "http_error", status: 503, retryAfterSeconds: 5 });
  });

  it.each(healthExamples.filter((example) => example.status === 200))("getHealth returns the example $name exactly", async ({ name, value }) => {
    await expect(clientPreferring(`example=${name}`).getHealth()).resolves.toEqual(value);
  });

  it.each(resumeExamples.filter((example) => example.mediaType === "text/event-stream"))(
    "resumeMessage parses the SSE example $name into exactly the events it documents, sending an id Prism accepts",
    async ({ name, value }) => {
      const expected = parseTranscript(value as string);
      const received = await collect(clientPreferring(`example=${name}`).resumeMessage(MESSAGE_ID, { lastEventId: "2" }));
      expect(received).toEqual(expected);
    },
  );

  it("resumeMessage throws the documented 404 for an expired reply", async () => {
    const error = await collect(clientPreferring("code=404").resumeMessage(MESSAGE_ID)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ status: 404, body: resumeExamples.find((example) => example.status === 404)!.value });
  });

  it.each(stopExamples.filter((example) => example.status === 200))("stopMessage returns the example $name exactly", async ({ name, value }) => {
    await expect(clientPreferring(`example=${name}`).stopMessage(MESSAGE_ID)).resolves.toEqual(value);
  });

  it("makes requests Prism accepts for a body at every documented bound", async () => {
    const client = clientPreferring();
    const history = Array.from({ length: 200 }, (_, index) => ({ role: (["user", "assistant", "system"] as const)[index % 3]!, content: "x".repeat(10) }));
    await expect(client.sendMessage({ message: "y".repeat(32_000), history, conversationId: "c".repeat(128) })).resolves.toBeDefined();
    await expect(collect(client.streamMessage({ message: "🚀 unicode ✓" }))).resolves.not.toHaveLength(0);
  });

  it("is told by Prism when a request breaks the contract, so the checks above are real", async () => {
    const client = clientPreferring();
    const error = await client.sendMessage({ message: "" }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ type: "http_error", status: 400 });
    expect(responses.at(-1)!.violations).toContain("minLength");
    responses.length = 0;
  });
});
