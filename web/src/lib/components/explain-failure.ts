import type { MessageFailure } from "../chat/chat-message.js";

/** What a failed reply adds about its text, when there is some. */
const KEPT_TEXT = "The text above is what arrived before the problem.";
/**
 * Failures made when a page comes back (a reload mid-reply, a reply the server no longer has) already say it in
 * their own words, and are stored with those words: saying it again read as the same sentence twice.
 */
const SAYS_KEPT_TEXT = /\bthe text above is what (?:had )?arrived\b/i;

/**
 * The words under a failed reply: why it failed and, when some text had arrived, that the text shown is that text,
 * said once.
 *
 * @example
 * explainFailure({ code: "upstream_timeout", message: "The language model took too long to answer.", retryable: true }, true);
 * // "The language model took too long to answer. The text above is what arrived before the problem."
 */
export function explainFailure(failure: MessageFailure, hasText: boolean): string {
  if (!hasText || SAYS_KEPT_TEXT.test(failure.message)) return failure.message;
  return `${failure.message} ${KEPT_TEXT}`;
}
