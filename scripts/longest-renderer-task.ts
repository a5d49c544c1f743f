/** One event of a Chromium trace (Trace Event Format). */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * The longest task (ms) on a renderer's main thread (`CrRendererMain`) in a Chromium trace: what blocked the page
 * from painting or answering input the longest. Tasks are the scheduler's `RunTask` / `ThreadControllerImpl::RunTask`
 * slices; nested slices are inside them, so the top-level ones are the maxima.
 */
export function longestRendererTaskMs(trace: { traceEvents: TraceEvent[] }): number {
  const mainThreads = new Set(
    trace.traceEvents.filter((event) => event.ph === "M" && event.name === "thread_name" && event.args?.name === "CrRendererMain").map((event) => `${event.pid}:${event.tid}`),
  );
  let longestUs = 0;
  for (const event of trace.traceEvents) {
    if (event.ph !== "X" || (event.name !== "RunTask" && event.name !== "ThreadControllerImpl::RunTask")) continue;
    if (!mainThreads.has(`${event.pid}:${event.tid}`)) continue;
    longestUs = Math.max(longestUs, event.dur ?? 0);
  }
  return longestUs / 1000;
}
