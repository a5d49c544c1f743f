import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForSse } from "../helpers/read-sse.js";
import { startServerProcess, stopServerProcess, until, type ServerProcess } from "../helpers/start-server-process.js";
import { exchangeRaw, headersOf, statusOf } from "./raw-http.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** In every hostile value, so that a log or an answer quoting it raw is found by a plain search. */
const MARK = "PWNED";

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ DEMO_TOKEN_DELAY_MS: "0", LOG_LEVEL: "debug" });
});

afterAll(() => stopServerProcess(server));

/** A raw GET with extra header lines as bytes, so nothing between the test and the server cleans them up. */
function rawGet(path: string, headerLines: Buffer[]): Promise<{ response: string; closed: boolean }> {
  const head = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: text/event-stream\r\n`, "latin1");
  return exchangeRaw(server.baseUrl, Buffer.concat([head, ...headerLines.map((line) => Buffer.concat([line, Buffer.from("\r\n")])), Buffer.from("\r\n")]));
}

const line = (text: string, encoding: BufferEncoding = "latin1") => Buffer.from(text, encoding);

/** The log lines about one request, found by the id the server answered with. */
const logsOf = (requestId: string) => server.logs.filter((entry) => entry.requestId === requestId);

describe("X-Request-Id with hostile values", () => {
  it.each([
    ["a CR LF and a header of its own", [line(`X-Request-Id: abc\r\nX-${MARK}: yes`)]],
    ["a bare LF and a header of its own", [line(`X-Request-Id: abc${MARK}\nX-${MARK}: yes`)]],
    ["a bare CR", [line(`X-Request-Id: abc\r${MARK}`)]],
    ["a NUL byte", [line(`X-Request-Id: abc\u0000${MARK}`)]],
    ["ANSI escapes", [line(`X-Request-Id: abc\u001b[31m${MARK}`)]],
  ])("never echoes or logs %s: Node refuses the request, or the id is only what came before the break", async (_case, lines) => {
    const { response } = await rawGet("/livez", lines);
    const status = statusOf(response);
    expect([200, 400], response).toContain(status);
    expect(headersOf(response).has(`x-${MARK.toLowerCase()}`)).toBe(false);
    expect(headersOf(response).get("x-request-id") ?? "").not.toContain(MARK);
    expect(response.split("\r\n\r\n", 1)[0]).not.toContain(MARK);
  });

  it.each([
    ["129 characters", [line(`X-Request-Id: ${MARK}${"a".repeat(124)}`)]],
    ["8 KiB", [line(`X-Request-Id: ${MARK}${"a".repeat(8192)}`)]],
    ["UTF-8 text", [line(`X-Request-Id: ${MARK}-é-✓-\u2028`, "utf8")]],
    ["Latin-1 bytes", [Buffer.concat([line(`X-Request-Id: ${MARK}`), Buffer.from([0xe9, 0xff, 0x80])])]],
    ["a tab and spaces", [line(`X-Request-Id: ${MARK}\tx y`)]],
    ["two of them", [line(`X-Request-Id: ${MARK}-1`), line(`X-Request-Id: ${MARK}-2`)]],
    ["JSON of its own", [line(`X-Request-Id: ${MARK}","level":60,"msg":"forged`)]],
  ])("replaces an id of %s with a new one, and logs only the new one", async (_case, lines) => {
    const { response } = await rawGet("/api/v1/health", lines);
    expect(statusOf(response)).toBe(200);
    const requestId = headersOf(response).get("x-request-id") ?? "";
    expect(requestId).toMatch(UUID);
    expect(response).not.toContain(MARK);
    await until(
      () => logsOf(requestId).length > 0,
      10_000,
      () => `the log line of ${requestId}`,
    );
    expect(JSON.stringify(logsOf(requestId))).not.toContain(MARK);
  });

  it("keeps a valid id from the client, and the logs have no line forged by any of the above", async () => {
    const { response } = await rawGet("/api/v1/health", [line("X-Request-Id: client-id_1.2:3")]);
    expect(headersOf(response).get("x-request-id")).toBe("client-id_1.2:3");
    expect(server.output()).not.toContain(MARK);
    expect(server.logs.some((entry) => entry.msg === "forged")).toBe(false);
  });
});

describe("Last-Event-ID (resuming a reply) with hostile values", () => {
  let messageId: string;

  beforeAll(async () => {
    const reply = await postForSse(`${server.baseUrl}/api/v1/messages`, { message: "hi", resumable: true }, { headers: { accept: "text/event-stream" } });
    expect(reply.events.at(-1)?.event).toBe("complete");
    messageId = String(reply.headers["x-message-id"]);
  });

  it.each([
    ["negative", "-1"],
    ["a float", "1.5"],
    ["an exponent", "1e3"],
    ["hex", "0x10"],
    ["16 digits, past what the contract allows", "9999999999999999"],
    ["a number and more", `1; ${MARK}`],
    ["two of them, joined by Node", "1, 2"],
    ["8 KiB", `${MARK}${"9".repeat(8192)}`],
    ["Latin-1 bytes", `${MARK}\u00e9\u00ff`],
  ])("answers 400 invalid_request to %s, quoting at most 40 plain characters of it", async (_case, value) => {
    const { response } = await rawGet(`/api/v1/messages/${messageId}/events`, [line(`Last-Event-ID: ${value}`)]);
    expect(statusOf(response), response.slice(0, 300)).toBe(400);
    expect(headersOf(response).get("content-type")).toBe("application/json; charset=utf-8");
    const body = JSON.parse(Buffer.from(response.slice(response.indexOf("\r\n\r\n") + 4), "latin1").toString("utf8")) as {
      error: { code: string; message: string; details: unknown };
    };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details).toEqual([{ path: "/header/Last-Event-ID", message: "must be a whole number" }]);
    expect(body.error.message).toMatch(/^Last-Event-ID must be a whole number, got "[\x20-\x7e…]{0,41}"\.$/);
  });

  it("quotes a query lastEventId or a message id holding CR, LF or escapes only as plain characters", async () => {
    const viaQuery = await fetch(`${server.baseUrl}/api/v1/messages/${messageId}/events?lastEventId=1%0D%0AX-${MARK}:%20yes%1B[31m`, {
      headers: { accept: "text/event-stream" },
    });
    expect(viaQuery.status).toBe(400);
    expect(((await viaQuery.json()) as { error: { message: string } }).error.message).toMatch(/^[\x20-\x7e…]+$/);
    const unknownId = await fetch(`${server.baseUrl}/api/v1/messages/msg%0D%0A${MARK}%1B[2J/events`, { headers: { accept: "text/event-stream" } });
    expect(unknownId.status).toBe(404);
    expect(((await unknownId.json()) as { error: { message: string } }).error.message).toMatch(/^[\x20-\x7e…]+$/);
  });

  it("answers 404 not_found, not a 500, to a message id that is not percent-encoded UTF-8", async () => {
    for (const id of ["%C0%AF", "%ZZ", "%", "msg_%FF", "%ED%A0%80"]) {
      for (const [method, tail] of [
        ["GET", "events"],
        ["POST", "stop"],
      ] as const) {
        const answer = await fetch(`${server.baseUrl}/api/v1/messages/${id}/${tail}`, { method, headers: { accept: "text/event-stream" } });
        expect(answer.status, `${method} ${id}/${tail}`).toBe(404);
        expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("not_found");
      }
    }
    expect(server.logs.filter((entry) => entry.msg === "unhandled error")).toEqual([]);
  });

  it("resumes from a valid id, however large, and answers 204 past the last event", async () => {
    const past = await fetch(`${server.baseUrl}/api/v1/messages/${messageId}/events`, {
      headers: { accept: "text/event-stream", "last-event-id": "999999999999999" },
    });
    expect(past.status).toBe(204);
    const all = await fetch(`${server.baseUrl}/api/v1/messages/${messageId}/events`, { headers: { accept: "text/event-stream", "last-event-id": " 0 " } });
    expect(all.status).toBe(200);
    expect(await all.text()).toContain("event: complete");
    expect(server.child.exitCode).toBeNull();
  });
});
