import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import type { ClientIdentity } from "../../server/auth/client-identity.js";
import { createClientLimits, type Admission } from "../../server/limits/create-client-limits.js";
import { createMemoryConcurrencyCounter } from "../../server/limits/create-concurrency-counter.js";
import { formatWait } from "../../server/limits/describe-limit.js";
import { meterReplyTokens } from "../../server/limits/meter-reply-tokens.js";
import { findTightestPolicy, formatRateLimit, formatRateLimitPolicy } from "../../server/limits/rate-limit-headers.js";
import type { ReplyPart } from "../../server/chat/reply-part.js";

const counter = (duration: number) => new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration });

function limitsAt(clock: { now: number }, defaults = { requestsPerMinute: 5, concurrentReplies: 2, tokensPerDay: 100 }) {
  return createClientLimits({
    defaults,
    requests: counter(60),
    tokens: counter(86_460),
    concurrency: createMemoryConcurrencyCounter(),
    now: () => clock.now,
  });
}

const key = (limits: ClientIdentity["limits"] = {}): ClientIdentity => ({ id: "key:0123abcd", limits });
const refused = (admission: Admission) => (admission.allowed ? undefined : admission);

describe("createClientLimits", () => {
  it("holds a key to its own limits from API_KEYS_FILE, each replacing the server's one by one", async () => {
    const limits = limitsAt({ now: Date.UTC(2026, 11, 1, 12) });
    const strict = key({ requestsPerMinute: 1 });
    const first = await limits.admit(strict);
    expect(first.allowed).toBe(true);
    // The key's own requests limit, the server's concurrency and token limits.
    expect(first.policies.map(({ name, quota }) => `${name}=${quota}`)).toEqual(["requests=1", "concurrent=2", "tokens=100"]);
    const second = refused(await limits.admit(strict));
    expect(second?.refusedBy.name).toBe("requests");
    expect(second?.message).toMatch(/^This key has sent its 1 requests for this minute; try again in \d+ s\.$/);

    const generous = { id: "key:ffff", limits: { requestsPerMinute: 10 } };
    for (let index = 0; index < 10; index += 1) {
      const admission = await limits.admit(generous);
      expect(admission.allowed).toBe(true);
      if (admission.allowed) admission.release();
    }
    expect(refused(await limits.admit(generous))?.refusedBy.name).toBe("requests");
  });

  it("turns a limit off for a key whose own value is 0", async () => {
    const limits = limitsAt({ now: Date.UTC(2026, 11, 1, 12) }, { requestsPerMinute: 1, concurrentReplies: 0, tokensPerDay: 0 });
    const unlimited = key({ requestsPerMinute: 0 });
    for (let index = 0; index < 5; index += 1) expect(await limits.admit(unlimited)).toMatchObject({ allowed: true, policies: [] });
  });

  it("counts tokens per UTC day: refused until 00:00 UTC, with Retry-After the seconds left, and a new day starts at zero", async () => {
    const clock = { now: Date.UTC(2026, 11, 1, 23, 59, 30) };
    const limits = limitsAt(clock);
    const client = key();
    await limits.countTokens(client, 60);
    expect((await limits.admit(client)).policies.find((policy) => policy.name === "tokens")).toMatchObject({ remaining: 40, resetSeconds: 30 });
    await limits.countTokens(client, 40);
    const spent = refused(await limits.admit(client));
    expect(spent).toMatchObject({ refusedBy: { name: "tokens", remaining: 0, resetSeconds: 30 }, retryAfterMs: 30_000 });
    expect(spent?.message).toBe("This key has used its 100 tokens for today; try again in 30 s.");
    clock.now = Date.UTC(2026, 11, 2, 0, 0, 1);
    expect((await limits.admit(client)).allowed).toBe(true);
  });

  it("frees a concurrency slot exactly once, however often its release is called", async () => {
    const limits = limitsAt({ now: Date.UTC(2026, 11, 1, 12) }, { requestsPerMinute: 0, concurrentReplies: 2, tokensPerDay: 0 });
    const client = key();
    const first = await limits.admit(client);
    const second = await limits.admit(client);
    expect(refused(await limits.admit(client))).toMatchObject({ refusedBy: { name: "concurrent" }, retryAfterMs: 1_000 });
    if (!first.allowed || !second.allowed) throw new Error("expected two slots");
    first.release();
    first.release();
    expect((await limits.admit(client)).allowed).toBe(true);
    expect(refused(await limits.admit(client))?.refusedBy.name, "a second release did not free another slot").toBe("concurrent");
  });
});

describe("RateLimit headers (draft-ietf-httpapi-ratelimit-headers)", () => {
  const policies = [
    { name: "requests", quota: 60, windowSeconds: 60, remaining: 12, resetSeconds: 41 },
    { name: "concurrent", quota: 4, remaining: 3 },
    { name: "tokens", quota: 200_000, windowSeconds: 86_400, remaining: 150_000, resetSeconds: 3_600 },
  ] as const;

  it("lists every policy, and names the one nearest to refusing", () => {
    expect(formatRateLimitPolicy(policies)).toBe('"requests";q=60;w=60, "concurrent";q=4;qu="concurrent-requests", "tokens";q=200000;w=86400');
    expect(formatRateLimit(findTightestPolicy(policies)!)).toBe('"requests";r=12;t=41');
  });

  it("on a tie, names the policy restored last", () => {
    const tie = [
      { name: "requests", quota: 10, windowSeconds: 60, remaining: 0, resetSeconds: 20 },
      { name: "tokens", quota: 10, windowSeconds: 86_400, remaining: 0, resetSeconds: 500 },
    ] as const;
    expect(findTightestPolicy(tie)?.name).toBe("tokens");
  });
});

describe("formatWait", () => {
  it.each([
    [0.2, "1 s"],
    [42, "42 s"],
    [60, "60 s"],
    [125, "3 min"],
    [18_720, "5 h 12 min"],
    [7_200, "2 h"],
  ])("%s s reads %s", (seconds, words) => expect(formatWait(seconds)).toBe(words));
});

describe("meterReplyTokens", () => {
  async function meter(parts: ReplyPart[], failAfter?: number): Promise<number> {
    let counted = -1;
    async function* source() {
      for (const [index, part] of parts.entries()) {
        if (index === failAfter) throw new Error("the provider went away");
        yield part;
      }
    }
    await (async () => {
      for await (const _ of meterReplyTokens(source(), { promptCharacters: 40, onEnd: (tokens) => (counted = tokens) })) void _;
    })().catch(() => {});
    return counted;
  }
  const token = (content: string): ReplyPart => ({ type: "token", content });

  it("counts the provider's usage when it reports one", async () => {
    expect(await meter([token("hello"), { type: "finish", finishReason: "stop", usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9 } }])).toBe(9);
  });

  it("estimates (prompt + reply characters) / 4 when it does not, and for a reply cut short", async () => {
    expect(await meter([token("x".repeat(10)), { type: "finish", finishReason: "stop" }])).toBe(13);
    expect(await meter([token("x".repeat(20)), token("y"), token("z")], 1)).toBe(15);
  });

  it("counts nothing when the model failed before answering anything", async () => {
    expect(await meter([token("never")], 0)).toBe(0);
  });

  it("counts a reply its reader stopped reading", async () => {
    let counted = -1;
    async function* endless() {
      for (;;) yield token("abcd");
    }
    for await (const part of meterReplyTokens(endless(), { promptCharacters: 0, onEnd: (tokens) => (counted = tokens) })) {
      if (part.type === "token") break;
    }
    expect(counted).toBe(1);
  });
});
