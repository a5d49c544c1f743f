/**
 * The Thinking block in real Chromium against the real app on its built-in demo model, which thinks briefly before
 * its answer when asked (`includeReasoning`). Its tokens are slowed down so that the thinking is seen arriving.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { WAIT, chooseFromMenu, exchange, lastReply, messageBox, send } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

// No upstream: the demo model answers. 60 ms a token: about 2 s of thinking, then about 4 s of answer.
const chat = useChatInBrowser({ OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined, OPENAI_MODEL: undefined, DEMO_TOKEN_DELAY_MS: "60" });

/** Generous: a demo reply takes several seconds, and other files share the two cores. */
const REPLY_WAIT = { timeout: 30_000 };

const thinkingBlock = (page: Page) => lastReply(page).getByTestId("reasoning");
const summaryOf = (page: Page) => thinkingBlock(page).getByTestId("reasoning-summary");
const isOpen = (page: Page) => thinkingBlock(page).evaluate((details) => (details as HTMLDetailsElement).open);

/** The bodies of the page's POSTs to the messages endpoint, as sent. */
function recordSends(page: Page): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/v1/messages") bodies.push(request.postDataJSON() as Record<string, unknown>);
  });
  return bodies;
}

async function waitForComplete(page: Page): Promise<void> {
  await expect.poll(() => lastReply(page).getAttribute("data-state"), REPLY_WAIT).toBe("complete");
}

/** What a page shows of the last reply while its model thinks. */
interface MidThought {
  open: boolean;
  summary: string | undefined;
  status: string | null | undefined;
  timeToFirstThought: string | null;
  thought: string;
}

/** Waits for a moment when the last reply's thinking is at least `atLeast` characters long and its answer is empty. */
async function waitForThought(page: Page, atLeast: number): Promise<MidThought> {
  const handle = await page.waitForFunction(
    (minimum) => {
      const reply = [...document.querySelectorAll('[data-role="assistant"]')].at(-1);
      const block = reply?.querySelector<HTMLDetailsElement>('[data-testid="reasoning"]');
      const answer = reply?.querySelector('[data-testid="assistant-reply"]')?.textContent?.trim() ?? "";
      const thought = block?.querySelector(".markdown")?.textContent?.trim() ?? "";
      if (!block || thought.length < minimum || answer !== "") return null;
      return {
        open: block.open,
        summary: block.querySelector('[data-testid="reasoning-summary"]')?.textContent?.trim(),
        status: document.querySelector('[data-testid="status-label"]')?.textContent,
        timeToFirstThought: document.querySelector('[data-testid="ttfr"]')?.textContent ?? null,
        thought,
      };
    },
    atLeast,
    { ...REPLY_WAIT, polling: 50 },
  );
  return (await handle.jsonValue())!;
}

describe("the Thinking block", () => {
  it("streams the thinking before the answer, closes when the answer begins, opens on click, and is still there after a reload", async () => {
    const { page } = await chat.openChat();
    const sends = recordSends(page);
    await send(page, "Think about this");

    // Two looks at the page while the model thinks and the answer has not begun: the thinking grows in between.
    const seen = await waitForThought(page, 10);
    const later = await waitForThought(page, seen.thought.length + 1);
    expect(later.thought.startsWith(seen.thought)).toBe(true);
    expect(later.open).toBe(true);
    expect(seen.open).toBe(true);
    expect(seen.summary).toBe("Thinking…");
    expect(seen.status).toBe("Thinking…");
    expect(seen.timeToFirstThought).toMatch(/^\d+ ms$/);
    expect(seen.thought).toMatch(/^The user wrote/);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.includeReasoning).toBe(true);

    // The answer's first token closes it, and it says how long the thinking took.
    await expect.poll(() => lastReply(page).getByTestId("assistant-reply").textContent(), REPLY_WAIT).toContain("demo model");
    await expect.poll(() => isOpen(page), WAIT).toBe(false);
    await expect.poll(() => summaryOf(page).textContent(), WAIT).toMatch(/^Thought for \d+ s$/);
    await waitForComplete(page);
    expect(await isOpen(page)).toBe(false);
    expect(await page.getByTestId("status-label").textContent()).toBe("Ready");

    await summaryOf(page).click();
    expect(await isOpen(page)).toBe(true);
    expect(await thinkingBlock(page).getByText("short canned reasoning").isVisible()).toBe(true);
    const summary = await summaryOf(page).textContent();

    await page.reload();
    await messageBox(page).waitFor();
    expect(await thinkingBlock(page).count()).toBe(1);
    expect(await isOpen(page)).toBe(false);
    expect(await summaryOf(page).textContent()).toBe(summary);
    const stored = await page.evaluate(
      () => JSON.parse(localStorage.getItem("streaming-chat")!) as { version: string; conversations: { messages: Record<string, unknown>[] }[] },
    );
    expect(stored.version).toBe("1.1.0");
    const reply = stored.conversations[0]!.messages.at(-1)!;
    expect(reply.reasoning).toMatch(/^The user wrote 16 characters\./);
    expect(reply.reasoningMs).toEqual(expect.any(Number));
    // The answer carries none of the thinking.
    expect(reply.content).not.toContain("canned reasoning");
  });

  it("with Show thinking off, asks for no thinking and shows no block, and the setting outlives a reload", async () => {
    const { page } = await chat.openChat();
    const sends = recordSends(page);
    const setting = page.getByRole("checkbox", { name: "Show thinking" });
    expect(await setting.isChecked()).toBe(true);
    await setting.uncheck();

    await exchange(page, "No thinking please");
    expect(sends).toHaveLength(1);
    expect(sends[0]).not.toHaveProperty("includeReasoning");
    expect(await page.getByTestId("reasoning").count()).toBe(0);
    expect(await lastReply(page).getByTestId("assistant-reply").textContent()).toContain("demo model");

    await page.reload();
    await messageBox(page).waitFor();
    expect(await page.getByRole("checkbox", { name: "Show thinking" }).isChecked()).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem("streaming-chat:settings"))).toBe('{"showThinking":false}');
  }, 60_000);

  it("hides the thinking of earlier replies while off, and shows it again when turned back on", async () => {
    const { page } = await chat.openChat();
    await exchange(page, "Think first");
    expect(await page.getByTestId("reasoning").count()).toBe(1);
    await page.getByRole("checkbox", { name: "Show thinking" }).uncheck();
    expect(await page.getByTestId("reasoning").count()).toBe(0);
    await page.getByRole("checkbox", { name: "Show thinking" }).check();
    expect(await page.getByTestId("reasoning").count()).toBe(1);
  }, 60_000);
});

describe("data saved before the Thinking block", () => {
  /** A conversation exactly as today's UI saves it (schema 1.1.0, no reasoning fields). */
  const SAVED = JSON.stringify({
    version: "1.1.0",
    activeConversationId: "c-1",
    conversations: [
      {
        id: "c-1",
        title: "Saved before reasoning",
        createdAt: "2026-11-30T10:00:00.000Z",
        updatedAt: "2026-11-30T10:00:05.000Z",
        draft: "",
        messages: [
          { id: "m-1", role: "user", content: "An old question", state: "complete", createdAt: "2026-11-30T10:00:00.000Z" },
          {
            id: "m-2",
            role: "assistant",
            content: "An **old** answer.",
            state: "complete",
            createdAt: "2026-11-30T10:00:01.000Z",
            stats: { timeToFirstTokenMs: 120, tokensPerSecond: 30, tokenCount: 4 },
            model: "demo-echo",
            messageId: "msg_old",
          },
        ],
      },
    ],
  });

  it("loads 1.1.0 data of today's UI unchanged: shown as before, with no Thinking block, and not rewritten", async () => {
    const { page } = await chat.openChat({
      initScript: `if (!sessionStorage.getItem("seeded")) { sessionStorage.setItem("seeded", "1"); localStorage.setItem("streaming-chat", ${JSON.stringify(SAVED)}); }`,
    });
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Saved before reasoning");
    expect(await lastReply(page).getByTestId("assistant-reply").textContent()).toContain("An old answer.");
    expect(await page.getByTestId("reasoning").count()).toBe(0);
    expect(await page.getByTestId("storage-notice").count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem("streaming-chat"))).toBe(SAVED);
  });

  it("a reply with thinking added to 1.1.0 data keeps it 1.1.0, its old messages as they were, and only adds fields", async () => {
    const { page } = await chat.openChat({
      initScript: `if (!sessionStorage.getItem("seeded")) { sessionStorage.setItem("seeded", "1"); localStorage.setItem("streaming-chat", ${JSON.stringify(SAVED)}); }`,
    });
    await exchange(page, "A new question");
    expect(await page.getByTestId("reasoning").count()).toBe(1);

    type Stored = { version: string; activeConversationId: string; conversations: { id: string; title: string; messages: Record<string, unknown>[] }[] };
    const before = JSON.parse(SAVED) as Stored;
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem("streaming-chat")!) as Stored);
    expect(after.version).toBe("1.1.0");
    expect(after.conversations).toHaveLength(1);
    const [conversation] = after.conversations;
    expect(conversation!.id).toBe("c-1");
    expect(conversation!.title).toBe("Saved before reasoning");
    // The old messages, field for field: nothing added to them, nothing dropped.
    expect(conversation!.messages.slice(0, 2)).toStrictEqual(before.conversations[0]!.messages);
    const reply = conversation!.messages.at(-1)!;
    expect(reply).toMatchObject({ role: "assistant", state: "complete", reasoning: expect.stringMatching(/^The user wrote 14 characters\./) });
    expect(reply.reasoningMs).toEqual(expect.any(Number));
    // The fields every 1.1.0 reader checks are there with their 1.1.0 types; the new ones are extra, and optional.
    for (const field of ["id", "content", "createdAt"]) expect(typeof reply[field]).toBe("string");
  }, 60_000);
});

describe("two tabs", () => {
  it("a conversation deleted in one tab goes from the other, and the other tab's next save does not bring it back", async () => {
    const { page: tabA, context } = await chat.openChat();
    await tabA.getByRole("checkbox", { name: "Show thinking" }).uncheck();
    await exchange(tabA, "Doomed conversation");
    // A second tab of the same browser: one LocalStorage, and each tab's writes are `storage` events in the other.
    const tabB = await context.newPage();
    const tabBErrors: Error[] = [];
    tabB.on("pageerror", (error) => tabBErrors.push(error));
    await tabB.goto(chat.app.baseUrl);
    await messageBox(tabB).waitFor();
    const titles = (page: Page) => page.getByTestId("conversation-item").allTextContents();
    expect((await titles(tabB)).join()).toContain("Doomed conversation");

    // B is busy with a conversation of its own when A deletes.
    await tabB.getByTestId("new-chat").click();
    await messageBox(tabB).fill("typed in B");

    await chooseFromMenu(tabA, "Doomed conversation", "Delete");
    await tabA.getByRole("button", { name: "Confirm delete Doomed conversation" }).click();

    await expect.poll(async () => (await titles(tabB)).join(), WAIT).not.toContain("Doomed conversation");
    // B saves (a message sent there), and A takes B's save in.
    await exchange(tabB, "Still here in B");
    await expect.poll(async () => (await titles(tabA)).join(), WAIT).toContain("Still here in B");
    expect((await titles(tabA)).join()).not.toContain("Doomed conversation");
    const stored = await tabA.evaluate(() => localStorage.getItem("streaming-chat")!);
    expect(stored).not.toContain("Doomed conversation");
    expect(Object.keys(JSON.parse(await tabA.evaluate(() => localStorage.getItem("streaming-chat:deleted")!)) as object)).toHaveLength(1);

    await tabB.reload();
    await messageBox(tabB).waitFor();
    expect((await titles(tabB)).join()).not.toContain("Doomed conversation");
    expect(tabBErrors).toEqual([]);
  }, 60_000);
});

describe("the stream debug log", () => {
  /** One line on the page's console: its type (`debug`, `log`…) and text. */
  type ConsoleLine = [type: string, text: string];

  /** The chat's debug lines on the page's console. */
  function recordDebugLines(page: Page): ConsoleLine[] {
    const lines: ConsoleLine[] = [];
    page.on("console", (message) => {
      if (message.text().startsWith("[streaming-chat]")) lines.push([message.type(), message.text()]);
    });
    return lines;
  }

  /** The ids of the page's next POST to the messages endpoint: the request id it sent, the message id it got back. */
  async function idsOfNextSend(page: Page): Promise<{ requestId: string; messageId: string }> {
    const response = await page.waitForResponse(
      (each) => each.request().method() === "POST" && new URL(each.url()).pathname === "/api/v1/messages",
      REPLY_WAIT,
    );
    return { requestId: (await response.request().headerValue("x-request-id"))!, messageId: (await response.headerValue("x-message-id"))! };
  }

  it('with localStorage["streaming-chat:debug"] = "1", logs the request id, message id, first thought, first token and end, with times', async () => {
    const { page } = await chat.openChat({ initScript: `localStorage.setItem("streaming-chat:debug", "1");` });
    const lines = recordDebugLines(page);
    const ids = idsOfNextSend(page);
    await exchange(page, "Log this");
    const { requestId, messageId } = await ids;
    expect(requestId).toMatch(/\S/);
    expect(messageId).toMatch(/\S/);
    await expect.poll(() => lines.some(([, text]) => text.includes(" end ")), WAIT).toBe(true);

    const steps = lines.map(([, text]) => /^\[streaming-chat\] (.+?) request=/.exec(text)?.[1]);
    expect(steps).toEqual(["start", "named", "first reasoning", "first token", "end"]);
    for (const [type, text] of lines) {
      expect(type).toBe("debug");
      expect(text).toContain(`request=${requestId}`);
      expect(text).toMatch(/ \+\d+ ms/);
    }
    // The message id from the moment the server names the reply.
    for (const [, text] of lines.slice(1)) expect(text).toContain(`message=${messageId}`);
    const times = lines.map(([, text]) => Number(/ \+(\d+) ms/.exec(text)![1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The thinking took the demo model about two seconds before the first token.
    expect(times[3]! - times[2]!).toBeGreaterThan(500);
    expect(lines.at(-1)![1]).toContain("outcome=complete");
    // Ids and times only: nothing of what was typed or answered.
    expect(lines.join("\n")).not.toMatch(/Log this|demo model|canned/);
  }, 60_000);

  it("logs nothing while the switch is unset, and starts when it is set, with no reload", async () => {
    const { page } = await chat.openChat();
    const lines = recordDebugLines(page);
    await exchange(page, "Quietly");
    expect(lines).toEqual([]);

    await page.evaluate(() => localStorage.setItem("streaming-chat:debug", "1"));
    await exchange(page, "Loudly");
    await expect
      .poll(() => lines.map(([, text]) => /^\[streaming-chat\] (.+?) request=/.exec(text)?.[1]), WAIT)
      .toEqual(["start", "named", "first reasoning", "first token", "end"]);
  }, 60_000);
});
