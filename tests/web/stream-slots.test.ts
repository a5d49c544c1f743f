/**
 * The browser's stream slots over Web Locks (here the in-memory ones, shared by the pages a test simulates as
 * `navigator.locks` is shared by tabs): which slots a reply may take in view and out of it, waiting in turn, giving up,
 * and one background reader per reply.
 */
import { describe, expect, it } from "vitest";
import { createMemoryLocks } from "../../web/src/lib/slots/create-memory-locks.js";
import { createStreamSlots } from "../../web/src/lib/slots/create-stream-slots.js";

describe("the slots", () => {
  it("give a reply in view the slots kept for it first, then the shared ones; a reply out of view only shared ones", async () => {
    const slots = createStreamSlots(createMemoryLocks(), { slots: 3, sharedSlots: 1 });

    const inView = [await slots.tryTake("view"), await slots.tryTake("view")];
    expect(inView.map((lease) => lease?.shared)).toEqual([false, false]);
    const background = await slots.tryTake("background");
    expect(background?.shared).toBe(true);
    expect(await slots.tryTake("background")).toBeNull();
    expect(await slots.tryTake("view"), "all three are taken").toBeNull();

    background!.release();
    expect((await slots.tryTake("view"))?.shared, "a reply in view may take a shared one").toBe(true);
  });

  it("make a waiting reply wait until a slot frees, in the order they asked, and let it give up", async () => {
    const slots = createStreamSlots(createMemoryLocks(), { slots: 1, sharedSlots: 0 });
    const held = (await slots.tryTake("view"))!;
    const order: string[] = [];
    const first = slots.take("view", new AbortController().signal).then((lease) => (order.push("first"), lease));
    const givesUp = new AbortController();
    const impatient = slots.take("view", givesUp.signal);
    const second = slots.take("view", new AbortController().signal).then((lease) => (order.push("second"), lease));

    givesUp.abort(new Error("left"));
    await expect(impatient).rejects.toThrow("left");
    held.release();
    (await first).release();
    (await second).release();
    expect(order).toEqual(["first", "second"]);
    // Web Locks free a lock a moment after its holder lets go, not within the call.
    await expect.poll(async () => (await slots.tryTake("view"))?.shared).toBe(false);
  });

  it("let one tab at a time claim a reply, until it lets go", async () => {
    const slots = createStreamSlots(createMemoryLocks());
    const unclaim = await slots.claim("msg_1", new AbortController().signal);
    let second = false;
    const waiting = slots.claim("msg_1", new AbortController().signal).then((release) => ((second = true), release));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second).toBe(false);

    unclaim();

    (await waiting)();
    expect(second).toBe(true);
  });
});
