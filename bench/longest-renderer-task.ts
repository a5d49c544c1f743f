import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** The fields of a Chromium trace event (Trace Event Format) that matter here. */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/** One line of the trace as an event; null for the lines around the event list (`{"traceEvents":[`, metadata). */
function parseEventLine(line: string): TraceEvent | null {
  if (!line.startsWith('{"') || line.startsWith('{"traceEvents"')) return null;
  // Events end in "," except the last, which closes the list: `…}],"metadata":{…`.
  const listEnd = line.indexOf('}],"metadata"');
  const text = listEnd >= 0 ? line.slice(0, listEnd + 1) : line.replace(/,\s*$/, "");
  try {
    return JSON.parse(text) as TraceEvent;
  } catch {
    return null;
  }
}

/**
 * The longest task (ms) on a renderer's main thread (`CrRendererMain`) in a Chromium trace file: what blocked the
 * page from painting or answering input the longest. Tasks are the scheduler's `ThreadControllerImpl::RunTask`
 * slices (category `toplevel`). The file is read line by line (Chromium writes one event per line), because a
 * trace of a few minutes is hundreds of megabytes: too big for one string.
 */
export async function longestRendererTaskMs(traceFile: string): Promise<number> {
  const mainThreads = new Set<string>();
  const longestByThread = new Map<string, number>();
  const lines = createInterface({ input: createReadStream(traceFile, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    const event = parseEventLine(line);
    if (!event) continue;
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph === "M" && event.name === "thread_name" && event.args?.name === "CrRendererMain") mainThreads.add(thread);
    if (event.ph === "X" && (event.name === "ThreadControllerImpl::RunTask" || event.name === "RunTask")) {
      longestByThread.set(thread, Math.max(longestByThread.get(thread) ?? 0, event.dur ?? 0));
    }
  }
  let longestUs = 0;
  for (const thread of mainThreads) longestUs = Math.max(longestUs, longestByThread.get(thread) ?? 0);
  return longestUs / 1000;
}
