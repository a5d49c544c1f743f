/** Type-level tests of the SDK (checked by `npm run typecheck`), with the runtime behaviour they promise. */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  createChatClient,
  type ChatClient,
  type ChatSdkError,
  type ChatSdkErrorType,
  type CompleteEvent,
  type ErrorCode,
  type ErrorEvent,
  type Health,
  type MessageResponse,
  type SendMessageRequest,
  type StreamEvent,
  type TokenEvent,
} from "../../sdk/index.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";

let upstream: FakeOpenAiUpstream;
let app: TestApp;
let client: ChatClient;

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream();
  app = await startTestApp(upstreamEnv(upstream.baseUrl));
  client = createChatClient({ baseUrl: app.baseUrl });
});
afterAll(async () => {
  await app.close();
  await upstream.close();
});

describe("SDK types", () => {
  it("narrows each event's data by its type", async () => {
    upstream.enqueue({ tokens: ["typed"] });
    const seen: string[] = [];
    for await (const event of client.streamMessage({ message: "hi" })) {
      expectTypeOf(event.id).toEqualTypeOf<string>();
      if (event.type === "token") {
        expectTypeOf(event.data).toEqualTypeOf<TokenEvent>();
        expectTypeOf(event.data.content).toEqualTypeOf<string>();
        seen.push(event.data.content);
      } else if (event.type === "complete") {
        expectTypeOf(event.data).toEqualTypeOf<CompleteEvent>();
        expectTypeOf(event.data.usage).toEqualTypeOf<CompleteEvent["usage"]>();
        seen.push(`complete:${event.data.content}`);
      } else {
        expectTypeOf(event.type).toEqualTypeOf<"error">();
        expectTypeOf(event.data).toEqualTypeOf<ErrorEvent>();
        expectTypeOf(event.data.code).toEqualTypeOf<ErrorCode>();
        seen.push(`error:${event.data.code}`);
      }
      // @ts-expect-error "typing" is not an event the contract documents, so this comparison can never be true
      if (event.type === "typing") seen.push("impossible");
    }
    expect(seen).toEqual(["typed", "complete:typed"]);
  });

  it("types each method's result with the contract's schemas", () => {
    expectTypeOf(client.sendMessage).parameter(0).toEqualTypeOf<SendMessageRequest>();
    expectTypeOf(client.sendMessage).returns.resolves.toEqualTypeOf<MessageResponse>();
    expectTypeOf(client.getHealth).returns.resolves.toEqualTypeOf<Health>();
    expectTypeOf(client.streamMessage).returns.toEqualTypeOf<AsyncIterable<StreamEvent>>();
    expectTypeOf<ChatSdkError["type"]>().toEqualTypeOf<ChatSdkErrorType>();
    expectTypeOf<ChatSdkErrorType>().toEqualTypeOf<"http_error" | "stream_interrupted" | "invalid_event" | "network_error">();
    expect(typeof client.sendMessage).toBe("function");
  });

  it("rejects at compile time, and the server rejects at run time, a request field the contract does not have", async () => {
    // @ts-expect-error SendMessageRequest has no `temperature`
    const extraField: SendMessageRequest = { message: "hi", temperature: 0.2 };
    // @ts-expect-error a history turn's role is user, assistant or system
    const wrongRole: SendMessageRequest = { message: "hi", history: [{ role: "robot", content: "beep" }] };

    await expect(client.sendMessage(extraField)).rejects.toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    await expect(client.sendMessage(wrongRole)).rejects.toMatchObject({
      status: 400,
      body: { error: { details: expect.arrayContaining([expect.objectContaining({ path: "/history/0/role" })]) } },
    });
  });
});
