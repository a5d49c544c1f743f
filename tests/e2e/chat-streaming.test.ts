import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { lastReply, send, words } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser();

/** A reply as a model writes it, cut into model-sized tokens. */
const MARKDOWN_REPLY = [
  "## Streaming",
  " in",
  " short\n\n",
  "Tokens",
  " arrive",
  " as",
  " the",
  " model",
  " writes",
  " them",
  ",",
  " so",
  " the",
  " reply",
  " grows",
  " **while",
  " you",
  " read**",
  ".\n\n",
  "-",
  " First",
  " token",
  " fast\n",
  "-",
  " Nothing",
  " lost\n\n",
  "```ts\n",
  "for await",
  " (const",
  " event",
  " of",
  " client.streamMessage(request))",
  " {\n",
  "  render(event);\n",
  "}\n",
  "```\n\n",
  "That",
  " is",
  " all",
  ".",
];

/** Records, in the page, every distinct length the last reply's text had, until it is no longer streaming. */
async function recordReplyGrowth(page: Page): Promise<number[]> {
  return page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const lengths: number[] = [];
        const sample = () => {
          const replies = document.querySelectorAll('[data-role="assistant"]');
          const reply = replies[replies.length - 1];
          const length = reply?.querySelector(".markdown")?.textContent?.length ?? 0;
          if (length !== lengths.at(-1)) lengths.push(length);
          if (reply && reply.getAttribute("data-state") !== "streaming") resolve(lengths);
          else requestAnimationFrame(sample);
        };
        sample();
      }),
  );
}

describe("streaming a reply in the browser", () => {
  it("shows the user's message at once and the reply growing token by token until complete", async () => {
    chat.upstream.enqueue({ tokens: MARKDOWN_REPLY, delayMs: 60 });
    const open = await chat.openChat();
    const { page } = open;
    const growth = recordReplyGrowth(page);
    await send(page, "Tell me something");

    await expect.poll(() => page.locator('[data-role="user"]').last().textContent()).toContain("Tell me something");
    await expect.poll(() => page.getByTestId("status-label").textContent()).toMatch(/Sending…|Streaming…/);
    await expect.poll(() => lastReply(page).getByTestId("assistant-reply").getAttribute("aria-busy")).toBe("true");
    await expect.poll(() => page.getByTestId("stop-button").isVisible()).toBe(true);
    // The message box stays open for the next message while the reply streams (Send waits for the reply to end).
    expect(await page.getByRole("textbox", { name: "Message" }).isEditable()).toBe(true);
    expect(await page.getByTestId("send-button").count()).toBe(0);

    // Mid-stream, inside the code block (the README's pictures are `npm run docs:screenshots`).
    await expect.poll(() => lastReply(page).locator("pre code").textContent(), { timeout: 10_000 }).toContain("event");

    const lengths = await growth;
    const finalLength = lengths.at(-1)!;
    expect(lengths.filter((length) => length > 0 && length < finalLength).length).toBeGreaterThanOrEqual(3);
    expect(await lastReply(page).getAttribute("data-state")).toBe("complete");
    expect(await lastReply(page).locator("h2").textContent()).toBe("Streaming in short");
    expect(await lastReply(page).locator("pre code").textContent()).toContain("for await (const event of client.streamMessage(request)) {");
    // Stored exactly as the model wrote it.
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem("streaming-chat")))!);
    expect(stored.conversations[0].messages[1].content).toBe(MARKDOWN_REPLY.join(""));
    await expect.poll(() => page.getByTestId("status-label").textContent()).toBe("Ready");
    expect(await page.getByTestId("ttft").textContent()).toMatch(/^\d+ ms$/);
    expect(await page.getByTestId("tokens-per-second").textContent()).toMatch(/tok\/s$/);
    expect(await page.getByRole("textbox", { name: "Message" }).isDisabled()).toBe(false);
  });

  it("Stop keeps the partial reply, marks it stopped, and closes the model request upstream", async () => {
    chat.upstream.enqueue({ tokens: words(200), delayMs: 50 });
    const open = await chat.openChat();
    const { page } = open;
    await send(page, "Write a long answer");
    await expect.poll(() => lastReply(page).textContent(), { timeout: 5_000 }).toContain("word4");

    await page.getByTestId("stop-button").click();

    await expect.poll(() => lastReply(page).getAttribute("data-state")).toBe("stopped");
    const request = chat.upstream.requests.at(-1)!;
    await chat.upstream.waitForClose(request, 2_000);
    expect(request.finished).toBe(false);
    const shown = (await lastReply(page).locator(".markdown").textContent())!.trim();
    // Every token the upstream sent before the close reached the page, and none was dropped from the middle.
    expect(words(request.tokensSent).join("").trim().startsWith(shown)).toBe(true);
    expect(shown.split(" ").length).toBeGreaterThanOrEqual(5);
    expect(await page.getByTestId("stopped-badge").isVisible()).toBe(true);
    expect(await page.getByTestId("status-label").textContent()).toBe("Ready");
  });

  it("an upstream failure mid-reply keeps the partial text, explains it, and Retry gets a full reply", async () => {
    chat.upstream.enqueue({ tokens: words(10), delayMs: 20, fault: { kind: "reset", afterTokens: 4 } }, { tokens: ["Second", " try", " worked."] });
    const open = await chat.openChat();
    const { page } = open;
    await send(page, "Try this");

    await expect.poll(() => lastReply(page).getAttribute("data-state"), { timeout: 10_000 }).toBe("error");
    expect((await lastReply(page).locator(".markdown").textContent())!.trim()).toBe(words(4).join("").trim());
    expect(await page.getByTestId("reply-error").textContent()).toMatch(/could not be reached|broke off/);
    expect(await page.getByTestId("status-label").textContent()).toBe("Error");
    expect(await page.locator('[data-role="user"]').last().textContent()).toContain("Try this");

    await page.getByTestId("retry-button").click();
    await expect.poll(() => lastReply(page).getAttribute("data-state")).toBe("complete");
    expect((await lastReply(page).locator(".markdown").textContent())!.trim()).toBe("Second try worked.");
    expect(await page.locator('[data-role="assistant"]').count()).toBe(1);
    expect(chat.upstream.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "Try this" }]);
  });

  it("a server that cannot be reached keeps what the user typed and says so", async () => {
    const open = await chat.openChat();
    const { page } = open;
    await open.context.route("**/api/v1/messages", (route) => route.abort("connectionrefused"));
    await send(page, "Are you there?");
    await expect.poll(() => lastReply(page).getAttribute("data-state")).toBe("error");
    expect(await page.getByTestId("reply-error").textContent()).toContain("could not be reached");
    expect(await page.locator('[data-role="user"]').last().textContent()).toContain("Are you there?");
    expect(await page.getByTestId("retry-button").isVisible()).toBe(true);
  });
});
