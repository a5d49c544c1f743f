import type { ChatMessage, TurnVersions } from "./chat-message.js";

/**
 * A conversation's `messages` are the branch on screen, and the other versions of each turn hang off the turn's shown
 * message (`versions`), each with its own continuation. So everything that reads the conversation (the list, the
 * history sent to the model, a reply re-attaching after a reload) reads one plain list of what the person sees, and a
 * reader that predates versions reads the branch that was shown. These functions move branches between the two
 * places; they work on plain arrays and on `$state` proxies alike.
 */

/** Where a message stands among its turn's versions, for the ‹ 2/3 › switcher; `position` counts from 0. */
export interface VersionPlace {
  position: number;
  count: number;
}

/** The message's place among its turn's versions, or null when the turn has only the one. */
export function findVersionPlace(message: ChatMessage): VersionPlace | null {
  const versions = message.versions;
  return versions ? { position: versions.shown, count: versions.hidden.length + 1 } : null;
}

/** Takes the versions off a message that stops being shown (the field moves to the version shown instead). */
function takeVersions(message: ChatMessage): TurnVersions {
  const versions = message.versions;
  delete message.versions;
  return versions ? { shown: versions.shown, hidden: [...versions.hidden] } : { shown: 0, hidden: [] };
}

function putVersions(message: ChatMessage, shown: number, hidden: ChatMessage[][]): void {
  if (hidden.length === 0) delete message.versions;
  else message.versions = { shown, hidden };
}

/** Every version of the turn at `index`, oldest first, with the shown branch (`messages` from `index` on) taken out of `messages`. */
function takeAllVersions(messages: ChatMessage[], index: number): { all: ChatMessage[][]; shown: number } {
  const branch = messages.splice(index);
  const { shown, hidden } = takeVersions(branch[0]!);
  return { all: [...hidden.slice(0, shown), branch, ...hidden.slice(shown)], shown };
}

/**
 * Makes `message` the shown version of the turn at `index`, the last of its versions. The branch shown until now (the
 * turn's message and everything after it) is kept as a version beside it, unless `keepShown` is false: then it is
 * dropped and the new message takes its place (a reply that failed with no text is worth no version of its own).
 * An `index` past the end simply adds the message.
 */
export function addTurnVersion(messages: ChatMessage[], index: number, message: ChatMessage, keepShown = true): void {
  if (index >= messages.length) {
    messages.push(message);
    return;
  }
  if (keepShown) {
    const { all } = takeAllVersions(messages, index);
    putVersions(message, all.length, all);
  } else {
    const { shown, hidden } = takeVersions(messages.splice(index)[0]!);
    putVersions(message, shown, hidden);
  }
  messages.push(message);
}

/**
 * Shows version `position` (from 0) of the turn at `index`, with its own continuation; the branch shown until now is
 * kept as the version it was. Returns false, changing nothing, when there is no such version or it is already shown.
 */
export function showTurnVersion(messages: ChatMessage[], index: number, position: number): boolean {
  const place = messages[index] && findVersionPlace(messages[index]);
  if (!place || position === place.position || !Number.isInteger(position) || position < 0 || position >= place.count) return false;
  const { all } = takeAllVersions(messages, index);
  const [chosen] = all.splice(position, 1);
  putVersions(chosen![0]!, position, all);
  messages.push(...chosen!);
  return true;
}

/**
 * Drops the branch shown at `index` for good and shows version `position` of the others instead (numbered without
 * the dropped one): what a regenerate that produced nothing does to put the reply it replaced back.
 */
export function dropShownVersion(messages: ChatMessage[], index: number, position: number): void {
  const { hidden } = takeVersions(messages.splice(index)[0]!);
  const [chosen] = hidden.splice(position, 1);
  putVersions(chosen![0]!, position, hidden);
  messages.push(...chosen!);
}

/** Calls `visit` for every message of the conversation, shown or in a hidden version, depth first. */
export function forEachMessage(messages: readonly ChatMessage[], visit: (message: ChatMessage) => void): void {
  for (const message of messages) {
    visit(message);
    for (const branch of message.versions?.hidden ?? []) forEachMessage(branch, visit);
  }
}
