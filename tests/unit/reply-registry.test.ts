import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { ContractError } from "../../server/replies/contract-error.js";
import { createReplyRegistry } from "../../server/replies/reply-registry.js";

/** Just enough of a ServerResponse for the registry: it only listens for "close" and reads two flags. */
function fakeResponse(state: { destroyed?: boolean; writableFinished?: boolean } = {}) {
  const emitter = new EventEmitter();
  return Object.assign(emitter, { destroyed: false, writableFinished: false, ...state }) as unknown as ServerResponse & EventEmitter;
}

describe("createReplyRegistry", () => {
  it("admits up to the limit and frees a slot when a response closes", async () => {
    const registry = createReplyRegistry({ maxConcurrent: 2 });
    const first = fakeResponse();
    expect(await registry.admit(first)).toHaveProperty("signal");
    expect(await registry.admit(fakeResponse())).toHaveProperty("signal");
    expect(await registry.admit(fakeResponse())).toMatchObject({ code: "overloaded", status: 503, retryAfterSeconds: 1 });
    first.emit("close");
    expect(registry.active).toBe(1);
    expect(await registry.admit(fakeResponse())).toHaveProperty("signal");
  });

  it("aborts a reply whose client left before the response finished", async () => {
    const registry = createReplyRegistry({ maxConcurrent: 5 });
    const res = fakeResponse();
    const reply = await registry.admit(res);
    if (reply instanceof ContractError) throw reply;
    res.emit("close");
    expect(reply.signal.aborted).toBe(true);
  });

  it("does not hold a slot for a response that already closed", async () => {
    const registry = createReplyRegistry({ maxConcurrent: 1 });
    const reply = await registry.admit(fakeResponse({ destroyed: true }));
    expect(reply instanceof ContractError ? reply.code : reply.signal.aborted).toBe(true);
    expect(registry.active).toBe(0);
  });

  it("on shutdown refuses new replies, aborts running ones after the grace period, and resolves every caller", async () => {
    const registry = createReplyRegistry({ maxConcurrent: 5 });
    const res = fakeResponse();
    const reply = await registry.admit(res);
    if (reply instanceof ContractError) throw reply;
    reply.signal.addEventListener("abort", () => res.emit("close"));
    const first = registry.shutDown(20);
    const second = registry.shutDown(20);
    expect(await registry.admit(fakeResponse())).toMatchObject({ code: "server_shutdown", status: 503 });
    await Promise.all([first, second]);
    expect(reply.signal.reason).toMatchObject({ code: "server_shutdown", retryable: true, retryAfterSeconds: 2 });
    expect(registry.active).toBe(0);
  });
});
