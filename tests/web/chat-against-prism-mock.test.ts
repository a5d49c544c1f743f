/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * ChatStore against a real Prism mock of the contract: Prism checks every request the UI's session makes
 * (history included) and answers with the spec's own examples, which must end up in the conversation as documented.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChatClient } from "../../sdk/index.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { STORAGE_KEY, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";
import { startPrism, type PrismProcess } from "../helpers/start-prism.js";
import { storedConversation } from "./record-session.js";

let prism: PrismProcess;
const answers: { status: number; violations: string | null }[] = [];

/** Records what Prism said about each request, for the afterEach check. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  answers.push({ status: response.status, violations: response.headers.get("sl-violations") });
  return response;
};

beforeAll(async () => {
  prism = await startPrism(["mock"]);
});
afterAll(async () => {
  await prism?.close();
});
afterEach(() => {
  const invalid = answers.filter((answer) => answer.violations !== null || answer.status === 422);
  answers.length = 0;
  expect(invalid, `Prism found requests that break the contract:\n${prism.output().slice(-2000)}`).toEqual([]);
});

/** A store whose server answers as `Prefer` asks, with an earlier exchange in the open conversation. */
function startStore(prefer: string) {
  const storage = createMemoryStorage();
  const state: StoredStateV1_1 = {
    version: "1.1.0",
    activeConversationId: "earlier",
    conversations: [storedConversation(["Say hello.", "Hello!"], "earlier")],
  };
  storage.setItem(STORAGE_KEY, JSON.stringify(state));
  const contents: string[] = [];
  const client = createChatClient({ baseUrl: prism.url, fetch: recordingFetch, apiKey: "any-key-prism-checks-only-its-presence", headers: { Prefer: prefer } });
  const store = new ChatStore({ client, storage: createConversationStorage(() => storage), saveDelayMs: 10, onToken: (reply) => contents.push(reply.content) });
  return { storage, store, contents };
}

describe("the chat store against the Prism mock", () => {
  it("streams the spec's example reply token by token into the open conversation and saves it complete", async () => {
    const { storage, store, contents } = startStore("example=complete");

    await expect(store.session.send("And in French?")).resolves.toBe(true);

    expect(contents).toEqual(["Hello", "Hello there", "Hello there!"]);
    expect(store.active.messages.slice(2)).toMatchObject([
      { role: "user", content: "And in French?", state: "complete" },
      { role: "assistant", content: "Hello there!", state: "complete", model: "gpt-4o-mini" },
    ]);
    expect(store.session.status).toBe("ready");
    const saved = JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1;
    expect(saved.conversations[0]!.messages.at(-1)).toMatchObject({ content: "Hello there!", state: "complete" });
  });

  it("keeps the documented partial text when the spec's example reply fails after two tokens", async () => {
    const { store } = startStore("example=upstreamFailure");

    await store.session.send("And in French?");

    expect(store.active.messages.at(-1)).toMatchObject({
      content: "Hello there",
      state: "error",
      failure: { code: "upstream_unavailable", message: "The language model could not be reached, or its answer broke off.", retryable: true },
    });
    expect(store.session.status).toBe("error");
  });

  it("keeps the user's message and marks the reply as not retryable for the documented 400", async () => {
    const { store } = startStore("code=400, example=invalidRequest");

    await store.session.send("And in French?");

    expect(store.active.messages.slice(2)).toMatchObject([
      { role: "user", content: "And in French?", state: "complete" },
      {
        role: "assistant",
        content: "",
        state: "error",
        failure: { code: "invalid_request", message: "The server could not accept this message.", retryable: false },
      },
    ]);
  });

  it("tells the person how long to wait for the documented 503 overloaded", async () => {
    const { store } = startStore("code=503, example=overloaded");

    await store.session.send("And in French?");

    expect(store.active.messages.at(-1)!.failure).toMatchObject({
      code: "overloaded",
      message: "The chat server is busy. Try again in 5 seconds.",
      retryable: true,
      retryAfterSeconds: 5,
    });
  });

  it("shows the model the spec's health example names", async () => {
    const { store } = startStore("example=real");

    await store.loadModel();

    expect(store.model).toEqual({ provider: "openai-compatible", name: "gpt-4o-mini", demo: false });
  });
});
