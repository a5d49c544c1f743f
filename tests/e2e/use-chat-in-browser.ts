import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import type { AppEnv } from "../helpers/use-app-on-fake-upstream.js";
import { startChatInBrowser, type ChatInBrowser, type OpenChat, type OpenChatOptions } from "./start-chat-in-browser.js";

/** One test file's chat in the browser; see {@link useChatInBrowser}. */
export interface ChatUnderTest {
  readonly upstream: FakeOpenAiUpstream;
  readonly app: TestApp;
  /** Opens the chat in a fresh browser context, closed (and checked for page errors) after the test. */
  openChat(options?: OpenChatOptions): Promise<OpenChat>;
}

/**
 * Starts the server, fake upstream and Chromium before the file's tests and closes them after. After each test,
 * every page it opened must have had no uncaught error; its contexts are closed and the upstream's script reset.
 */
export function useChatInBrowser(env: AppEnv = {}): ChatUnderTest {
  let chat: ChatInBrowser;
  const opened: OpenChat[] = [];
  beforeAll(async () => {
    chat = await startChatInBrowser(env);
  });
  afterAll(async () => {
    await chat?.close();
  });
  afterEach(async () => {
    for (const { pageErrors } of opened) expect(pageErrors).toEqual([]);
    for (const { context } of opened.splice(0)) await context.close();
    chat.upstream.reset();
  });
  return {
    get upstream() {
      return chat.upstream;
    },
    get app() {
      return chat.app;
    },
    async openChat(options) {
      const open = await chat.openChat(options);
      opened.push(open);
      return open;
    },
  };
}
