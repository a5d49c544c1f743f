/**
 * The stream debug log on its own: silent unless the switch is exactly "1", looked up at every step, one line a step
 * with the request id, message id and time since the reply started, and the first thought and first token once.
 */
import { describe, expect, it } from "vitest";
import { createStreamDebugLog, DEBUG_PREFIX, DEBUG_SWITCH_KEY, isDebugSwitchOn, type DebuggedRun } from "../../web/src/lib/debug/stream-debug-log.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";

/** A log whose switch and clock the test holds, and the lines it wrote. */
function recordLog(on = true) {
  const state = { on, at: 1000 };
  const lines: string[] = [];
  const log = createStreamDebugLog({ isOn: () => state.on, write: (line) => lines.push(line), now: () => state.at });
  return { log, lines, state };
}

const run = (requestId: string): DebuggedRun & { reply: { messageId?: string } } => ({ requestId, reply: {} });

describe("the switch", () => {
  it.each([
    ["1", true],
    ["0", false],
    ["true", false],
    ["", false],
  ])("%j in streaming-chat:debug is on: %s", (value, on) => {
    const storage = createMemoryStorage();
    storage.setItem(DEBUG_SWITCH_KEY, value);
    expect(isDebugSwitchOn(() => storage)).toBe(on);
  });

  it("is off when unset, and when the browser blocks storage", () => {
    expect(isDebugSwitchOn(() => createMemoryStorage())).toBe(false);
    expect(isDebugSwitchOn(() => createMemoryStorage({ blocked: true }))).toBe(false);
    expect(
      isDebugSwitchOn(() => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      }),
    ).toBe(false);
  });
});

describe("the log", () => {
  it("writes nothing while off, whatever happens", () => {
    const { log, lines } = recordLog(false);
    const reply = run("req-1");
    for (const step of ["start", "named", "first reasoning", "first token", "resume", "reconnect", "end"] as const) log.record(reply, step, "detail");
    expect(lines).toEqual([]);
  });

  it("writes one line a step: the step, request id, message id once named, time since start, and the detail", () => {
    const { log, lines, state } = recordLog();
    const reply = run("req-1");
    log.record(reply, "start", "origin=sent");
    state.at += 40;
    reply.reply.messageId = "msg_1";
    log.record(reply, "named");
    state.at += 260;
    log.record(reply, "first reasoning");
    state.at += 1700;
    log.record(reply, "first token");
    state.at += 15;
    log.record(reply, "reconnect", "attempt=1 wait=500 ms reason=stream_interrupted");
    state.at += 500;
    log.record(reply, "resume", "after=41");
    state.at += 985;
    log.record(reply, "end", "outcome=complete");

    // One prefix on every line, for the console's filter box.
    expect(DEBUG_PREFIX).toBe("[streaming-chat]");
    expect(lines.every((line) => line.startsWith(`${DEBUG_PREFIX} `))).toBe(true);
    expect(lines).toEqual([
      "[streaming-chat] start request=req-1 message=- +0 ms origin=sent",
      "[streaming-chat] named request=req-1 message=msg_1 +40 ms",
      "[streaming-chat] first reasoning request=req-1 message=msg_1 +300 ms",
      "[streaming-chat] first token request=req-1 message=msg_1 +2000 ms",
      "[streaming-chat] reconnect request=req-1 message=msg_1 +2015 ms attempt=1 wait=500 ms reason=stream_interrupted",
      "[streaming-chat] resume request=req-1 message=msg_1 +2515 ms after=41",
      "[streaming-chat] end request=req-1 message=msg_1 +3500 ms outcome=complete",
    ]);
  });

  it("writes the first reasoning and first token once per reply, each reply its own", () => {
    const { log, lines } = recordLog();
    const first = run("req-1");
    const second = run("req-2");
    for (const reply of [first, second]) log.record(reply, "start");
    for (let token = 0; token < 3; token += 1) {
      log.record(first, "first reasoning");
      log.record(first, "first token");
      log.record(second, "first token");
    }
    expect(lines.filter((line) => line.includes("first"))).toEqual([
      "[streaming-chat] first reasoning request=req-1 message=- +0 ms",
      "[streaming-chat] first token request=req-1 message=- +0 ms",
      "[streaming-chat] first token request=req-2 message=- +0 ms",
    ]);
  });

  it("follows the switch at every step: on mid-reply, it writes the steps after, and no later token as the first", () => {
    const { log, lines, state } = recordLog(false);
    const reply = run("req-1");
    log.record(reply, "start");
    log.record(reply, "first token");
    state.on = true;
    state.at += 120;
    log.record(reply, "first token");
    log.record(reply, "end", "outcome=complete");
    expect(lines).toEqual(["[streaming-chat] end request=req-1 message=- +120 ms outcome=complete"]);

    state.on = false;
    log.record(run("req-2"), "start");
    expect(lines).toHaveLength(1);
  });
});
