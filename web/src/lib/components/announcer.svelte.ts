/** Long enough to be read out; then cleared, so the page holds no stale announcement for a screen reader to find. */
const CLEAR_AFTER_MS = 5000;
/** The pause between clearing and saying again: screen readers skip a live region's text that did not change. */
const REPEAT_GAP_MS = 100;

/**
 * The text of the chat's one polite live region, for confirmations that have no visible place of their own ("Copied
 * to the clipboard"). One region for the whole page, outside the message list: a region per reply was positioned
 * against the chat column, outside the scrolling list, and made the whole page taller with each reply.
 *
 * @example
 * const announcer = new Announcer();
 * announcer.announce("Code copied"); // a screen reader says "Code copied", once
 */
export class Announcer {
  /** What the live region holds now. */
  text = $state("");
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Says `text` once, even when it is what was said last. */
  announce(text: string): void {
    clearTimeout(this.#timer);
    this.text = "";
    this.#timer = setTimeout(() => {
      this.text = text;
      this.#timer = setTimeout(() => (this.text = ""), CLEAR_AFTER_MS);
    }, REPEAT_GAP_MS);
  }
}
