/**
 * The SDK with an API key against the real app (keys on, over real HTTP): it streams, answers JSON, resumes and stops
 * its own replies; a wrong or missing key is a `ChatSdkError` with status 401 and code `unauthorized`; another key's
 * client cannot resume or stop the reply; and a key given as a function is asked at every call.
 */
import { describe, expect, it } from "vitest";
import { ChatSdkError, createChatClient, type ChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { collect, collectUntilThrow, tokenContents } from "../helpers/collect-events.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const KEY = "sdk-key-0123456789abcdefgh";
const OTHER_KEY = "sdk-other-key-0123456789ab";
const tokensOf = (count: number) => Array.from({ length: count }, (_, index) => `t${index} `);

let upstream: FakeOpenAiUpstream;
let app: TestApp;
useAppOnFakeUpstream({ apps: { app: { API_KEYS: `${KEY},${OTHER_KEY}`, AUTH_FAILURES_PER_MINUTE: "0" } } }, (started) => ({ upstream, app } = started));

const clientWith = (apiKey?: string | (() => string | undefined)): ChatClient => createChatClient({ baseUrl: app.baseUrl, apiKey });

/** Expects `attempt` to throw the SDK's 401 `unauthorized`. */
async function expectUnauthorized(attempt: Promise<unknown>): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ChatSdkError);
  expect(error).toMatchObject({ type: "http_error", status: 401, body: { error: { code: "unauthorized" } } });
}

describe("the SDK with the right key", () => {
  it("streams a reply and answers JSON", async () => {
    const client = clientWith(KEY);
    upstream.enqueue({ tokens: ["Key", " works"] });
    expect(tokenContents(await collect(client.streamMessage({ message: "hi" })))).toEqual(["Key", " works"]);
    upstream.enqueue({ tokens: ["Also", " JSON"] });
    expect((await client.sendMessage({ message: "hi" })).message.content).toBe("Also JSON");
  });

  it("resumes and stops its own resumable reply", async () => {
    const client = clientWith(KEY);
    upstream.enqueue({ tokens: tokensOf(40), delayMs: 40 });
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const messageId = stream.messageId!;
    const follower = collect(client.resumeMessage(messageId));
    expect(await client.stopMessage(messageId)).toEqual({ messageId, outcome: "stopping" });
    const followed = await follower;
    expect(followed.at(-1)).toMatchObject({ type: "complete", data: { messageId, finishReason: "cancelled" } });
    await iterator.return?.();
  });

  it("asks a key given as a function at every call", async () => {
    const asked: { key?: string } = {};
    const client = clientWith(() => asked.key);
    await expectUnauthorized(client.sendMessage({ message: "hi" }));
    asked.key = KEY;
    expect((await client.sendMessage({ message: "hi" })).message.content).not.toBe("");
  });
});

describe("the SDK without the right key", () => {
  it("throws http_error 401 unauthorized for a wrong key and for none, from every protected call", async () => {
    for (const client of [clientWith("wrong-key-0123456789abcdef"), clientWith(undefined)]) {
      await expectUnauthorized(client.sendMessage({ message: "hi" }));
      await expectUnauthorized(collect(client.streamMessage({ message: "hi" })));
      await expectUnauthorized(collect(client.resumeMessage("msg_whatever")));
      await expectUnauthorized(client.stopMessage("msg_whatever"));
      // Health needs no key, and says the server wants one.
      expect((await client.getHealth()).auth).toBe("api_keys");
    }
  });

  it("cannot resume or stop another key's reply: 404, as for a reply that does not exist", async () => {
    const owner = clientWith(KEY);
    const other = clientWith(OTHER_KEY);
    upstream.enqueue({ tokens: tokensOf(40), delayMs: 40 });
    const stream = owner.streamMessage({ message: "hi" }, { resumable: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const messageId = stream.messageId!;
    const { error } = await collectUntilThrow(other.resumeMessage(messageId));
    expect(error).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    await expect(other.stopMessage(messageId)).rejects.toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await owner.stopMessage(messageId)).toEqual({ messageId, outcome: "stopping" });
    await iterator.return?.();
  });
});
