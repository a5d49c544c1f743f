import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApiKeyRing } from "../../server/auth/api-key-ring.js";
import { ApiKeysError, parseApiKeysFile, parseInlineApiKeys } from "../../server/auth/parse-api-keys.js";

const KEY_A = "alpha-key-0123456789abcdef";
const KEY_B = "bravo-key-0123456789abcdef";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The error `parse` throws, asserting it is an ApiKeysError whose message never contains `secret`. */
function refusal(parse: () => unknown, secret: string): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiKeysError);
    const message = (error as Error).message;
    expect(message).not.toContain(secret);
    return message;
  }
  throw new Error("expected the key list to be refused");
}

describe("parseApiKeysFile", () => {
  it("reads plain and digest keys, names and per-key limits, skipping comments and blank lines", () => {
    const entries = parseApiKeysFile(
      [
        "# the team's keys",
        "",
        `${KEY_A} name=alice requests_per_minute=120 concurrent_replies=2 tokens_per_day=500000`,
        `   sha256:${sha256(KEY_B).toUpperCase()}   name=bob   # rotated 2026-11`,
        "\t",
        `${KEY_A}x tokens_per_day=0`,
      ].join("\r\n"),
    );
    expect(entries.map(({ fingerprint, name, limits }) => ({ fingerprint, name, limits }))).toEqual([
      { fingerprint: sha256(KEY_A).slice(0, 12), name: "alice", limits: { requestsPerMinute: 120, concurrentReplies: 2, tokensPerDay: 500_000 } },
      { fingerprint: sha256(KEY_B).slice(0, 12), name: "bob", limits: {} },
      { fingerprint: sha256(`${KEY_A}x`).slice(0, 12), name: undefined, limits: { tokensPerDay: 0 } },
    ]);
    expect(entries[1]!.digest.toString("hex")).toBe(sha256(KEY_B));
  });

  it("names the line of a short key, and never the key", () => {
    expect(refusal(() => parseApiKeysFile(`${KEY_A}\n\nshort-secret-1`), "short-secret-1")).toBe(
      "API_KEYS_FILE line 3: a plain key must be at least 16 characters (this one has 14)",
    );
  });

  it.each([
    ["a digest of the wrong length", `sha256:${"ab".repeat(31)}`, /line 1: a digest must be sha256: followed by 64 hex digits/],
    ["a key no Bearer header can carry", "секрет-ключ-0123456789", /line 1: a key may contain only letters/],
    ["an unknown option", `${KEY_A} rpm=5`, /line 1: unknown option; expected name=/],
    ["an option without a value", `${KEY_A} name`, /line 1: unknown option/],
    ["a limit that is not a whole number", `${KEY_A} requests_per_minute=-1`, /line 1: requests_per_minute= takes a whole number/],
    ["a name with odd characters", `${KEY_A} name=<script>`, /line 1: name= takes 1 to 64/],
    ["an option given twice", `${KEY_A} name=a name=b`, /line 1: name= is given twice/],
    ["a key longer than 512 characters", "k".repeat(513), /line 1: a plain key must be at most 512/],
  ])("refuses %s", (_what, line, expected) => {
    expect(refusal(() => parseApiKeysFile(line), line.split(" ")[0]!)).toMatch(expected);
  });

  it("does not quote an option that may be a key split off its line", () => {
    // A key with a space in it: its second half would be an "option".
    const message = refusal(() => parseApiKeysFile(`${KEY_A} ${KEY_B}`), KEY_B);
    expect(message).toBe("API_KEYS_FILE line 1: unknown option; expected name=, requests_per_minute=, concurrent_replies= or tokens_per_day=");
  });

  it("refuses the same key twice, plain or as its digest, naming both lines", () => {
    expect(refusal(() => parseApiKeysFile(`${KEY_A}\n${KEY_B}\nsha256:${sha256(KEY_A)}`), KEY_A)).toBe(
      "API_KEYS_FILE line 3: the same key as API_KEYS_FILE line 1",
    );
  });
});

describe("parseInlineApiKeys", () => {
  it("reads plain and digest keys without names or limits", () => {
    const entries = parseInlineApiKeys([KEY_A, `sha256:${sha256(KEY_B)}`]);
    expect(entries.map((entry) => entry.fingerprint)).toEqual([sha256(KEY_A).slice(0, 12), sha256(KEY_B).slice(0, 12)]);
    expect(entries.every((entry) => entry.name === undefined && Object.keys(entry.limits).length === 0)).toBe(true);
  });

  it("names the entry of a short key, and never the key", () => {
    expect(refusal(() => parseInlineApiKeys([KEY_A, "tiny"]), "tiny")).toBe("API_KEYS entry 2: a plain key must be at least 16 characters (this one has 4)");
  });
});

describe("createApiKeyRing", () => {
  it("finds a key by its plain text, whether it was configured plain or as a digest, and nothing else", () => {
    const ring = createApiKeyRing(parseApiKeysFile(`${KEY_A} name=alice\nsha256:${sha256(KEY_B)} name=bob`));
    expect(ring.find(KEY_A)?.name).toBe("alice");
    expect(ring.find(KEY_B)?.name).toBe("bob");
    expect(ring.find(`sha256:${sha256(KEY_B)}`)).toBeUndefined();
    expect(ring.find(KEY_A.slice(0, -1))).toBeUndefined();
    ring.replace(parseInlineApiKeys([KEY_B]));
    expect(ring.find(KEY_A)).toBeUndefined();
    expect(ring.size).toBe(1);
  });
});
