import { afterAll, beforeAll, beforeEach } from "vitest";
import { createChatClient, type ChatClient } from "../../sdk/index.js";
import { startFakeAnthropicUpstream } from "../../fixtures/fake-anthropic-upstream.js";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream, type UpstreamScript } from "../../fixtures/fake-openai-upstream.js";
import { startTestApp, upstreamEnv, type TestApp } from "../../fixtures/start-test-app.js";

/**
 * An app's environment, laid over {@link upstreamEnv} (which points it at the fake upstream). A variable set to
 * `undefined` is left out, e.g. `{ OPENAI_API_KEY: undefined }` for a local server that needs no key.
 */
export type AppEnv = Record<string, string | undefined>;

/**
 * How the app reaches the model, for suites that must hold for every way (ADR-24, ADR-26): the provider's wire
 * format (an OpenAI-compatible server, or Anthropic's Messages API through `@langchain/anthropic`) and how chunks
 * are read (`LANGCHAIN_CALLBACKS`: the direct path, or LangChain's `stream()` with callbacks).
 */
export interface ModelSetup {
  provider: "openai" | "anthropic";
  callbacks: "off" | "on";
  /** `model.provider` in the app's answers. */
  modelInfoProvider: string;
}

/** Every {@link ModelSetup}, for `describe.each`. */
export const MODEL_SETUPS: readonly ModelSetup[] = [
  { provider: "openai", callbacks: "off", modelInfoProvider: "openai-compatible" },
  { provider: "openai", callbacks: "on", modelInfoProvider: "openai-compatible" },
  { provider: "anthropic", callbacks: "off", modelInfoProvider: "anthropic" },
  { provider: "anthropic", callbacks: "on", modelInfoProvider: "anthropic" },
];

/** A setup's name in a test title. */
export function describeSetup(setup: ModelSetup): string {
  return `${setup.provider === "openai" ? "an OpenAI-compatible server" : "Anthropic's Messages API"}, callbacks ${setup.callbacks}`;
}

/** Options of {@link useAppOnFakeUpstream} and {@link startAppOnFakeUpstream}. */
export interface AppOnFakeUpstreamOptions<Name extends string> {
  /** The upstream's default script: what it answers when no script is queued. Default: the fake's default reply. */
  script?: UpstreamScript;
  /**
   * The apps to start on the one upstream, by name, each with its own environment (one app per configuration a
   * file needs: short timeouts, retries, CORS...). Default: one app named `app` with no overrides.
   */
  apps?: Record<Name, AppEnv>;
  /** A built UI every app also serves, as `npm start` does. */
  webRoot?: string;
  /** The provider and the chunk path; default: an OpenAI-compatible server, `LANGCHAIN_CALLBACKS` unset. */
  setup?: ModelSetup;
}

/** The fake upstream and the real apps in front of it, with an SDK client. */
export interface AppOnFakeUpstream<Name extends string = "app"> {
  upstream: FakeOpenAiUpstream;
  /** Every app, by the name it was given in `apps`. */
  apps: Record<Name, TestApp>;
  /** The first app of `apps` (the only one, by default). */
  app: TestApp;
  /** An SDK client for {@link AppOnFakeUpstream.app}. */
  client: ChatClient;
  /** Closes every app, then the upstream. */
  close(): Promise<void>;
}

/** The environment that points an app at the fake upstream of `setup`'s provider. */
function setupEnv(upstreamUrl: string, setup: ModelSetup | undefined): AppEnv {
  if (!setup) return upstreamEnv(upstreamUrl);
  const callbacks = { LANGCHAIN_CALLBACKS: setup.callbacks };
  if (setup.provider === "openai") return { ...upstreamEnv(upstreamUrl), ...callbacks };
  return { CHAT_MODEL: "anthropic:fake-model", CHAT_MODEL_OPTIONS: JSON.stringify({ anthropicApiUrl: upstreamUrl, apiKey: "test-key" }), ...callbacks };
}

function envFor(upstreamUrl: string, setup: ModelSetup | undefined, overrides: AppEnv): Record<string, string> {
  const merged: AppEnv = { ...setupEnv(upstreamUrl, setup), ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * Starts the fake upstream and, in front of it, the real app once per entry of `apps` (in parallel). Nothing is
 * left running when one fails to start. Prefer {@link useAppOnFakeUpstream} in a test file.
 */
export async function startAppOnFakeUpstream<Name extends string = "app">(options: AppOnFakeUpstreamOptions<Name> = {}): Promise<AppOnFakeUpstream<Name>> {
  const upstream = await (options.setup?.provider === "anthropic" ? startFakeAnthropicUpstream : startFakeOpenAiUpstream)(options.script);
  const wanted = Object.entries<AppEnv>(options.apps ?? ({ app: {} } as Record<Name, AppEnv>));
  const settled = await Promise.allSettled(wanted.map(([, env]) => startTestApp(envFor(upstream.baseUrl, options.setup, env), { webRoot: options.webRoot })));
  const started = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const close = async () => {
    await Promise.all(started.map((app) => app.close()));
    await upstream.close();
  };
  const failure = settled.find((outcome) => outcome.status === "rejected");
  if (failure || started.length === 0) {
    await close();
    throw failure?.reason ?? new Error("useAppOnFakeUpstream: `apps` names no app to start");
  }
  const apps = Object.fromEntries(wanted.map(([name], index) => [name, started[index]!])) as Record<Name, TestApp>;
  return { upstream, apps, app: started[0]!, client: createChatClient({ baseUrl: started[0]!.baseUrl }), close };
}

/**
 * For one test file: starts the fake upstream and the real apps in front of it before the tests (handing them to
 * `onStarted`), restores the upstream's default script before each test, and closes everything after the last.
 * Hooks run in the order they are registered, so a file's own `beforeAll` after this call can use the apps.
 *
 * @example
 * let upstream: FakeOpenAiUpstream; let app: TestApp; let impatient: TestApp;
 * useAppOnFakeUpstream(
 *   { apps: { app: {}, impatient: { UPSTREAM_IDLE_TIMEOUT_MS: "300" } } },
 *   (started) => ({ upstream, apps: { app, impatient } } = started),
 * );
 */
export function useAppOnFakeUpstream<Name extends string = "app">(
  options: AppOnFakeUpstreamOptions<Name>,
  onStarted: (started: AppOnFakeUpstream<Name>) => void,
): void {
  let started: AppOnFakeUpstream<Name> | undefined;
  beforeAll(async () => {
    started = await startAppOnFakeUpstream(options);
    onStarted(started);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => started?.upstream.reset());
}
