/** The clock and timer a {@link SendCountdown} runs on; tests pass their own. */
export interface CountdownClock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const BROWSER_CLOCK: CountdownClock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
};

/** How often the seconds left are recomputed: often enough that the shown number never lags a second behind. */
const TICK_MS = 250;

/**
 * The wait the server asked for (`Retry-After`, or an error event's `retryAfterSeconds`: a rate limit, an overloaded
 * or restarting server) before anything is sent again: Send, Retry and Regenerate stay disabled until it has passed.
 * One for the whole page, since the server's limits are per key, not per conversation.
 */
export class SendCountdown {
  /** Whole seconds left, rounded up; 0 when sending is allowed. */
  secondsLeft = $state(0);
  /**
   * What a screen reader announces (politely): set when a wait starts and when it ends, never on each tick, so the
   * person hears "You can send again in 42 seconds" once rather than every second.
   */
  announcement = $state("");

  readonly #clock: CountdownClock;
  #until = 0;
  #timer: unknown;

  constructor(clock: CountdownClock = BROWSER_CLOCK) {
    this.#clock = clock;
  }

  /** True while sending must wait. */
  get active(): boolean {
    return this.secondsLeft > 0;
  }

  /** Waits `seconds` from now, unless a longer wait is already running. */
  start(seconds: number): void {
    const until = this.#clock.now() + seconds * 1000;
    if (seconds <= 0 || until <= this.#until) return;
    this.#until = until;
    this.#tick();
    this.announcement = `You can send again in ${this.secondsLeft} second${this.secondsLeft === 1 ? "" : "s"}.`;
    this.#timer ??= this.#clock.setInterval(() => this.#tick(), TICK_MS);
  }

  #tick(): void {
    this.secondsLeft = Math.max(0, Math.ceil((this.#until - this.#clock.now()) / 1000));
    if (this.secondsLeft > 0) return;
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.announcement = "You can send again now.";
  }
}
