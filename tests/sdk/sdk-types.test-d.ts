/**
 * Type-level tests of what the SDK exports: never run, only compiled (the "types" project in vitest.config.ts, and
 * `npm run typecheck`). A broken `expectTypeOf`, or a `@ts-expect-error` with no error under it, fails both.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  ChatSdkError,
  createChatClient,
  parseEventStream,
  type ChatClient,
  type ChatClientOptions,
  type ChatSdkErrorType,
  type CompleteEvent,
  type ErrorCode,
  type ErrorEvent,
  type ErrorResponse,
  type Health,
  type MessageResponse,
  type MessageStream,
  type ReconnectOptions,
  type RequestOptions,
  type ResumeMessageOptions,
  type SendMessageRequest,
  type StopResult,
  type StreamMessageOptions,
  type StreamEvent,
  type StreamEventName,
  type ReasoningEvent,
  type TokenEvent,
} from "../../sdk/index.js";

const client = createChatClient({ baseUrl: "http://localhost:3000" });

describe("the SDK's types", () => {
  it("narrow each event's data by its type, and know no other event", () => {
    expectTypeOf<StreamEventName>().toEqualTypeOf<"token" | "reasoning" | "complete" | "error">();
    expectTypeOf<StreamEvent["type"]>().toEqualTypeOf<StreamEventName>();
    expectTypeOf<StreamEvent["id"]>().toEqualTypeOf<string>();

    const describeEvent = (event: StreamEvent): string => {
      if (event.type === "token") {
        expectTypeOf(event.data).toEqualTypeOf<TokenEvent>();
        expectTypeOf(event.data.content).toEqualTypeOf<string>();
        return event.data.content;
      }
      if (event.type === "reasoning") {
        expectTypeOf(event.data).toEqualTypeOf<ReasoningEvent>();
        return event.data.content;
      }
      if (event.type === "complete") {
        expectTypeOf(event.data).toEqualTypeOf<CompleteEvent>();
        expectTypeOf(event.data.usage).toEqualTypeOf<CompleteEvent["usage"]>();
        return event.data.content;
      }
      expectTypeOf(event.type).toEqualTypeOf<"error">();
      expectTypeOf(event.data).toEqualTypeOf<ErrorEvent>();
      expectTypeOf(event.data.code).toEqualTypeOf<ErrorCode>();
      expectTypeOf(event.data.partialContent).toEqualTypeOf<string>();
      return event.data.partialContent;
    };
    expectTypeOf(describeEvent).parameter(0).toEqualTypeOf<StreamEvent>();

    const isTyping = (event: StreamEvent) =>
      // @ts-expect-error "typing" is not an event the contract documents, so this comparison can never be true
      event.type === "typing";
    expectTypeOf(isTyping).returns.toEqualTypeOf<boolean>();
  });

  it("type each method's request and result with the contract's schemas", () => {
    expectTypeOf(createChatClient).returns.toEqualTypeOf<ChatClient>();
    expectTypeOf(client.sendMessage).parameter(0).toEqualTypeOf<SendMessageRequest>();
    expectTypeOf(client.sendMessage).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(client.sendMessage).returns.resolves.toEqualTypeOf<MessageResponse>();
    expectTypeOf(client.streamMessage).parameter(0).toEqualTypeOf<SendMessageRequest>();
    expectTypeOf(client.streamMessage).parameter(1).toEqualTypeOf<StreamMessageOptions | undefined>();
    expectTypeOf(client.streamMessage).returns.toEqualTypeOf<MessageStream>();
    expectTypeOf(client.resumeMessage).parameters.toEqualTypeOf<[messageId: string, options?: ResumeMessageOptions]>();
    expectTypeOf(client.resumeMessage).returns.toEqualTypeOf<AsyncIterable<StreamEvent>>();
    expectTypeOf(client.stopMessage).parameters.toEqualTypeOf<[messageId: string, options?: RequestOptions]>();
    expectTypeOf(client.stopMessage).returns.resolves.toEqualTypeOf<StopResult>();
    expectTypeOf(client.getHealth).returns.resolves.toEqualTypeOf<Health>();
    expectTypeOf<ChatClientOptions["fetch"]>().toEqualTypeOf<typeof fetch | undefined>();
    expectTypeOf<RequestOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<ChatClientOptions["reconnect"]>().toEqualTypeOf<ReconnectOptions | undefined>();
  });

  it("keep a stream an async iterable of events for existing callers, naming its reply besides", () => {
    expectTypeOf<MessageStream>().toExtend<AsyncIterable<StreamEvent>>();
    expectTypeOf<MessageStream["messageId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<StreamMessageOptions["resumable"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ResumeMessageOptions["lastEventId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<StopResult>().toEqualTypeOf<{ messageId: string; outcome: "stopping" | "already_ended" }>();
    const stream = client.streamMessage({ message: "hi" }, { resumable: true });
    // @ts-expect-error messageId is the server's to set, not the caller's
    stream.messageId = "msg_mine";
  });

  it("refuse a request field, a role or a missing message the contract does not allow", () => {
    // @ts-expect-error SendMessageRequest has no `temperature`
    void client.sendMessage({ message: "hi", temperature: 0.2 });
    // @ts-expect-error a history turn's role is user, assistant or system
    void client.sendMessage({ message: "hi", history: [{ role: "robot", content: "beep" }] });
    // @ts-expect-error `message` is required
    void client.streamMessage({ history: [] });
    expectTypeOf<{ message: string; history: [{ role: "system"; content: string }]; conversationId: string }>().toExtend<SendMessageRequest>();
  });

  it("give ChatSdkError a closed set of types and the contract's error body", () => {
    expectTypeOf<ChatSdkError["type"]>().toEqualTypeOf<ChatSdkErrorType>();
    expectTypeOf<ChatSdkErrorType>().toEqualTypeOf<"http_error" | "stream_interrupted" | "invalid_event" | "network_error">();
    expectTypeOf<ChatSdkError["body"]>().toEqualTypeOf<ErrorResponse | undefined>();
    expectTypeOf<ChatSdkError["retryAfterSeconds"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ChatSdkError["partialContent"]>().toEqualTypeOf<string>();
    expectTypeOf<ChatSdkError>().toExtend<Error>();
  });

  it("let parseEventStream turn a byte stream into the same typed events", () => {
    expectTypeOf(parseEventStream).parameter(0).toEqualTypeOf<ReadableStream<Uint8Array>>();
    expectTypeOf(parseEventStream).returns.toEqualTypeOf<AsyncGenerator<StreamEvent, void, undefined>>();
  });
});
