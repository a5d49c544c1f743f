/**
 * `npm run docs:screenshots`: the README's screenshots, taken in Debian's Chromium from the built UI on the real
 * server, fed by the fake OpenAI-compatible upstream so every run shows the same replies. Writes docs/screenshots/.
 * Run it after a UI change a reader would notice; `npm run build:web` first if the UI is not built.
 */
import { mkdir } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { startFakeOpenAiUpstream } from "../fixtures/fake-openai-upstream.js";
import { launchChromium } from "../fixtures/launch-chromium.js";
import { startTestApp, upstreamEnv } from "../fixtures/start-test-app.js";
import { WEB_OUT_DIR } from "./build-web.js";

const OUT_DIR = new URL("../docs/screenshots/", import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const REPLY_WITH_CODE = [
  "Here is a **binary search** in Python, and how it compares with a linear scan.\n\n",
  "```python\n",
  "def binary_search(items: list[int], target: int) -> int:\n",
  '    """Returns the index of target in the sorted items, or -1."""\n',
  "    low, high = 0, len(items) - 1\n",
  "    while low <= high:\n",
  "        middle = (low + high) // 2\n",
  "        if items[middle] == target:\n",
  "            return middle\n",
  "        if items[middle] < target:\n",
  "            low = middle + 1\n",
  "        else:\n",
  "            high = middle - 1\n",
  "    return -1\n",
  "```\n\n",
  "| Approach | Comparisons (1,000,000 items) | Needs sorted input |\n",
  "| --- | --- | --- |\n",
  "| Linear scan | up to 1,000,000 | No |\n",
  "| Binary search | at most 20 | Yes |\n",
];

const PAST_CONVERSATIONS: [title: string, daysAgo: number][] = [
  ["Plan a weekend in Lisbon", 0],
  ["Why is the sky blue?", 1],
  ["Fix the flaky CI job", 3],
  ["Sourdough starter schedule", 12],
  ["Notes for the quarterly review", 40],
];

/** LocalStorage as today's UI saves it (schema 1.1.0), with conversations from the last weeks so the list has groups. */
function storedState(now: Date): string {
  const conversations = PAST_CONVERSATIONS.map(([title, daysAgo], index) => {
    const at = new Date(now.getTime() - daysAgo * 86_400_000 - index * 60_000).toISOString();
    return {
      id: `c${index}`,
      title,
      createdAt: at,
      updatedAt: at,
      draft: "",
      messages: [
        { id: `u${index}`, role: "user", content: title, state: "complete", createdAt: at },
        { id: `a${index}`, role: "assistant", content: `A short answer about ${title.toLowerCase()}.`, state: "complete", createdAt: at },
      ],
    };
  });
  return JSON.stringify({ version: "1.1.0", activeConversationId: "c0", conversations });
}

async function openPage(browser: Browser, baseUrl: string, options: { phone?: boolean; dark?: boolean; seed?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.phone ? PHONE : DESKTOP,
    colorScheme: options.dark ? "dark" : "light",
    hasTouch: options.phone ?? false,
    isMobile: options.phone ?? false,
    deviceScaleFactor: 1,
  });
  if (options.seed) await context.addInitScript(`localStorage.setItem("streaming-chat", ${JSON.stringify(storedState(new Date()))});`);
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByRole("textbox", { name: "Message" }).waitFor();
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

const replyDone = (page: Page) => page.locator('[data-role="assistant"][data-state="complete"]').last().waitFor({ timeout: 30_000 });

async function shoot(page: Page, name: string): Promise<void> {
  // Let fonts, highlighting (loaded on demand) and the last frame settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: new URL(`${name}.png`, OUT_DIR).pathname });
  console.log(`wrote docs/screenshots/${name}.png`);
}

const upstream = await startFakeOpenAiUpstream({ tokens: REPLY_WITH_CODE, delayMs: 5 });
const app = await startTestApp(upstreamEnv(upstream.baseUrl), { webRoot: WEB_OUT_DIR });
const browser = await launchChromium();
try {
  await mkdir(OUT_DIR, { recursive: true });

  // Mid-stream: the reply arrives, with Stop and the status bar.
  upstream.enqueue({ tokens: REPLY_WITH_CODE.flatMap((line) => line.split(/(?<= )/)), delayMs: 60 });
  const streaming = await openPage(browser, app.baseUrl);
  await send(streaming, "How does binary search work?");
  await streaming.locator('[data-role="assistant"] pre').first().waitFor({ timeout: 30_000 });
  await shoot(streaming, "streaming");
  await replyDone(streaming);

  // A finished reply with a highlighted code block and a table, in the dark theme, the list grouped by date, and
  // Regenerate keeping the first reply as a version: the ‹ 2/2 › switcher.
  const dark = await openPage(browser, app.baseUrl, { dark: true, seed: true });
  await dark.getByTestId("new-chat").click();
  await send(dark, "How does binary search work?");
  await replyDone(dark);
  await dark.getByRole("button", { name: /Regenerate/ }).click();
  await replyDone(dark);
  await shoot(dark, "versions-dark");

  // The conversation list with search and a ⋯ menu open.
  const list = await openPage(browser, app.baseUrl, { seed: true });
  await list.getByRole("button", { name: "Actions for Why is the sky blue?", exact: true }).click();
  await shoot(list, "conversation-list");

  // A phone: a multi-line draft (Return adds a line on touch screens).
  const phone = await openPage(browser, app.baseUrl, { phone: true });
  await send(phone, "How does binary search work?");
  await replyDone(phone);
  await phone.getByRole("textbox", { name: "Message" }).fill("And in Rust?\nWith generics, please.");
  await shoot(phone, "phone");
} finally {
  await browser.close();
  await app.close();
  await upstream.close();
}
