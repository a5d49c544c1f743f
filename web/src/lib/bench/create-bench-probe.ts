import type { ChatMessage } from "../chat/chat-message.js";

/** What `npm run bench:ui` reads from the page (as `window.__chatBench`). */
export interface BenchProbeResults {
  /** For each token: milliseconds from its arrival in the UI to the end of the first frame that showed it. */
  arrivalToPaintMs: number[];
  /** Tokens on screen in the first frame rendered after they arrived: the honest form of "each token within a frame". */
  paintedInNextFrame: number;
  /** Tokens received but not yet seen on screen. */
  pending: number;
}

interface PendingToken {
  arrivedAt: number;
  /** Length of the reply's text once this token is in it. */
  length: number;
  messageId: string;
  /** Frames begun (animation frame callbacks run) before it arrived: the next frame is number `frame + 1`. */
  frame: number;
}

/**
 * Measures, in the page, how long each token takes from arrival to paint. A token counts as painted once the
 * reply's Markdown element reports (`data-rendered-length`) that its text includes it, checked in a task queued
 * from `requestAnimationFrame`, which runs after that frame has been rendered: so each figure is an upper bound.
 */
export function createBenchProbe(): { recordToken: (reply: ChatMessage) => void } {
  const pending: PendingToken[] = [];
  const results: BenchProbeResults = { arrivalToPaintMs: [], paintedInNextFrame: 0, pending: 0 };
  let watching = false;
  let frame = 0;

  // A read index instead of shift(), so settling is O(tokens settled), not O(tokens pending) each time.
  let settled = 0;

  /** Runs in a task queued from frame `renderedFrame`'s animation callback, so after that frame was rendered. */
  function settlePainted(renderedFrame: number): void {
    const now = performance.now();
    while (settled < pending.length) {
      const head = pending[settled]!;
      const element = document.querySelector(`[data-message-id="${head.messageId}"] [data-rendered-length]`);
      if (Number(element?.getAttribute("data-rendered-length") ?? -1) < head.length) break;
      results.arrivalToPaintMs.push(now - head.arrivedAt);
      if (renderedFrame === head.frame + 1) results.paintedInNextFrame += 1;
      settled += 1;
    }
    results.pending = pending.length - settled;
  }

  function onFrame(): void {
    frame += 1;
    setTimeout(settlePainted, 0, frame);
    requestAnimationFrame(onFrame);
  }

  (globalThis as { __chatBench?: BenchProbeResults }).__chatBench = results;
  return {
    recordToken(reply) {
      pending.push({ arrivedAt: performance.now(), length: reply.content.length, messageId: reply.id, frame });
      results.pending = pending.length - settled;
      if (!watching) {
        watching = true;
        requestAnimationFrame(onFrame);
      }
    },
  };
}
