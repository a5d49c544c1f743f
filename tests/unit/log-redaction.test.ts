import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { listSecrets, loadConfig } from "../../server/config.js";
import { createLogger, REDACTED } from "../../server/logger.js";

function captureLogs(secrets: string[]): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, logger: createLogger("info", sink, { secrets }) };
}

describe("secrets in log lines", () => {
  it("replaces a secret wherever it appears in a line: message, fields, an error's message, stack and nested body", () => {
    const key = "sk-live-0123456789abcdef";
    const { lines, logger } = captureLogs([key]);
    const providerError = Object.assign(new Error(`401 Incorrect API key provided: ${key}.`), { error: { message: `key ${key} is wrong` } });
    logger.warn({ err: providerError, header: `Bearer ${key}` }, `calling with ${key}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(key);
    const line = JSON.parse(lines[0]!) as { msg: string; header: string; err: { message: string; stack: string; error: { message: string } } };
    expect(line.msg).toBe(`calling with ${REDACTED}`);
    expect(line.header).toBe(`Bearer ${REDACTED}`);
    expect(line.err.message).toBe(`401 Incorrect API key provided: ${REDACTED}.`);
    expect(line.err.stack).toContain(REDACTED);
    expect(line.err.error.message).toBe(`key ${REDACTED} is wrong`);
  });

  it("finds a secret holding quotes or backslashes as JSON escapes it, and leaves short values alone", () => {
    const odd = 'pa"ss\\word-42';
    const { lines, logger } = captureLogs([odd, "short"]);
    logger.info({ value: odd }, "short and sweet");
    expect(lines[0]).not.toContain(JSON.stringify(odd).slice(1, -1));
    expect(JSON.parse(lines[0]!)).toMatchObject({ value: REDACTED, msg: "short and sweet" });
  });

  it("knows the provider key and Redis's password as secrets, and not the placeholder key of a keyless server", () => {
    expect(listSecrets(loadConfig({ OPENAI_API_KEY: "sk-test-123456789", REDIS_URL: "redis://:p%40ss-word-1@cache:6379" }))).toEqual([
      "sk-test-123456789",
      "p%40ss-word-1",
      "p@ss-word-1",
    ]);
    expect(listSecrets(loadConfig({ OPENAI_BASE_URL: "http://localhost:11434/v1" }))).toEqual([]);
    // Provider packages read their own keys; any *_API_KEY, and a key given in CHAT_MODEL_OPTIONS, is redacted too.
    expect(
      listSecrets(
        loadConfig({
          CHAT_MODEL: "anthropic:claude-sonnet-4-5",
          ANTHROPIC_API_KEY: "sk-ant-123456789",
          GOOGLE_API_KEY: "AIza-123456789",
          CHAT_MODEL_OPTIONS: '{"apiKey":"sk-inline-123456789","thinking":{"type":"enabled","budget_tokens":1024}}',
        }),
      ).sort(),
    ).toEqual(["AIza-123456789", "sk-ant-123456789", "sk-inline-123456789"]);
    expect(listSecrets(loadConfig({}))).toEqual([]);
  });
});
