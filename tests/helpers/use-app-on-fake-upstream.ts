import { afterAll, beforeAll, beforeEach } from "vitest";
import { createChatClient, type ChatClient } from "../../sdk/index.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";

/** The real app on a fake upstream, and an SDK client for it. */
export interface AppOnFakeUpstream {
  upstream: FakeOpenAiUpstream;
  app: TestApp;
  client: ChatClient;
}

/**
 * For one test file: starts the fake upstream and the real app in front of it before the tests (handing them to
 * `onStarted`), resets the upstream's script before each test, and closes both after the last.
 *
 * @example
 * let upstream: FakeOpenAiUpstream; let app: TestApp; let client: ChatClient;
 * useAppOnFakeUpstream((started) => ({ upstream, app, client } = started));
 */
export function useAppOnFakeUpstream(onStarted: (started: AppOnFakeUpstream) => void): void {
  let started: AppOnFakeUpstream | undefined;
  beforeAll(async () => {
    const upstream = await startFakeOpenAiUpstream();
    const app = await startTestApp(upstreamEnv(upstream.baseUrl));
    started = { upstream, app, client: createChatClient({ baseUrl: app.baseUrl }) };
    onStarted(started);
  });
  afterAll(async () => {
    await started?.app.close();
    await started?.upstream.close();
  });
  beforeEach(() => started?.upstream.reset());
}
