import type { SlotLease, StreamSlots } from "../slots/create-stream-slots.js";
import { until } from "./abortable.js";
import type { ChatMessage } from "./chat-message.js";
import { createId } from "./create-id.js";
import type { ReplyTimer } from "./reply-stats.js";
import { ThinkingClock } from "./thinking-clock.js";

/** Why a run's current step was cut short. */
export type Interruption =
  /** Its conversation came into or went out of view: it waits for a slot as its new place allows. */
  | "view"
  /** Out of view with no slot to spare: it lets go of its stream; the server keeps generating. */
  | "detach"
  /** Stop was pressed. */
  | "stop"
  /** Another tab's newer copy of the conversation replaced the reply. */
  | "cancel";

/** How this page came to follow a reply. */
export type RunOrigin = "sent" | "loaded" | "followed";

/**
 * One reply in progress in this page, from Send (or re-attach) to its end: the slot it holds, its claim to read the
 * reply when nobody looks at it, and the step it is on (waiting for a slot, reading, waiting to reconnect), which a
 * change of view, Stop or another tab can cut short. Not reactive: what the person sees is the reply itself and the
 * session's status.
 */
export class ReplyRun {
  /** The `$state` proxy of the reply: writes through it are what the components see. */
  readonly reply: ChatMessage;
  /** Speed of the reply; only the page that sent it knows when it started. */
  readonly timer: ReplyTimer | null;
  /** How long the model thought, as this page saw it (see {@link ThinkingClock}). */
  readonly thinking: ThinkingClock;
  /** Our own correlation id (the server adopts it), so a failure can quote it; one per run. */
  readonly requestId = createId();
  /** A reply this page found `streaming` when it loaded is described as cut off by a reload if it cannot come back. */
  readonly origin: RunOrigin;
  /** Settles when the person has seen the reply end (`send()` and `regenerate()` wait for it). */
  readonly ended: Promise<void>;
  /** Stop was pressed: the reply is `stopped` for the person, whatever the server still sends. */
  stopped = false;
  /** Another tab's copy replaced the reply: the run lets go without touching it. */
  cancelled = false;
  /** The POST is on its way and the server has not named the reply yet: it cannot be let go without losing it. */
  posting = false;
  /** The stream slot held while reading (or about to). */
  lease: SlotLease | null = null;
  #settled = false;
  #settle!: () => void;
  #step = new AbortController();
  readonly #lifetime = new AbortController();
  #claim: Promise<void> | null = null;
  #unclaim: (() => void) | null = null;

  constructor(reply: ChatMessage, origin: RunOrigin, now: () => number, timer: ReplyTimer | null = null) {
    this.reply = reply;
    this.origin = origin;
    this.timer = timer;
    this.thinking = new ThinkingClock(now);
    this.ended = new Promise((resolve) => (this.#settle = resolve));
  }

  /** Nothing left to read: the reply ended, was stopped, or is no longer this run's. */
  get over(): boolean {
    return this.stopped || this.cancelled || this.reply.state !== "streaming";
  }

  /** Whether this page holds the reply's claim, so it may read it out of view. */
  get claimed(): boolean {
    return this.#unclaim !== null;
  }

  /** The signal of the next step; {@link interrupt} aborts it. */
  nextStep(): AbortSignal {
    this.#step = new AbortController();
    return this.#step.signal;
  }

  interrupt(reason: Interruption): void {
    this.#step.abort(reason);
  }

  /** Asks (once) to be the reply's only reader in the background, held until the run closes. */
  requestClaim(slots: StreamSlots): Promise<void> {
    this.#claim ??= slots.claim(this.reply.messageId!, this.#lifetime.signal).then((unclaim) => {
      if (this.#lifetime.signal.aborted) unclaim();
      else this.#unclaim = unclaim;
    });
    this.#claim.catch(() => {});
    return this.#claim;
  }

  /** Waits to hold the reply's claim (see {@link requestClaim}), or for `signal`. */
  claim(slots: StreamSlots, signal: AbortSignal): Promise<void> {
    return until(this.requestClaim(slots), signal);
  }

  releaseLease(): void {
    this.lease?.release();
    this.lease = null;
  }

  /** Records that the person saw the reply end; returns false if that was already recorded. */
  settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#settle();
    return true;
  }

  /** Lets go of everything the run holds. */
  close(): void {
    this.#lifetime.abort();
    this.releaseLease();
    this.#unclaim?.();
    this.#unclaim = null;
  }
}
