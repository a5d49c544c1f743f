/**
 * Rendering benchmark (`npm run bench:ui`): a long Markdown reply streamed into the real UI in Chromium, through
 * the real server, from the fake upstream at a fixed pace. Reports, for every token, the time from its arrival in
 * the page to the end of the first frame that showed it (p50/p95/p99/max), and the longest main-thread task of the
 * page's renderer during the stream (from a Chromium trace), and the share of tokens on screen in the first frame
 * rendered after they arrived. Targets: longest task under 50 ms, 99 % in the next frame.
 *
 *   npm run bench:ui -- --tokens 20000 --rate 100
 *
 * A benchmark, not a test: it asserts nothing and prints its figures (`--json` for machine-readable output).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFakeOpenAiUpstream } from "../fixtures/fake-openai-upstream.js";
import { launchChromium } from "../fixtures/launch-chromium.js";
import { startTestApp, upstreamEnv } from "../fixtures/start-test-app.js";
import { ensureWebBuild, WEB_OUT_DIR } from "../scripts/build-web.js";
import { createMarkdownReply } from "./create-markdown-reply.js";
import { longestRendererTaskMs } from "./longest-renderer-task.js";
import { roundToTenth, summarise } from "./summarise-latencies.js";

const { values } = parseArgs({
  options: {
    tokens: { type: "string", default: "20000" },
    rate: { type: "string", default: "100" },
    json: { type: "boolean", default: false },
  },
});
const TOKENS = Number(values.tokens);
const RATE = Number(values.rate);

await ensureWebBuild();
const tokens = createMarkdownReply(TOKENS);
const upstream = await startFakeOpenAiUpstream({ tokens, delayMs: 1000 / RATE });
const app = await startTestApp(upstreamEnv(upstream.baseUrl, { UPSTREAM_IDLE_TIMEOUT_MS: "60000" }), { webRoot: WEB_OUT_DIR });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.goto(`${app.baseUrl}/?bench`);
  await page.getByRole("textbox", { name: "Message" }).fill("Write a long technical answer with code and tables.");
  const traceFile = process.env.BENCH_TRACE ?? join(mkdtempSync(join(tmpdir(), "bench-ui-")), "trace.json");
  // BENCH_TRACE_CATEGORIES=toplevel,devtools.timeline adds style, layout and paint slices to a kept trace.
  await browser.startTracing(page, { categories: (process.env.BENCH_TRACE_CATEGORIES ?? "toplevel").split(","), path: traceFile });
  const started = performance.now();
  await page.keyboard.press("Enter");
  await page.locator('[data-role="assistant"][data-state="complete"]').waitFor({ timeout: (TOKENS / RATE) * 1000 * 2 + 30_000 });
  // Let the last frames paint and be counted.
  await page.waitForTimeout(200);
  const seconds = (performance.now() - started) / 1000;
  // BENCH_TRACE=path keeps the Chromium trace (open it in Perfetto) to see what a long task did.
  await browser.stopTracing();
  const results = await page.evaluate(
    () => (globalThis as unknown as { __chatBench: { arrivalToPaintMs: number[]; paintedInNextFrame: number; pending: number } }).__chatBench,
  );
  const longestTaskMs = await longestRendererTaskMs(traceFile);
  if (!process.env.BENCH_TRACE) rmSync(traceFile, { force: true });
  const report = {
    tokens: TOKENS,
    ratePerSecond: RATE,
    replyCharacters: tokens.join("").length,
    streamSeconds: roundToTenth(seconds),
    tokensMeasured: results.arrivalToPaintMs.length,
    tokensNeverPainted: results.pending,
    arrivalToPaintMs: summarise(results.arrivalToPaintMs),
    paintedInNextFramePercent: roundToTenth((results.paintedInNextFrame / Math.max(1, results.arrivalToPaintMs.length)) * 100),
    longestMainThreadTaskMs: roundToTenth(longestTaskMs),
    // p95 arrival → paint cannot be read against one frame (16.7 ms): it is measured after the frame ends, so a token
    // that arrives just after a frame began is on screen in the next one and still counts 17 ms. The share is the target.
    targets: { longestTaskMs: 50, paintedInNextFramePercent: 99 },
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`${report.tokens} tokens (${report.replyCharacters} characters of Markdown) at ${RATE}/s, streamed in ${report.streamSeconds} s`);
    console.log(
      `arrival → paint: p50 ${report.arrivalToPaintMs.p50} ms, p95 ${report.arrivalToPaintMs.p95} ms, p99 ${report.arrivalToPaintMs.p99} ms, max ${report.arrivalToPaintMs.max} ms (${report.tokensMeasured} measured, ${report.tokensNeverPainted} never painted)`,
    );
    console.log(`painted in the first frame after arrival: ${report.paintedInNextFramePercent} % of tokens`);
    console.log(`longest main-thread task: ${report.longestMainThreadTaskMs} ms`);
    const met = (ok: boolean) => (ok ? "MET" : "NOT MET");
    console.log(
      `targets: longest task < 50 ms ${met(report.longestMainThreadTaskMs < 50)}; ` + `≥ 99 % in the next frame ${met(report.paintedInNextFramePercent >= 99)}`,
    );
  }
} finally {
  await browser.close();
  await app.close();
  await upstream.close();
}
