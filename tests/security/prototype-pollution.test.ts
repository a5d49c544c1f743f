import { describe, expect, it } from "vitest";
import type { TestApp } from "../../fixtures/start-test-app.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";

let app: TestApp;

// In this process, unlike the other attacks: only here can a test look at the server's Object.prototype.
useAppOnFakeUpstream({ script: { tokens: ["fine"] } }, (started) => ({ app } = started));

const POLLUTING_BODIES = [
  '{"message":"hi","__proto__":{"polluted":"yes"}}',
  '{"__proto__":{"polluted":"yes","message":"hi"}}',
  '{"message":"hi","constructor":{"prototype":{"polluted":"yes"}}}',
  '{"message":"hi","history":[{"role":"user","content":"x","__proto__":{"polluted":"yes"}}]}',
  '{"message":"hi","history":[{"__proto__":{"polluted":"yes"},"role":"user","content":"x"}]}',
  '{"message":"hi","conversationId":"c","prototype":{"polluted":"yes"}}',
  '{"message":"hi","__proto__":[],"constructor":null}',
  '{"message":"hi","message":"again","__proto__":{"__proto__":{"polluted":"yes"}}}',
];

describe("prototype pollution through request bodies", () => {
  it("leaves Object.prototype untouched in the server's process, for JSON and streamed requests alike", async () => {
    const keysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const body of POLLUTING_BODIES) {
      for (const accept of ["application/json", "text/event-stream"]) {
        const response = await fetch(`${app.baseUrl}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/json", accept }, body });
        expect(response.status, body).toBe(400);
        await response.text();
      }
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(keysBefore);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
