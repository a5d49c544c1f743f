import { createServer, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSseWriter, type SseWriter } from "../../server/sse/create-sse-writer.js";

/** A real server whose single handler hands the response to the test, and a client that records the raw bytes. */
async function withSseResponse(drive: (writer: SseWriter, res: ServerResponse) => Promise<void>, heartbeatMs = 60_000) {
  let server: Server | undefined;
  const raw = await new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    server = createServer((_req, res) => {
      const writer = createSseWriter(res, { heartbeatMs, stallTimeoutMs: 60_000 });
      drive(writer, res).then(() => writer.end(), reject);
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server!.address() as AddressInfo;
      request({ port, host: "127.0.0.1", method: "GET" }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      })
        .on("error", reject)
        .end();
    });
  });
  cleanups.push(() => new Promise<void>((resolve) => server!.close(() => resolve())));
  return raw;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe("createSseWriter", () => {
  it("writes the anti-buffering headers and exactly these frames, with ids counting up from 1", async () => {
    const { headers, body } = await withSseResponse(async (writer) => {
      await writer.send("token", { content: "Hel" });
      await writer.send("token", { content: "lo" });
      await writer.send("complete", {
        messageId: "msg_1",
        content: "Hello",
        finishReason: "stop",
        model: { provider: "demo", name: "demo-echo", demo: true },
      });
    });
    expect(headers).toMatchObject({
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    expect(body).toMatchInlineSnapshot(`
      "event: token
      id: 1
      data: {"content":"Hel"}

      event: token
      id: 2
      data: {"content":"lo"}

      event: complete
      id: 3
      data: {"messageId":"msg_1","content":"Hello","finishReason":"stop","model":{"provider":"demo","name":"demo-echo","demo":true}}

      "
    `);
  });

  it("writes an error frame carrying the partial content", async () => {
    const { body } = await withSseResponse(async (writer) => {
      await writer.send("token", { content: "par" });
      await writer.send("error", { code: "upstream_unavailable", message: "gone", retryable: true, partialContent: "par" });
    });
    expect(body).toMatchInlineSnapshot(`
      "event: token
      id: 1
      data: {"content":"par"}

      event: error
      id: 2
      data: {"code":"upstream_unavailable","message":"gone","retryable":true,"partialContent":"par"}

      "
    `);
  });

  it("sends heartbeat comments while nothing else is written", async () => {
    const { body } = await withSseResponse(async () => {
      await new Promise((resolve) => setTimeout(resolve, 130));
    }, 40);
    expect(body.match(/^: heartbeat\n\n/gm)?.length).toBeGreaterThanOrEqual(2);
  });

  it("drops sends after end and tolerates ending twice", async () => {
    const { body } = await withSseResponse(async (writer) => {
      await writer.send("token", { content: "a" });
      writer.end();
      writer.end();
      expect(writer.closed).toBe(true);
      await writer.send("token", { content: "b" });
    });
    expect(body).toBe('event: token\nid: 1\ndata: {"content":"a"}\n\n');
  });
});
