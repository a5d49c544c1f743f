import type { StreamEvent } from "../../sdk/index.js";

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const received: StreamEvent[] = [];
  for await (const event of events) received.push(event);
  return received;
}

/** Collects until the stream throws, and returns both what arrived and what was thrown. */
export async function collectUntilThrow(events: AsyncIterable<StreamEvent>): Promise<{ received: StreamEvent[]; error: unknown }> {
  const received: StreamEvent[] = [];
  try {
    for await (const event of events) received.push(event);
  } catch (error) {
    return { received, error };
  }
  throw new Error(`The stream ended without throwing, after ${received.length} events`);
}

export function tokenContents(events: StreamEvent[]): string[] {
  return events.flatMap((event) => (event.type === "token" ? [event.data.content] : []));
}
