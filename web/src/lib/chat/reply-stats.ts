import type { ReplyStats } from "./chat-message.js";

/** Times one reply as it arrives: time to first reasoning and to first token, and tokens per second. */
export class ReplyTimer {
  readonly #startedAt: number;
  readonly #now: () => number;
  #firstReasoningAt: number | null = null;
  #firstTokenAt: number | null = null;
  #lastTokenAt: number | null = null;
  #tokens = 0;

  constructor(now: () => number) {
    this.#now = now;
    this.#startedAt = now();
  }

  /** Records a piece of reasoning; returns true for the first one. */
  reasoning(): boolean {
    if (this.#firstReasoningAt !== null) return false;
    this.#firstReasoningAt = this.#now();
    return true;
  }

  /** Records a token; returns true for the first one. */
  token(): boolean {
    const at = this.#now();
    this.#tokens += 1;
    this.#lastTokenAt = at;
    if (this.#firstTokenAt !== null) return false;
    this.#firstTokenAt = at;
    return true;
  }

  stats(): ReplyStats {
    const first = this.#firstTokenAt;
    const thought = this.#firstReasoningAt;
    const last = this.#lastTokenAt;
    // Rate over the gaps between tokens: the first token's wait is time to first token, not generation speed.
    const span = first !== null && last !== null ? (last - first) / 1000 : 0;
    return {
      timeToFirstTokenMs: first === null ? null : Math.round(first - this.#startedAt),
      tokensPerSecond: span > 0 ? Math.round(((this.#tokens - 1) / span) * 10) / 10 : null,
      tokenCount: this.#tokens,
      // Only when the model thought: a reply without reasoning keeps the stats it always had.
      ...(thought === null ? {} : { timeToFirstReasoningMs: Math.round(thought - this.#startedAt) }),
    };
  }
}
