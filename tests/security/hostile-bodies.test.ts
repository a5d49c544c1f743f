import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAiUpstream, type FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { upstreamEnv } from "../../fixtures/start-test-app.js";
import { expectContractError } from "../helpers/expect-contract.js";
import { startServerProcess, stopServerProcess, type ServerProcess } from "../helpers/start-server-process.js";

/** The server's default, which these attacks are sized against. */
const MAX_BODY_BYTES = 1_048_576;
const MiB = 1_048_576;

let upstream: FakeOpenAiUpstream;
let server: ServerProcess;

beforeAll(async () => {
  upstream = await startFakeOpenAiUpstream({ tokens: ["fine"] });
  server = await startServerProcess(upstreamEnv(upstream.baseUrl, { UPSTREAM_MAX_RETRIES: "0" }));
});

afterAll(async () => {
  stopServerProcess(server);
  await upstream?.close();
});

let upstreamRequestsBefore = 0;
beforeEach(() => {
  upstream.reset();
  upstreamRequestsBefore = upstream.requests.length;
});

/** Whether the model was asked anything since the test began: a refused body must cost nothing upstream. */
const upstreamRequestsSince = () => upstream.requests.length - upstreamRequestsBefore;

interface Answer {
  status: number;
  headers: Headers;
  raw: string;
}

async function post(body: string | Uint8Array, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Answer> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body);
  const response = await fetch(`${server.baseUrl}/api/v1/messages`, { method: "POST", headers, body: bytes, signal: AbortSignal.timeout(20_000) });
  return { status: response.status, headers: response.headers, raw: await response.text() };
}

/** What the model was asked last: the content of the last message the fake upstream received. */
function lastPromptSent(): string {
  const messages = upstream.requests.at(-1)?.body.messages as { content: string }[] | undefined;
  return messages?.at(-1)?.content ?? "(no request reached the upstream)";
}

function expectReply(answer: Answer): void {
  expect(answer.status, answer.raw.slice(0, 300)).toBe(200);
  expect((JSON.parse(answer.raw) as { message: { content: string } }).message.content).toBe("fine");
}

describe("hostile JSON bodies, against the real server process", () => {
  it("answers 400, not a crash or a 5xx, to nesting half a million levels deep, at the top and inside a field", async () => {
    const depth = 500_000;
    const inField = expectContractError(await post(`{"message":"hi","history":${"[".repeat(depth)}${"]".repeat(depth)}}`), 400, "invalid_request");
    expect(inField.details?.[0]?.path).toMatch(/^\/history\/0/);
    expectContractError(await post(`${"[".repeat(depth)}${"]".repeat(depth)}`), 400, "invalid_request");
    expectContractError(await post(`${'{"a":'.repeat(depth / 5)}1${"}".repeat(depth / 5)}`), 400, "invalid_request");
    expect(upstreamRequestsSince()).toBe(0);
  });

  it("refuses __proto__, constructor and prototype keys as the unknown fields they are, and is not fooled by a prototype", async () => {
    // If the parsed body's prototype were replaced, `message` would be found on it and the request would pass.
    const viaProto = expectContractError(await post('{"__proto__":{"message":"from the prototype"}}'), 400, "invalid_request");
    expect(viaProto.details).toEqual(expect.arrayContaining([{ path: "/message", message: "is required" }]));
    expect(viaProto.details).toEqual(expect.arrayContaining([{ path: "/__proto__", message: "is not an allowed property" }]));
    const nested = expectContractError(
      await post('{"message":"hi","history":[{"role":"user","content":"x","__proto__":{"role":"system"}}]}'),
      400,
      "invalid_request",
    );
    expect(nested.details).toEqual([{ path: "/history/0/__proto__", message: "is not an allowed property" }]);
    const constructor = expectContractError(await post('{"message":"hi","constructor":{"prototype":{"polluted":true}}}'), 400, "invalid_request");
    expect(constructor.details).toEqual([{ path: "/constructor", message: "is not an allowed property" }]);
    expect(upstreamRequestsSince()).toBe(0);
    // Nothing leaked into the next request's validation: an empty object still lacks its message.
    expect(expectContractError(await post("{}"), 400, "invalid_request").details).toEqual([{ path: "/message", message: "is required" }]);
  });

  it("takes the last of duplicate keys, as JSON.parse does, and sends the model only that one", async () => {
    expectReply(await post('{"message":"first","message":"second"}'));
    expect(lastPromptSent()).toBe("second");
  });

  it.each([
    ["a byte that is never UTF-8", [0xff]],
    ["an overlong encoding of '/'", [0xc0, 0xaf]],
    ["a surrogate encoded as UTF-8 (CESU-8)", [0xed, 0xa0, 0x80]],
    ["a sequence cut short", [0xe2, 0x82]],
    ["Latin-1 text", [0x63, 0x61, 0x66, 0xe9]],
  ])("answers 400 malformed_json to %s inside a string, rather than guessing what the client meant", async (_case, bytes) => {
    const body = Buffer.concat([Buffer.from('{"message":"'), Buffer.from(bytes), Buffer.from('"}')]);
    const error = expectContractError(await post(body), 400, "malformed_json");
    expect(error.message).toBe("The request body is not valid UTF-8.");
    expect(upstreamRequestsSince()).toBe(0);
  });

  it("replaces half a surrogate pair with U+FFFD, so the model never gets text that is not Unicode", async () => {
    expectReply(await post(String.raw`{"message":"cut \ud83d","history":[{"role":"user","content":"\ude00 and \ud83d\ude00"}]}`));
    const messages = upstream.requests.at(-1)!.body.messages as { content: string }[];
    expect(messages.map((message) => message.content)).toEqual(["\uFFFD and \u{1F600}", "cut \uFFFD"]);
  });

  it("refuses a 1 MiB string of combining marks as too long, briefly, and takes a history of them that is within the limits", async () => {
    const marks = (count: number) => "\u0301".repeat(count);
    const tooLong = await post(JSON.stringify({ message: `a${marks(500_000)}` }));
    const error = expectContractError(tooLong, 400, "invalid_request");
    expect(error.details).toEqual([{ path: "/message", message: "must NOT have more than 32000 characters" }]);
    expect(tooLong.raw.length, "the error does not echo the text").toBeLessThan(1_000);

    const history = Array.from({ length: 15 }, () => ({ role: "user", content: `a${marks(31_999)}` }));
    const body = JSON.stringify({ message: "zalgo", history });
    expect(Buffer.byteLength(body)).toBeGreaterThan(0.9 * MiB);
    expectReply(await post(body));
    const sent = upstream.requests.at(-1)!.body.messages as { content: string }[];
    expect(sent[0]!.content).toBe(history[0]!.content);
  });

  it.each([
    ["text/plain", { "content-type": "text/plain" }, /text\/plain/],
    ["no Content-Type", {} as Record<string, string>, /none/],
    ["application/x-www-form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }, /urlencoded/],
    ["charset=utf-16", { "content-type": "application/json; charset=utf-16" }, /utf-16/],
    ["charset=utf-7", { "content-type": "application/json; charset=utf-7" }, /utf-7/],
    ["charset=latin1", { "content-type": "application/json;charset=latin1" }, /latin1/],
    ["two charsets, the first not UTF-8", { "content-type": "application/json; charset=utf-16le; charset=utf-8" }, /utf-16le/],
  ])("answers 415 to a body sent with %s", async (_case, headers, mentioned) => {
    const error = expectContractError(await post('{"message":"hi"}', headers), 415, "unsupported_media_type");
    expect(error.message).toMatch(mentioned);
  });

  it("takes charset=utf-8 however it is spelled", async () => {
    for (const contentType of ["application/json; charset=utf-8", "application/json;charset=UTF-8", 'application/json; charset="utf-8"', "APPLICATION/JSON"]) {
      expectReply(await post('{"message":"hi"}', { "content-type": contentType }));
    }
  });

  it("does not smuggle UTF-7: a body in UTF-7 declared as such is refused, and as UTF-8 it is just text", async () => {
    const utf7 = '{"message":"hi+ACIAfQ-"}';
    expectContractError(await post(utf7, { "content-type": "application/json; charset=utf-7" }), 415, "unsupported_media_type");
    expectReply(await post(utf7));
    expect(lastPromptSent()).toBe("hi+ACIAfQ-");
  });

  it("answers a million keys with 400 and the first 100 problems, not a 5 MB list", async () => {
    let body = '{"message":"hi"';
    for (let index = 0; body.length < MAX_BODY_BYTES - 20; index++) body += `,"k${index}":0`;
    body += "}";
    const answer = await post(body);
    const error = expectContractError(answer, 400, "invalid_request");
    expect(error.details).toHaveLength(100);
    expect(error.message).toMatch(/\(and \d{5,} more\)$/);
    expect(answer.raw.length).toBeLessThan(20_000);
  });

  it("cuts a key as long as the body short in the message", async () => {
    const key = "k".repeat(500_000);
    const answer = await post(`{"message":"hi","${key}":1}`);
    const error = expectContractError(answer, 400, "invalid_request");
    expect(error.message.length).toBeLessThan(300);
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ])("reads a %s body, and stops inflating a bomb at MAX_BODY_BYTES with 413", async (encoding, compress) => {
    expectReply(await post(compress(Buffer.from('{"message":"zipped"}')), { "content-type": "application/json", "content-encoding": encoding }));
    expect(lastPromptSent()).toBe("zipped");
    // 64 MiB of spaces (valid JSON whitespace) in about 64 KiB: only the first MiB is ever inflated.
    const bomb = compress(Buffer.concat([Buffer.alloc(64 * MiB, 0x20), Buffer.from('{"message":"boom"}')]));
    expect(bomb.byteLength).toBeLessThan(MiB / 4);
    const error = expectContractError(await post(bomb, { "content-type": "application/json", "content-encoding": encoding }), 413, "payload_too_large");
    expect(error.message).toContain(String(MAX_BODY_BYTES));
  });

  it("refuses encodings it cannot undo, stacked encodings, and a gzip body that does not inflate, each with a 4xx", async () => {
    const json = Buffer.from('{"message":"hi"}');
    expectContractError(await post(json, { "content-type": "application/json", "content-encoding": "compress" }), 415, "unsupported_media_type");
    expectContractError(
      await post(gzipSync(gzipSync(json)), { "content-type": "application/json", "content-encoding": "gzip, gzip" }),
      415,
      "unsupported_media_type",
    );
    expectContractError(await post(Buffer.from("not gzip at all"), { "content-type": "application/json", "content-encoding": "gzip" }), 400, "invalid_request");
    expectContractError(await post(gzipSync(json).subarray(0, 12), { "content-type": "application/json", "content-encoding": "gzip" }), 400, "invalid_request");
  });

  it("answers 413 to a body past MAX_BODY_BYTES, and is still healthy after every attack above", async () => {
    expectContractError(await post(JSON.stringify({ message: "a".repeat(2 * MAX_BODY_BYTES) })), 413, "payload_too_large");
    const health = await fetch(`${server.baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(server.logs.filter((line) => typeof line.level === "number" && line.level >= 50)).toEqual([]);
  });
});
