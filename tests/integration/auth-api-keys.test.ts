/**
 * API keys on the real app: every operation the spec protects answers 401 with the contract's error and an RFC 6750
 * challenge to a missing, wrong or malformed key, before anything else about the request is looked at; the right
 * key (inline, as a digest, or from a file) streams; health and the probes stay open; and no key reaches a log line.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Health } from "../../contract/index.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { postJson } from "../helpers/post-json.js";
import { payloads, postForSse } from "../helpers/read-sse.js";
import { sendRawHttp } from "../helpers/send-raw-http.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const INLINE_KEY = "inline-key-3f9a8b7c6d5e4f30";
const DIGEST_KEY = "digest-key-0a1b2c3d4e5f6a7b";
const FILE_KEY = "file-key-77e6d5c4b3a2918f";
const KEYS = [INLINE_KEY, DIGEST_KEY, FILE_KEY];
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const dir = mkdtempSync(join(tmpdir(), "auth-api-keys-"));
const keysFile = join(dir, "keys.txt");
writeFileSync(keysFile, `# carol's laptop\n${FILE_KEY} name=carol requests_per_minute=30\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAX_BODY_BYTES = 2_048;
/** These tests send many refused keys from one address: the brute-force limit (its own test below) would answer 429. */
const NO_FAILURE_LIMIT = { AUTH_FAILURES_PER_MINUTE: "0" };
let inline: TestApp;
let filed: TestApp;
let open: TestApp;
let guarded: TestApp;
useAppOnFakeUpstream(
  {
    script: { tokens: ["Hello", " there"] },
    apps: {
      inline: { API_KEYS: `${INLINE_KEY}, sha256:${sha256(DIGEST_KEY)}`, MAX_BODY_BYTES: String(MAX_BODY_BYTES), ...NO_FAILURE_LIMIT },
      filed: { API_KEYS_FILE: keysFile, ...NO_FAILURE_LIMIT },
      guarded: { API_KEYS: INLINE_KEY, AUTH_FAILURES_PER_MINUTE: "3" },
      open: {},
    },
  },
  (started) => ({ inline, filed, open, guarded } = started.apps),
);

const CHALLENGE = 'Bearer realm="streaming-chat"';
const INVALID_CHALLENGE = 'Bearer realm="streaming-chat", error="invalid_token"';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const send = (app: TestApp, headers: Record<string, string> = {}) => postJson(`${app.baseUrl}/api/v1/messages`, { message: "hi" }, headers);

/** The 401 a refused request gets: the contract's error, with the challenge `challenge`; returns its message. */
function expectUnauthorized(answer: { status: number; headers: Record<string, string | string[] | undefined>; raw: string }, challenge: string): string {
  const error = expectContractError(answer, 401, "unauthorized");
  expect(answer.headers["www-authenticate"]).toBe(challenge);
  expect(error.message).toContain("Authorization: Bearer <");
  return error.message;
}

describe("a request without a usable key", () => {
  it("gets 401 with the challenge and says how to send a key, differently for a missing and a wrong key", async () => {
    const missing = expectUnauthorized(await send(inline), CHALLENGE);
    const wrong = expectUnauthorized(await send(inline, bearer("not-a-key-0123456789abcdef")), INVALID_CHALLENGE);
    expect(missing).not.toBe(wrong);
    // Nothing in either hints at which keys exist.
    for (const message of [missing, wrong]) for (const key of KEYS) expect(message).not.toContain(key.slice(0, 6));
  });

  it.each([
    ["a Basic credential", { authorization: `Basic ${Buffer.from(`user:${INLINE_KEY}`).toString("base64")}` }, CHALLENGE],
    ["Bearer with no token", { authorization: "Bearer" }, INVALID_CHALLENGE],
    ["Bearer with two tokens", { authorization: `Bearer ${INLINE_KEY} ${INLINE_KEY}` }, INVALID_CHALLENGE],
    ["the key's digest instead of the key", bearer(`sha256:${sha256(DIGEST_KEY)}`), INVALID_CHALLENGE],
    ["the key with a character missing", bearer(INLINE_KEY.slice(0, -1)), INVALID_CHALLENGE],
    ["a 10 KB key", bearer("k".repeat(10_240)), INVALID_CHALLENGE],
  ])("is refused: %s", async (_what, headers, challenge) => {
    expectUnauthorized(await send(inline, headers), challenge);
  });

  it("is refused when Authorization is sent twice, even if one of them is the right key", async () => {
    for (const order of [
      [INLINE_KEY, "wrong-key-0123456789abcdef"],
      ["wrong-key-0123456789abcdef", INLINE_KEY],
    ]) {
      const answer = await sendRawHttp(
        inline.baseUrl,
        `POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${order.map((key) => `Authorization: Bearer ${key}`).join("\r\n")}`,
        '{"message":"hi"}',
      );
      expectUnauthorized(answer, INVALID_CHALLENGE);
    }
  });

  it("is refused when the key has non-ASCII characters", async () => {
    for (const key of [`${INLINE_KEY}é`, `${INLINE_KEY.slice(0, 8)}ключ${INLINE_KEY.slice(8)}`]) {
      const encoded = Buffer.from(key, "utf8").toString("latin1");
      const answer = await sendRawHttp(
        inline.baseUrl,
        `POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${encoded}`,
        '{"message":"hi"}',
      );
      expectUnauthorized(answer, INVALID_CHALLENGE);
    }
  });

  it("never reaches the app when the key has CR or LF in it: Node's parser refuses the request with 400", async () => {
    for (const key of [`${INLINE_KEY}\rX`, `${INLINE_KEY}\r\n X`, `${INLINE_KEY.slice(0, 8)}\n${INLINE_KEY.slice(8)}`]) {
      const answer = await sendRawHttp(
        inline.baseUrl,
        `POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}`,
        "{}",
      );
      expect(answer.status, JSON.stringify(key)).toBe(400);
    }
    expect(inline.logs.some((line) => line.msg === "request finished" && line.status === 400)).toBe(false);
  });

  it("gets 401 before its Accept, media type or body is looked at", async () => {
    const headers = { accept: "image/png", "content-type": "text/plain" };
    const oversized = await postJson(`${inline.baseUrl}/api/v1/messages`, { message: "x".repeat(MAX_BODY_BYTES * 4) }, headers);
    expectUnauthorized(oversized, CHALLENGE);
    const resumed = await fetch(`${inline.baseUrl}/api/v1/messages/msg_unknown/events`, { headers: { accept: "image/png", "last-event-id": "x" } });
    expect(resumed.status).toBe(401);
    expect(resumed.headers.get("www-authenticate")).toBe(CHALLENGE);
    const stopped = await fetch(`${inline.baseUrl}/api/v1/messages/msg_unknown/stop`, { method: "POST", headers: bearer("nope-nope-nope-nope-nope") });
    expectUnauthorized({ status: stopped.status, headers: Object.fromEntries(stopped.headers), raw: await stopped.text() }, INVALID_CHALLENGE);
  });
});

describe("a request with the right key", () => {
  it.each([
    ["a plain key from API_KEYS", () => inline, INLINE_KEY],
    ["a key configured as its sha256 digest", () => inline, DIGEST_KEY],
    ["a key from API_KEYS_FILE", () => filed, FILE_KEY],
  ])("streams the reply: %s", async (_what, app, key) => {
    const result = await postForSse(`${app().baseUrl}/api/v1/messages`, { message: "hi" }, { headers: bearer(key) });
    expect(result.status).toBe(200);
    expect(payloads(result.events).at(-1)).toMatchObject({ event: "complete", data: { content: "Hello there" } });
  });

  it("is answered in JSON too, and 'bearer' is case-insensitive", async () => {
    const answer = await send(inline, { authorization: `bEaReR ${INLINE_KEY}` });
    expect(answer.status).toBe(200);
  });

  it("is logged under the key's fingerprint and name, never the key", async () => {
    const answer = await send(filed, { ...bearer(FILE_KEY), "x-request-id": "carol-1" });
    expect(answer.status).toBe(200);
    const finished = filed.logs.find((line) => line.requestId === "carol-1" && line.msg === "request finished");
    expect(finished).toMatchObject({ client: `key:${sha256(FILE_KEY).slice(0, 12)}`, clientName: "carol", status: 200 });
  });

  it("is refused by a server whose keys do not include it", async () => {
    expectUnauthorized(await send(filed, bearer(INLINE_KEY)), INVALID_CHALLENGE);
  });
});

describe("operations the spec leaves open", () => {
  it("answer without a key, and health says the server needs one", async () => {
    for (const path of ["/api/v1/health", "/livez", "/readyz"]) expect((await fetch(`${inline.baseUrl}${path}`)).status, path).toBe(200);
    expect(((await (await fetch(`${inline.baseUrl}/api/v1/health`)).json()) as Health).auth).toBe("api_keys");
    expect(((await (await fetch(`${open.baseUrl}/api/v1/health`)).json()) as Health).auth).toBe("none");
  });

  it("are all operations on a server without keys", async () => {
    expect((await send(open)).status).toBe(200);
  });
});

describe("the logs", () => {
  it("never contain a key, whatever was sent", async () => {
    // Every request above has been logged by now; one more of each kind, to be sure this file alone covers them.
    await send(inline, bearer(INLINE_KEY));
    await send(inline, bearer(`${INLINE_KEY}x`));
    const lines = [...inline.logs, ...filed.logs].map((line) => JSON.stringify(line));
    expect(lines.length).toBeGreaterThan(10);
    for (const key of KEYS) {
      const leaks = lines.filter((line) => line.includes(key) || line.includes(key.slice(4, -4)));
      expect(leaks, key).toEqual([]);
    }
  });
});

describe("guessing keys", () => {
  it("is cut off after AUTH_FAILURES_PER_MINUTE refused keys: 429 with Retry-After even for the right key, health still open", async () => {
    for (let attempt = 0; attempt < 3; attempt++) expect((await send(guarded, bearer(`guess-number-${attempt}-of-many`))).status).toBe(401);
    const blocked = await send(guarded, bearer(INLINE_KEY));
    expect(blocked.status).toBe(429);
    expect((blocked.body as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect((await fetch(`${guarded.baseUrl}/api/v1/health`)).status).toBe(200);
  });
});
