import type { ChatMessage } from "../chat/chat-message.js";

/** What `npm run bench:ui` reads from the page (as `window.__chatBench`). */
export interface BenchProbeResults {
  /** For each token: milliseconds from its arrival in the UI to the end of the first frame that showed it. */
  arrivalToPaintMs: number[];
  /** Tokens received but not yet seen on screen. */
  pending: number;
}

interface PendingToken {
  arrivedAt: number;
  /** Length of the reply's text once this token is in it. */
  length: number;
  messageId: string;
}

/**
 * Measures, in the page, how long each token takes from arrival to paint. A token counts as painted once the
 * reply's Markdown element reports (`data-rendered-length`) that its text includes it, checked in a task queued
 * from `requestAnimationFrame`, which runs after that frame has been rendered: so each figure is an upper bound.
 */
export function createBenchProbe(): { recordToken: (reply: ChatMessage) => void } {
  const pending: PendingToken[] = [];
  const results: BenchProbeResults = { arrivalToPaintMs: [], pending: 0 };
  let watching = false;

  // A read index instead of shift(), so settling is O(tokens settled), not O(tokens pending) each time.
  let settled = 0;

  function settlePainted(): void {
    const now = performance.now();
    while (settled < pending.length) {
      const head = pending[settled]!;
      const element = document.querySelector(`[data-message-id="${head.messageId}"] [data-rendered-length]`);
      if (Number(element?.getAttribute("data-rendered-length") ?? -1) < head.length) break;
      results.arrivalToPaintMs.push(now - head.arrivedAt);
      settled += 1;
    }
    results.pending = pending.length - settled;
  }

  function onFrame(): void {
    setTimeout(settlePainted, 0);
    requestAnimationFrame(onFrame);
  }

  (globalThis as { __chatBench?: BenchProbeResults }).__chatBench = results;
  return {
    recordToken(reply) {
      pending.push({ arrivedAt: performance.now(), length: reply.content.length, messageId: reply.id });
      results.pending = pending.length - settled;
      if (!watching) {
        watching = true;
        requestAnimationFrame(onFrame);
      }
    },
  };
}
