/** The LocalStorage key whose value `"1"` turns the stream debug log on: `localStorage["streaming-chat:debug"] = "1"`. */
export const DEBUG_SWITCH_KEY = "streaming-chat:debug";

/** Starts every line, so the console's filter box shows the chat's lines alone. */
export const DEBUG_PREFIX = "[streaming-chat]";

/**
 * The steps of a reply the log records. `start` (sent, loaded or followed), `named` (the server's message id),
 * `first reasoning`, `first token`, `resume` (reading again after the last event applied), `reconnect` (a read failed
 * and will be retried), `end` (with the outcome).
 */
export type StreamDebugStep = "start" | "named" | "first reasoning" | "first token" | "resume" | "reconnect" | "end";

/** What the log needs to know about a reply in progress (a `ReplyRun`). */
export interface DebuggedRun {
  readonly requestId: string;
  readonly reply: { readonly messageId?: string };
}

/** Records the steps of replies, when the switch is on. */
export interface StreamDebugLog {
  /**
   * One line for one step of `run`, with the time since its `start` in this page. `first reasoning` and `first token`
   * are recorded once per run, however often they are passed.
   */
  record(run: DebuggedRun, step: StreamDebugStep, detail?: string): void;
}

export interface StreamDebugLogOptions {
  /** Whether the switch is on now; asked at every step, so it can be flipped without a reload. */
  isOn: () => boolean;
  /** Writes a line (`console.debug` in the app, where browsers hide it unless "Verbose" is shown). */
  write: (line: string) => void;
  /** The clock (`performance.now` in the app). */
  now?: () => number;
}

/** Whether the switch is set in `getStorage()`; storage the browser refuses counts as off. */
export function isDebugSwitchOn(getStorage: () => Storage): boolean {
  try {
    return getStorage().getItem(DEBUG_SWITCH_KEY) === "1";
  } catch {
    return false;
  }
}

/**
 * A log of each reply's life for someone chasing a stream problem in a browser (the server's log has the same steps
 * under the same request id). Off by default: an app that writes to the console unasked buries the lines people
 * look for, and a reply's text never goes into it, only ids, steps and times.
 *
 * @example
 * const log = createStreamDebugLog({ isOn: () => isDebugSwitchOn(() => localStorage), write: (line) => console.debug(line) });
 * log.record(run, "first token"); // [streaming-chat] first token request=3f9c… message=msg_… +412 ms
 */
export function createStreamDebugLog({ isOn, write, now = () => performance.now() }: StreamDebugLogOptions): StreamDebugLog {
  // Per run, not rendered, and gone with the run.
  const startedAt = new WeakMap<DebuggedRun, number>();
  const recordedOnce = new WeakMap<DebuggedRun, Set<StreamDebugStep>>();

  return {
    record(run, step, detail) {
      if (step === "start") startedAt.set(run, now());
      if (step === "first reasoning" || step === "first token") {
        const seen = recordedOnce.get(run) ?? new Set<StreamDebugStep>();
        if (seen.has(step)) return;
        seen.add(step);
        recordedOnce.set(run, seen);
      }
      if (!isOn()) return;
      const elapsed = Math.round(now() - (startedAt.get(run) ?? now()));
      const parts = [DEBUG_PREFIX, step, `request=${run.requestId}`, `message=${run.reply.messageId ?? "-"}`, `+${elapsed} ms`];
      if (detail) parts.push(detail);
      write(parts.join(" "));
    },
  };
}
