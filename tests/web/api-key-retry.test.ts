/// <reference types="svelte" />
// The line above declares the runes ($state) that the .svelte.ts class under test uses, for tsc.
/**
 * The UI's key handling against the real app with API keys (real HTTP): requests refused with 401 wait on one
 * dialog however many there are, and are sent again once a key is given; a cancelled dialog lets the 401 through;
 * the key lives in the storage given (sessionStorage in the app), and blocked storage keeps it in memory.
 */
import { describe, expect, it } from "vitest";
import { ChatSdkError, createChatClient } from "../../sdk/index.js";
import { API_KEY_STORAGE_KEY, ApiKeyPrompt, KEY_REFUSED } from "../../web/src/lib/auth/api-key-prompt.svelte.js";
import { withApiKeyRetry } from "../../web/src/lib/auth/with-api-key-retry.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { collect } from "../helpers/collect-events.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const KEY = "web-key-0123456789abcdefgh";
let upstream: FakeOpenAiUpstream;
let app: TestApp;
useAppOnFakeUpstream({ apps: { app: { API_KEYS: KEY } } }, (started) => ({ upstream, app } = started));

function createKeyedClient(storage = createMemoryStorage()) {
  const prompt = new ApiKeyPrompt(() => storage);
  const client = withApiKeyRetry(createChatClient({ baseUrl: app.baseUrl, apiKey: prompt.current }), prompt);
  return { prompt, client, storage };
}

describe("withApiKeyRetry", () => {
  it("asks once for the requests refused together, then sends each again with the key", async () => {
    const { prompt, client, storage } = createKeyedClient();
    upstream.enqueue({ tokens: ["streamed"] });
    const sent = client.sendMessage({ message: "one" });
    const streamed = collect(client.streamMessage({ message: "two" }));
    await expect.poll(() => prompt.open).toBe(true);
    expect(prompt.error).toBeNull();
    expect(prompt.submit(`  ${KEY}  `)).toBe(true);
    expect((await sent).message.content).not.toBe("");
    expect((await streamed).at(-1)).toMatchObject({ type: "complete" });
    expect(storage.getItem(API_KEY_STORAGE_KEY)).toBe(KEY);
    const asked = upstream.requests.map((request) => (request.body.messages as { content: string }[]).at(-1)?.content);
    expect(asked.sort()).toEqual(["one", "two"]);
  });

  it("asks again with an error when the key given is refused", async () => {
    const { prompt, client } = createKeyedClient();
    const sent = client.sendMessage({ message: "hi" });
    await expect.poll(() => prompt.open).toBe(true);
    prompt.submit("wrong-key-0123456789abcdef");
    await expect.poll(() => prompt.error).toBe(KEY_REFUSED);
    expect(prompt.open).toBe(true);
    prompt.submit(KEY);
    expect((await sent).message.role).toBe("assistant");
  });

  it("lets the 401 through when the dialog is cancelled, and refuses an empty key", async () => {
    const { prompt, client } = createKeyedClient();
    const sent = client.stopMessage("msg_any").catch((error: unknown) => error);
    await expect.poll(() => prompt.open).toBe(true);
    expect(prompt.submit("   ")).toBe(false);
    expect(prompt.open).toBe(true);
    prompt.cancel();
    expect(await sent).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    expect(await sent).toBeInstanceOf(ChatSdkError);
  });

  it("keeps the key in memory when storage is blocked, and forgets it", async () => {
    const { prompt, client } = createKeyedClient(createMemoryStorage({ blocked: true }));
    const sent = client.sendMessage({ message: "hi" });
    await expect.poll(() => prompt.open).toBe(true);
    prompt.submit(KEY);
    await sent;
    expect(prompt.key).toBe(KEY);
    prompt.forget();
    expect(prompt.key).toBeUndefined();
  });

  it("asks up front only when health says the server needs a key and none is kept", async () => {
    const storage = createMemoryStorage();
    storage.setItem(API_KEY_STORAGE_KEY, KEY);
    const kept = createKeyedClient(storage);
    await kept.prompt.askIfNeeded(kept.client);
    expect(kept.prompt.open).toBe(false);
    const fresh = createKeyedClient();
    void fresh.prompt.askIfNeeded(fresh.client);
    await expect.poll(() => fresh.prompt.open).toBe(true);
    fresh.prompt.cancel();
  });
});
