import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { exchange, lastReply, messageBox, send, WAIT } from "./chat-page.js";
import type { OpenChatOptions } from "./start-chat-in-browser.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser();

const DESKTOP: OpenChatOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: OpenChatOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** A reply a few screens tall over 30 turns: paragraphs and a list, cut into word tokens. */
const TURN_REPLY = "A first paragraph that wraps on a phone, with **bold** words in it.\n\n- one item\n- another item\n\nA closing line.".split(/(?= )/);

/** Records, from before the app starts, the furthest the document itself was ever scrolled. */
const WATCH_DOCUMENT_SCROLL = `(() => {
  window.__documentScrolledTo = 0;
  addEventListener("scroll", () => {
    window.__documentScrolledTo = Math.max(window.__documentScrolledTo, document.scrollingElement.scrollTop);
  }, true);
})();`;

interface DocumentScroll {
  scrolledTo: number;
  scrollTop: number;
  documentHeight: number;
  viewportHeight: number;
}

function readDocumentScroll(page: Page): Promise<DocumentScroll> {
  return page.evaluate(() => ({
    scrolledTo: (window as unknown as { __documentScrolledTo: number }).__documentScrolledTo,
    scrollTop: document.scrollingElement!.scrollTop,
    documentHeight: document.documentElement.scrollHeight,
    viewportHeight: window.innerHeight,
  }));
}

/** Turns the wheel over the middle of whatever `selector` matches, both ways. */
async function wheelOver(page: Page, selector: string): Promise<void> {
  const box = (await page.locator(selector).first().boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 600);
  await page.mouse.wheel(0, -300);
  await page.mouse.wheel(0, 900);
}

/**
 * Wheels over the message list until it has moved: wheel events are handled in order, so every wheel turned before
 * this one has had its effect by then.
 */
async function wheelTheListAndWaitForIt(page: Page): Promise<void> {
  const list = page.getByTestId("message-list");
  const before = await list.evaluate((element) => element.scrollTop);
  await wheelOver(page, '[data-testid="message-list"]');
  await page.mouse.wheel(0, -2000);
  await expect.poll(() => list.evaluate((element) => element.scrollTop), WAIT).not.toBe(before);
}

describe("the page itself never scrolls", () => {
  for (const [name, size] of [
    ["1280×800", DESKTOP],
    ["390×844 with touch", PHONE],
  ] as const) {
    it(`after 30 turns at ${name}, wheeling over the header, composer and conversation list leaves the page in place`, { timeout: 180_000 }, async () => {
      chat.upstream.setDefault({ tokens: TURN_REPLY });
      const { page } = await chat.openChat({ ...size, initScript: WATCH_DOCUMENT_SCROLL });
      for (let turn = 1; turn <= 30; turn++) await exchange(page, `Question ${turn}`);

      const afterTurns = await readDocumentScroll(page);
      expect(afterTurns.documentHeight, "the document is exactly the window's height").toBe(afterTurns.viewportHeight);

      await wheelOver(page, "header");
      await wheelOver(page, "form.composer");
      await wheelOver(page, '[data-testid="status-bar"]');
      if (size === PHONE) {
        await page.getByRole("button", { name: "Conversations", exact: true }).click();
        await expect.poll(() => page.getByTestId("new-chat").isVisible(), WAIT).toBe(true);
        await wheelOver(page, "#sidebar");
        await page.keyboard.press("Escape");
        await expect.poll(() => page.getByTestId("new-chat").isVisible(), WAIT).toBe(false);
      } else {
        await wheelOver(page, "#sidebar");
      }
      await wheelTheListAndWaitForIt(page);

      const afterWheel = await readDocumentScroll(page);
      expect(afterWheel).toEqual({ scrolledTo: 0, scrollTop: 0, documentHeight: afterWheel.viewportHeight, viewportHeight: size.viewport!.height });
      // The header and the composer are still where they belong: at the top and at the bottom of the window.
      expect((await page.locator("header").boundingBox())!.y).toBe(0);
      const composer = (await page.locator("form.composer").boundingBox())!;
      expect(composer.y + composer.height).toBeLessThanOrEqual(size.viewport!.height);
      expect(await messageBox(page).isVisible()).toBe(true);
    });
  }
});

/** The words of every cell that a line break cuts in two (a word drawn on two lines has two boxes). */
function brokenWordsIn(page: Page, cells: string): Promise<string[]> {
  return lastReply(page)
    .locator(cells)
    .evaluateAll((elements) => {
      const broken: string[] = [];
      for (const cell of elements) {
        const text = cell.firstChild;
        if (!(text instanceof Text)) continue;
        for (const match of text.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(text, match.index);
          range.setEnd(text, match.index + match[0].length);
          if (range.getClientRects().length > 1) broken.push(match[0]);
        }
      }
      return broken;
    });
}

describe("tables", () => {
  const WIDE_TABLE = [
    "| Component | Before | After | Change | Memory | Latency | Throughput | Notes |",
    "|---|---|---|---|---|---|---|---|",
    "| Renderer | 120 ms | 80 ms | −33% | 12 MiB | p95 18 ms | 4,000 tok/s | incremental blocks |",
    "| Parser | 40 ms | 35 ms | −12% | 3 MiB | p95 2 ms | 9,000 tok/s | unchanged |",
    "",
    `And a paragraph with a long unbroken string: ${"x".repeat(200)}`,
  ].join("\n");

  for (const [name, size] of [
    ["390×844 with touch", PHONE],
    ["1280×800", DESKTOP],
  ] as const) {
    it(`at ${name}, a wide table keeps whole words in its cells and scrolls sideways in its own box`, async () => {
      chat.upstream.enqueue({ tokens: WIDE_TABLE.split(/(?= )/) });
      const { page } = await chat.openChat(size);
      await exchange(page, "Compare them in a table");

      expect(await lastReply(page).locator("th").allTextContents()).toEqual([
        "Component",
        "Before",
        "After",
        "Change",
        "Memory",
        "Latency",
        "Throughput",
        "Notes",
      ]);
      expect(await brokenWordsIn(page, "th, td")).toEqual([]);

      const table = await lastReply(page)
        .locator("table")
        .evaluate((element) => {
          const box = element.closest(".table-scroll") ?? element;
          const before = box.scrollLeft;
          box.scrollLeft = 10_000;
          return { scrollsOnItsOwn: box.scrollWidth > box.clientWidth, moved: box.scrollLeft > before, right: box.getBoundingClientRect().right };
        });
      expect(table.scrollsOnItsOwn).toBe(true);
      expect(table.moved).toBe(true);

      const bubble = (await lastReply(page).getByTestId("assistant-reply").boundingBox())!;
      expect(table.right).toBeLessThanOrEqual(bubble.x + bubble.width + 0.5);
      const paragraph = (await lastReply(page).locator("p").last().boundingBox())!;
      expect(paragraph.x + paragraph.width).toBeLessThanOrEqual(bubble.x + bubble.width + 0.5);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    });
  }
});

/** A reply several screens tall: a paragraph every 12 words. */
const longReply = (count: number) => Array.from({ length: count }, (_, index) => (index % 12 === 11 ? `word${index}\n\n` : `word${index} `));

/**
 * Records, on every animation frame from before the app starts, where the last reply's text sits inside the reply,
 * how much of the reply lies below its text, and whether "Jump to latest" shows.
 */
const SAMPLE_FRAMES = `(() => {
  window.__frames = [];
  const sample = () => {
    const reply = [...document.querySelectorAll('[data-role="assistant"]')].at(-1);
    const text = reply?.querySelector(".markdown");
    if (reply && text) {
      const replyBox = reply.getBoundingClientRect();
      const textBox = text.getBoundingClientRect();
      window.__frames.push({
        state: reply.getAttribute("data-state"),
        textTop: Math.round(textBox.top - replyBox.top),
        belowText: Math.round(replyBox.bottom - textBox.bottom),
        jump: document.querySelector('[data-testid="jump-to-latest"]') !== null,
      });
    }
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
})();`;

interface FrameSample {
  state: string;
  textTop: number;
  belowText: number;
  jump: boolean;
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("the end of a reply and Jump to latest", () => {
  for (const [name, size] of [
    ["390×844 with touch", PHONE],
    ["1280×800", DESKTOP],
  ] as const) {
    it(`at ${name}, a reply that ends at the bottom moves nothing and shows no Jump to latest`, async () => {
      chat.upstream.enqueue({ tokens: longReply(240), delayMs: 8 });
      const { page } = await chat.openChat({ ...size, initScript: SAMPLE_FRAMES });
      await send(page, "A long answer, please");
      await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
      // Frames after the end are sampled too.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve)))));

      const frames = await page.evaluate(() => (window as unknown as { __frames: FrameSample[] }).__frames);
      const lastStreaming = frames.findLastIndex((frame) => frame.state === "streaming");
      expect(lastStreaming, "frames were sampled while the reply streamed").toBeGreaterThan(0);
      const before = frames[lastStreaming]!;
      const after = frames.slice(lastStreaming + 1);
      expect(after.length).toBeGreaterThan(0);
      for (const frame of after) {
        expect(frame.textTop, "the text does not move inside the reply").toBe(before.textTop);
        expect(frame.belowText, "what is under the text keeps its height").toBe(before.belowText);
      }
      expect(frames.filter((frame) => frame.jump)).toEqual([]);
      expect(await page.getByTestId("jump-to-latest").count()).toBe(0);
      const list = page.getByTestId("message-list");
      expect(await list.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThanOrEqual(1);
    });

    it(`at ${name}, Jump to latest never covers the last reply's actions nor the composer, even a tall one`, async () => {
      chat.upstream.enqueue({ tokens: longReply(240) });
      const { page } = await chat.openChat(size);
      await exchange(page, "A long answer, please");
      // A composer grown to several lines.
      await messageBox(page).fill(Array.from({ length: 12 }, (_, line) => `draft line ${line}`).join("\n"));
      const composer = (await page.locator("form.composer").boundingBox())!;
      expect(composer.height).toBeGreaterThan(150);
      const list = page.getByTestId("message-list");
      // The list kept to its bottom while the composer took its room.
      await expect.poll(() => list.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight), WAIT).toBeLessThanOrEqual(1);

      const jump = page.getByTestId("jump-to-latest");
      const actions = lastReply(page).locator(".actions button");
      expect(await actions.count()).toBeGreaterThan(1);
      for (const distance of [60, 90, 120, 160, 220, 300]) {
        await list.evaluate((element, up) => (element.scrollTop = element.scrollHeight - element.clientHeight - up), distance);
        await expect.poll(() => jump.isVisible(), WAIT).toBe(true);
        const pill = (await jump.boundingBox())!;
        expect(overlaps(pill, composer), `scrolled ${distance} px up: over the composer`).toBe(false);
        for (const button of await actions.all()) {
          const box = await button.boundingBox();
          if (box) expect(overlaps(pill, box), `scrolled ${distance} px up: over "${await button.textContent()}"`).toBe(false);
        }
      }
      await jump.click();
      await expect.poll(() => jump.count(), WAIT).toBe(0);
      expect(await list.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThanOrEqual(1);
    });
  }
});

describe("reply figures", () => {
  it("token and speed figures show once, in the status bar; each reply keeps its own behind a details button", async () => {
    // Paced, so the tokens of a reply arrive apart and a speed can be worked out.
    chat.upstream.enqueue({ tokens: ["One ", "reply ", "in ", "four."], delayMs: 30 }, { tokens: ["Another ", "reply ", "of ", "four."], delayMs: 30 });
    const { page } = await chat.openChat();
    await exchange(page, "First");
    await exchange(page, "Second");

    // Everything on screen that reads as a speed figure: the status bar's only.
    const shownSpeeds = () => page.locator("body").evaluate((body: HTMLElement) => body.innerText.match(/tok\/s/g)?.length ?? 0);
    expect(await shownSpeeds()).toBe(1);
    expect(await page.getByTestId("status-bar").innerText()).toMatch(/tok\/s/);

    const firstReply = page.locator('[data-role="assistant"]').first();
    const details = firstReply.getByRole("button", { name: "Reply details" });
    expect(await details.getAttribute("aria-expanded")).toBe("false");
    await details.click();
    expect(await details.getAttribute("aria-expanded")).toBe("true");
    const figures = firstReply.getByTestId("reply-stats");
    expect(await figures.isVisible()).toBe(true);
    expect(await figures.textContent()).toMatch(/^4 tokens · first token \d+ ms · \d+(\.\d+)? tok\/s$/);
    expect(await details.getAttribute("aria-controls")).toBe(await figures.getAttribute("id"));
    await details.click();
    expect(await figures.isVisible()).toBe(false);
  });
});

/** Records every text the page's announcer region takes, in order, from before the app starts. */
const RECORD_ANNOUNCEMENTS = `(() => {
  window.__announced = [];
  let last = null;
  new MutationObserver(() => {
    const region = document.querySelector('[data-testid="announcer"]');
    const text = region ? region.textContent : null;
    if (region && text !== last) window.__announced.push(text);
    last = text;
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

describe("screen readers", () => {
  it("copying a reply, a message or a code block is announced, every time", async () => {
    chat.upstream.enqueue({ tokens: ["Run this:\n\n", "```sh\n", "npm test\n", "```"] });
    const { page, context } = await chat.openChat({ initScript: RECORD_ANNOUNCEMENTS });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: chat.app.baseUrl });
    await exchange(page, "How do I test?");
    expect(await page.getByTestId("announcer").getAttribute("role")).toBe("status");
    const announced = () => page.evaluate(() => (window as unknown as { __announced: string[] }).__announced.filter((text) => text !== ""));

    await lastReply(page).getByRole("button", { name: "Copy reply" }).click();
    await expect.poll(announced, WAIT).toEqual(["Reply copied"]);
    // The same words again are announced again (the region is emptied in between: a region that does not change is not read).
    await lastReply(page).getByRole("button", { name: "Copy reply" }).click();
    await expect.poll(announced, WAIT).toEqual(["Reply copied", "Reply copied"]);

    await lastReply(page).getByRole("button", { name: "Copy code" }).click();
    await expect.poll(announced, WAIT).toEqual(["Reply copied", "Reply copied", "Code copied"]);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("npm test");

    await page.locator('[data-role="user"]').getByRole("button", { name: "Copy message" }).click();
    await expect.poll(announced, WAIT).toEqual(["Reply copied", "Reply copied", "Code copied", "Message copied"]);
    // One live region for these, not one per reply.
    expect(await page.locator('[data-role] [role="status"]').count()).toBe(0);
  });

  it("a reply cut off by a reload says each sentence once, and its failure is announced once", async () => {
    const partial = "Half of an answer";
    const saved = {
      version: "1.1.0",
      activeConversationId: "c1",
      conversations: [
        {
          id: "c1",
          title: "Two cut-off replies",
          createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:03.000Z",
          draft: "",
          messages: [
            { id: "q1", role: "user", content: "First question", state: "complete", createdAt: "2026-01-01T00:00:00.000Z" },
            // Saved by today's UI after a reload had cut it off: the failure's own words are stored with it.
            {
              id: "r1",
              role: "assistant",
              content: partial,
              state: "error",
              createdAt: "2026-01-01T00:00:01.000Z",
              failure: {
                code: "interrupted_by_reload",
                message: "The page was closed or reloaded while this reply was arriving. The text above is what had arrived.",
                retryable: true,
              },
            },
            { id: "q2", role: "user", content: "Second question", state: "complete", createdAt: "2026-01-01T00:00:02.000Z" },
            // Still streaming when the page went away, with no server id to come back to.
            { id: "r2", role: "assistant", content: partial, state: "streaming", createdAt: "2026-01-01T00:00:03.000Z" },
          ],
        },
      ],
    };
    const { page } = await chat.openChat({ initScript: `localStorage.setItem("streaming-chat", ${JSON.stringify(JSON.stringify(saved))});` });
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("error");

    const failures = await page.getByTestId("reply-error").allTextContents();
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure).toContain("The page was closed or reloaded while this reply was arriving.");
      const sentences = failure.trim().split(/(?<=\.)\s+/);
      expect(sentences.length).toBeGreaterThan(1);
      expect(new Set(sentences).size, `a sentence said twice in "${failure}"`).toBe(sentences.length);
    }
    // An alert inside the reply's live region would be read once as the alert and again as the region's change.
    expect(await page.locator('[aria-live] [role="alert"], [role="status"] [role="alert"]').count()).toBe(0);
    expect(await page.locator('[role="alert"][data-testid="reply-error"]').count()).toBe(2);
  });
});

describe("touch targets", () => {
  it("on a touch screen every button of the header, the composer and the message actions is at least 44 px", async () => {
    chat.upstream.enqueue({ tokens: ["A reply ", "to act on."] });
    const { page } = await chat.openChat(PHONE);
    expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    await exchange(page, "Something to act on");

    const buttons = page.locator("header button, form.composer button, article[data-role] .actions button");
    const sizes = await buttons.evaluateAll((elements) =>
      elements
        .filter((element) => element.getClientRects().length > 0)
        .map((element) => {
          const box = element.getBoundingClientRect();
          return { name: element.getAttribute("aria-label") ?? element.textContent?.trim(), width: box.width, height: box.height };
        }),
    );
    expect(sizes.map((size) => size.name)).toEqual(
      expect.arrayContaining(["Conversations", "Send", "Copy message", "Edit and resend", "Copy reply", "Regenerate", "Reply details"]),
    );
    // At Chromium's layout precision (1/64 px): a 44 px box can read 43.99999237 on a phone's device scale.
    const toLayoutUnits = (pixels: number) => Math.round(pixels * 64) / 64;
    for (const size of sizes) {
      expect(toLayoutUnits(size.height), `${size.name} is ${size.height} px tall`).toBeGreaterThanOrEqual(44);
      expect(toLayoutUnits(size.width), `${size.name} is ${size.width} px wide`).toBeGreaterThanOrEqual(44);
    }
  });
});
