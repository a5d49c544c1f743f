import type { Browser, BrowserContext, Page } from "playwright-core";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { launchChromium } from "../../fixtures/launch-chromium.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { WEB_OUT_DIR } from "../../scripts/build-web.js";
import { startAppOnFakeUpstream, type AppEnv } from "../helpers/use-app-on-fake-upstream.js";

export interface OpenChatOptions {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  /** A phone: touch events and a mobile viewport (`hasTouch` and `isMobile` both); pair it with a phone-sized `viewport`. */
  touch?: boolean;
  /** A touch screen (coarse pointer, no hover), as on a phone: use with a phone-sized viewport. */
  hasTouch?: boolean;
  /** The browser's mobile mode (meta viewport, mobile user agent features). */
  isMobile?: boolean;
  /** Runs in the page before the app (e.g. to put an old storage layout in place). */
  initScript?: string;
}

export interface OpenChat {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page; tests assert there are none. */
  pageErrors: Error[];
}

/** The real server serving the built UI, on the fake upstream, and a Chromium to drive it. */
export interface ChatInBrowser {
  upstream: FakeOpenAiUpstream;
  app: TestApp;
  browser: Browser;
  /** A fresh browser context (own LocalStorage) with the chat open. */
  openChat(options?: OpenChatOptions): Promise<OpenChat>;
  close(): Promise<void>;
}

/** @param env the app's environment over the fake upstream's; `{ OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined }` gives the demo model. */
export async function startChatInBrowser(env: AppEnv = {}): Promise<ChatInBrowser> {
  const server = await startAppOnFakeUpstream({ apps: { app: env }, webRoot: WEB_OUT_DIR });
  const { upstream, app } = server;
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const contexts: BrowserContext[] = [];
  return {
    upstream,
    app,
    browser,
    async openChat(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1100, height: 800 },
        colorScheme: options.colorScheme ?? "light",
        hasTouch: options.hasTouch ?? options.touch ?? false,
        isMobile: options.isMobile ?? options.touch ?? false,
      });
      contexts.push(context);
      const page = await context.newPage();
      const pageErrors: Error[] = [];
      page.on("pageerror", (error) => pageErrors.push(error));
      if (options.initScript) await page.addInitScript(options.initScript);
      await page.goto(app.baseUrl);
      await page.getByRole("textbox", { name: "Message" }).waitFor();
      return { context, page, pageErrors };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}
