import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createSseWriter } from "../../server/sse/create-sse-writer.js";

let server: Server | undefined;
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("createSseWriter backpressure", () => {
  it("waits for a slow reader instead of buffering the whole reply in memory", async () => {
    const FRAMES = 1500;
    const content = "x".repeat(16 * 1024);
    let maxBuffered = 0;
    let highWaterMark = 0;
    let sentWhilePaused = 0;
    let paused = true;

    const received = await new Promise<number>((resolve, reject) => {
      server = createServer((_req, res) => {
        const writer = createSseWriter(res, { heartbeatMs: 60_000, stallTimeoutMs: 60_000 });
        highWaterMark = res.writableHighWaterMark;
        void (async () => {
          for (let index = 0; index < FRAMES; index++) {
            await writer.send("token", { content });
            if (paused) sentWhilePaused += 1;
            maxBuffered = Math.max(maxBuffered, res.writableLength);
          }
          writer.end();
        })().catch(reject);
      });
      server.listen(0, "127.0.0.1", () => {
        const { port } = server!.address() as AddressInfo;
        request({ port, host: "127.0.0.1" }, (res) => {
          let bytes = 0;
          res.pause();
          setTimeout(() => {
            paused = false;
            res.resume();
          }, 300);
          res.on("data", (chunk: Buffer) => (bytes += chunk.length));
          res.on("end", () => resolve(bytes));
        })
          .on("error", reject)
          .end();
      });
    });

    // 1500 frames of 16 KiB is 24 MiB; while the client was paused only what fits in the kernel socket buffers
    // (a few MiB on loopback) was written, and the process itself never held more than the stream's high-water mark
    // (16 KiB on Node 20, 64 KiB from Node 22) plus the one frame that crossed it.
    expect(sentWhilePaused).toBeLessThan(FRAMES / 2);
    expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + 2 * (content.length + 64));
    expect(received).toBeGreaterThan(FRAMES * content.length);
  });
});
