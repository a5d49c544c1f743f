/**
 * `/metrics` and METRICS_TOKEN: its own Bearer token (an API key does not open it), required whenever it is set,
 * closed on a server with keys but no token, and open, as before, on a server with neither.
 */
import { describe, expect, it } from "vitest";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

const API_KEY = "client-key-0123456789abcdef";
const METRICS_TOKEN = "scraper-token-fedcba9876543210";

let keysAndToken: TestApp;
let keysOnly: TestApp;
let tokenOnly: TestApp;
let open: TestApp;
useAppOnFakeUpstream(
  {
    apps: {
      // Refused tokens are failed authentications too: these tests make more than the brute-force limit allows.
      keysAndToken: { API_KEYS: API_KEY, METRICS_TOKEN, AUTH_FAILURES_PER_MINUTE: "0" },
      keysOnly: { API_KEYS: API_KEY, AUTH_FAILURES_PER_MINUTE: "0" },
      tokenOnly: { METRICS_TOKEN, AUTH_FAILURES_PER_MINUTE: "0" },
      open: {},
    },
  },
  (started) => ({ keysAndToken, keysOnly, tokenOnly, open } = started.apps),
);

async function scrape(app: TestApp, token?: string) {
  const response = await fetch(`${app.baseUrl}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, raw: await response.text() };
}

function expectRefused(answer: Awaited<ReturnType<typeof scrape>>, challenge: string): void {
  const error = expectContractError(answer, 401, "unauthorized");
  expect(error.message).toContain("Authorization: Bearer <token>");
  expect(answer.headers.get("www-authenticate")).toBe(challenge);
}

const CHALLENGE = 'Bearer realm="streaming-chat"';
const INVALID = 'Bearer realm="streaming-chat", error="invalid_token"';

describe("/metrics with METRICS_TOKEN", () => {
  it("answers the token, and refuses no token, a wrong one and an API key", async () => {
    const scraped = await scrape(keysAndToken, METRICS_TOKEN);
    expect(scraped.status).toBe(200);
    expect(scraped.raw).toContain("chat_streams_active");
    expectRefused(await scrape(keysAndToken), CHALLENGE);
    expectRefused(await scrape(keysAndToken, `${METRICS_TOKEN}0`), INVALID);
    expectRefused(await scrape(keysAndToken, API_KEY), INVALID);
  });

  it("is required on a server without API keys too", async () => {
    expect((await scrape(tokenOnly, METRICS_TOKEN)).status).toBe(200);
    expectRefused(await scrape(tokenOnly), CHALLENGE);
  });

  it("is not an API key", async () => {
    const answer = await fetch(`${keysAndToken.baseUrl}/api/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${METRICS_TOKEN}` },
      body: '{"message":"hi"}',
    });
    expect(answer.status).toBe(401);
  });
});

describe("/metrics without METRICS_TOKEN", () => {
  it("is closed to everyone on a server with API keys", async () => {
    expectRefused(await scrape(keysOnly), CHALLENGE);
    expectRefused(await scrape(keysOnly, API_KEY), INVALID);
  });

  it("is open on a server without API keys, as before", async () => {
    expect((await scrape(open)).status).toBe(200);
  });
});
