import { expect } from "vitest";
import type { SseResult } from "../helpers/read-sse.js";

export const MESSAGE_ID = /^msg_[0-9a-f]{32}$/;
const FRAME = /^event: (token|reasoning|complete|error)\nid: ([1-9][0-9]*)\ndata: ([^\r\n]*)$/;

/**
 * The first `eventCount` frames exactly as they came over the wire, in wire format. Only two things change:
 * heartbeat comment lines are dropped, and the random `messageId` becomes `msg_<id>`. Each frame is also
 * checked against what eventsource-parser read, so the raw text and the parsed events cannot disagree.
 */
export function toGoldenTranscript(result: SseResult, eventCount = result.events.length): string {
  // The last piece is "" when the body ends on a frame boundary, or an unfinished frame: neither is a frame.
  const blocks = result.raw.split("\n\n").slice(0, -1);
  const frames = blocks
    .map((block) =>
      block
        .split("\n")
        .filter((line) => !line.startsWith(":"))
        .join("\n"),
    )
    .filter((block) => block !== "")
    .slice(0, eventCount);
  expect(frames).toHaveLength(eventCount);

  return frames
    .map((frame, index) => {
      const [, event, id, data] = FRAME.exec(frame) ?? expect.unreachable(`frame ${index + 1} is event, id and one data line: ${JSON.stringify(frame)}`);
      const parsed = result.events[index];
      expect({ event, id, data }, `frame ${index + 1} is what the parser read`).toEqual({ event: parsed?.event, id: parsed?.id, data: parsed?.data });
      if (event !== "complete") return `${frame}\n\n`;
      const { messageId } = JSON.parse(data!) as { messageId: unknown };
      expect(messageId).toMatch(MESSAGE_ID);
      const field = `"messageId":${JSON.stringify(messageId)}`;
      expect(frame.split(field), "messageId appears once").toHaveLength(2);
      return `${frame.replace(field, `"messageId":"msg_<id>"`)}\n\n`;
    })
    .join("");
}
