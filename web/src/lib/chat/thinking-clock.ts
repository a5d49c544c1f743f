import type { StreamEvent } from "streaming-chat/sdk";
import type { ChatMessage } from "./chat-message.js";

/**
 * Times how long a reply thought, as this page saw it: from the first piece of reasoning to the first token of the
 * answer (or to the reply's end, when it ended still thinking), into `reply.reasoningMs`, which the Thinking block
 * shows as "Thought for N s". Every run has one, re-attached ones too: a reply followed from another tab still thinks
 * in front of this page. A reply that already had reasoning when this page picked it up (a reload mid-thought) is not
 * timed: the start was not seen here, and a guess would be shown as a fact.
 */
export class ThinkingClock {
  readonly #now: () => number;
  #since: number | null = null;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Looks at an event before it is applied to the reply. */
  observe(reply: ChatMessage, event: StreamEvent): void {
    if (event.type === "reasoning") {
      if (this.#since === null && (reply.reasoning ?? "") === "" && reply.reasoningMs === undefined) this.#since = this.#now();
    } else if (event.type === "token" && reply.content === "") {
      this.stop(reply);
    }
  }

  /** The thinking is over (the answer began, or the reply ended): records its length, once. */
  stop(reply: ChatMessage): void {
    if (this.#since === null) return;
    if (reply.reasoningMs === undefined) reply.reasoningMs = Math.round(this.#now() - this.#since);
    this.#since = null;
  }
}
