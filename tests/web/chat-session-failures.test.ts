/**
 * How a ChatSession fails, driven over real HTTP: mid-reply faults keep exactly the text received and say what
 * happened in words; refusals before the stream keep the user's message; an unreachable server is a network error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { findDeadUrl, startRawSseServer, type RawSseServer } from "../../fixtures/raw-sse-server.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { recordSession, type RecordedSession } from "./record-session.js";

const FOUR_TOKENS = ["Alpha", " beta", " gamma", " delta"];

let upstream: FakeOpenAiUpstream;
/** Default settings. */
let app: TestApp;
/** Gives up after 300 ms of upstream silence, and runs one reply at a time. */
let strict: TestApp;
let raw: RawSseServer;

useAppOnFakeUpstream(
  { apps: { app: {}, strict: { UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: "300", UPSTREAM_IDLE_TIMEOUT_MS: "300", MAX_CONCURRENT_STREAMS: "1" } } },
  (started) =>
    ({
      upstream,
      apps: { app, strict },
    } = started),
);
beforeAll(async () => {
  raw = await startRawSseServer();
});
afterAll(() => raw?.close());

const session = (baseUrl: string, options?: Parameters<typeof recordSession>[1]) => recordSession(createChatClient({ baseUrl }), options);

/** The reply failed after showing `text`, the user's message is intact, and the session offers a retry. */
function expectFailedAfter(recorded: RecordedSession, userText: string, text: string): void {
  const [user, reply] = recorded.conversation.messages;
  expect(recorded.conversation.messages).toHaveLength(2);
  expect(user).toMatchObject({ role: "user", content: userText, state: "complete" });
  expect(reply).toMatchObject({ role: "assistant", content: text, state: "error" });
  expect(recorded.session.status).toBe("error");
  expect(recorded.session.busy).toBe(false);
  expect(recorded.session.lastReply).toBe(reply);
}

describe("a reply that breaks off", () => {
  it("keeps exactly the tokens received when the upstream resets, with a sentence for people and a retry", async () => {
    upstream.enqueue({ tokens: FOUR_TOKENS, fault: { kind: "reset", afterTokens: 2 } });
    const recorded = session(app.baseUrl);

    await recorded.session.send("Greek letters");

    expectFailedAfter(recorded, "Greek letters", "Alpha beta");
    expect(recorded.contents.at(-1)).toBe("Alpha beta");
    expect(recorded.statuses).toEqual(["sending", "streaming", "error"]);
    expect(recorded.conversation.messages[1]!.failure).toEqual({
      code: "upstream_unavailable",
      message: "The language model could not be reached, or its answer broke off.",
      retryable: true,
      requestId: expect.any(String),
    });
  });

  it("keeps exactly the tokens received when the upstream stalls past the idle timeout", async () => {
    upstream.enqueue({ tokens: FOUR_TOKENS, fault: { kind: "stall", afterTokens: 3 } });
    const recorded = session(strict.baseUrl);

    await recorded.session.send("Greek letters");

    expectFailedAfter(recorded, "Greek letters", "Alpha beta gamma");
    expect(recorded.contents.at(-1)).toBe("Alpha beta gamma");
    expect(recorded.conversation.messages[1]!.failure).toEqual({
      code: "upstream_timeout",
      message: "The language model took too long to answer.",
      retryable: true,
      requestId: expect.any(String),
    });
  });

  it("keeps the partial text when the connection to the chat server itself drops mid-reply", async () => {
    const recorded = session(`${raw.url}/drop`);

    await recorded.session.send("Hello?");

    expectFailedAfter(recorded, "Hello?", "Hello world");
    expect(recorded.conversation.messages[1]!.failure).toEqual({
      code: "stream_interrupted",
      message: "The connection broke before the reply finished.",
      retryable: true,
      requestId: "raw-request",
    });
  });

  it("answers again on retry after a failure, replacing the failed reply", async () => {
    upstream.enqueue({ tokens: FOUR_TOKENS, fault: { kind: "reset", afterTokens: 1 } }, { tokens: FOUR_TOKENS });
    const recorded = session(app.baseUrl);
    await recorded.session.send("Greek letters");
    expect(recorded.conversation.messages[1]!.state).toBe("error");

    await expect(recorded.session.regenerate()).resolves.toBe(true);

    expect(recorded.conversation.messages).toHaveLength(2);
    expect(recorded.conversation.messages[1]).toMatchObject({ content: "Alpha beta gamma delta", state: "complete" });
    expect(recorded.conversation.messages[1]!.failure).toBeUndefined();
    expect(recorded.session.status).toBe("ready");
  });
});

describe("a request refused before the stream starts", () => {
  it("keeps the user's message and marks the reply overloaded, retryable after the server's wait, when the server is full", async () => {
    upstream.enqueue({ tokens: Array.from({ length: 40 }, (_, index) => `${index} `), delayMs: 25 });
    let firstToken!: () => void;
    const arrived = new Promise<void>((resolve) => (firstToken = resolve));
    const busy = session(strict.baseUrl, { onToken: () => firstToken() });
    const running = busy.session.send("Take the only slot");
    await arrived;
    const requests = upstream.requests.length;

    const refused = session(strict.baseUrl);
    await refused.session.send("Me too");

    expectFailedAfter(refused, "Me too", "");
    expect(refused.statuses).toEqual(["sending", "error"]);
    expect(refused.conversation.messages[1]!.failure).toEqual({
      code: "overloaded",
      message: "The chat server is busy. Try again in 1 second.",
      retryable: true,
      retryAfterSeconds: 1,
      requestId: expect.any(String),
    });
    expect(upstream.requests.length, "no model call for a refused request").toBe(requests);
    expect(busy.session.status, "the running reply is untouched").toBe("streaming");
    busy.session.stop();
    await running;
  });
});

describe("a server that cannot be reached", () => {
  it("keeps the user's message and marks the reply as a retryable network error", async () => {
    const recorded = session(await findDeadUrl());

    await expect(recorded.session.send("Anyone there?")).resolves.toBe(true);

    expectFailedAfter(recorded, "Anyone there?", "");
    expect(recorded.conversation.messages[1]!.failure).toEqual({
      code: "network_error",
      message: "The chat server could not be reached. Check your connection and try again.",
      retryable: true,
      requestId: expect.any(String),
    });
  });
});
