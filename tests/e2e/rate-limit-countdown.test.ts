/**
 * The UI told to wait: a server with RATE_LIMIT_REQUESTS_PER_MINUTE=1 answers the second send 429 with Retry-After;
 * the page counts down ("You can send again in 42 s"), keeps Send and Retry disabled meanwhile, tells a screen reader
 * once (not every second), and re-enables both when the wait is over. Chromium's clock is moved forward rather than
 * waited for (the server's minute is real, so the retry itself is not sent).
 */
import { describe, expect, it } from "vitest";
import { exchange, lastReply, messageBox, send, WAIT } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser({ RATE_LIMIT_REQUESTS_PER_MINUTE: "1" });

describe("a 429 from the server's rate limit", () => {
  it("counts down until the user may send again, with Send and Retry disabled until then", async () => {
    const { page } = await chat.openChat();
    await exchange(page, "first");
    // From here on the page's timers and Date run on a clock the test can move forward.
    await page.clock.install();

    await send(page, "second");
    await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("error");
    expect(await page.getByTestId("reply-error").textContent()).toContain("You have reached this server's limit for now.");
    const countdown = page.getByTestId("send-countdown");
    const shown = async () => Number((await countdown.textContent())?.match(/^You can send again in (\d+) s$/)?.[1]);
    const first = await shown();
    expect(first).toBeGreaterThan(2);
    expect(first).toBeLessThanOrEqual(60);
    const announcement = page.getByTestId("send-countdown-announcement");
    const announced = await announcement.textContent();
    expect(announced).toMatch(/^You can send again in \d+ seconds\.$/);
    expect(await announcement.getAttribute("role")).toBe("status");
    expect(await countdown.getAttribute("role"), "the ticking count is not a live region").toBeNull();

    await messageBox(page).fill("third");
    expect(await page.getByTestId("send-button").isDisabled()).toBe(true);
    expect(await page.getByTestId("retry-button").isDisabled()).toBe(true);
    await page.keyboard.press("Enter");
    expect(await page.locator('[data-role="user"]').count(), "Enter sends nothing while waiting").toBe(2);

    await page.clock.fastForward(2_000);
    await expect.poll(shown, WAIT).toBeLessThanOrEqual(first - 2);
    expect(await announcement.textContent(), "announced once, not on every tick").toBe(announced);

    await page.clock.fastForward(61_000);
    await expect.poll(() => countdown.count(), WAIT).toBe(0);
    expect(await announcement.textContent()).toBe("You can send again now.");
    expect(await page.getByTestId("send-button").isEnabled()).toBe(true);
    expect(await page.getByTestId("retry-button").isEnabled()).toBe(true);
  });
});
