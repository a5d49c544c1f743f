/**
 * The versions of a conversation's turns as plain data: a new version keeps the branch it replaces, switching shows a
 * version with its own later turns, and nothing is lost whichever way the person goes.
 */
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { addTurnVersion, dropShownVersion, findVersionPlace, forEachMessage, showTurnVersion } from "../../web/src/lib/chat/message-versions.js";

const message = (id: string, role: ChatMessage["role"] = id.startsWith("u") ? "user" : "assistant"): ChatMessage => ({
  id,
  role,
  content: `text of ${id}`,
  state: "complete",
  createdAt: "2026-12-01T00:00:00.000Z",
});

/** A conversation of alternating turns, by id: `chat("u1", "a1", "u2")`. */
const chat = (...ids: string[]) => ids.map((id) => message(id));
const ids = (messages: readonly ChatMessage[]) => messages.map((shown) => shown.id);
const placeOf = (messages: readonly ChatMessage[], index: number) => findVersionPlace(messages[index]!);

describe("adding a version of a turn", () => {
  it("shows the new version last, and keeps the branch it replaces, later turns included, as the version before", () => {
    const messages = chat("u1", "a1", "u2", "a2", "u3", "a3");

    addTurnVersion(messages, 0, message("u1-edited"));

    expect(ids(messages)).toEqual(["u1-edited"]);
    expect(placeOf(messages, 0)).toEqual({ position: 1, count: 2 });
    expect(messages[0]!.versions!.hidden.map(ids)).toEqual([["u1", "a1", "u2", "a2", "u3", "a3"]]);
  });

  it("adds a third version after the two there are, wherever the shown one was", () => {
    const messages = chat("u1", "a1");
    addTurnVersion(messages, 1, message("a1-second"));
    showTurnVersion(messages, 1, 0);

    addTurnVersion(messages, 1, message("a1-third"));

    expect(ids(messages)).toEqual(["u1", "a1-third"]);
    expect(placeOf(messages, 1)).toEqual({ position: 2, count: 3 });
    expect(messages[1]!.versions!.hidden.map(ids)).toEqual([["a1"], ["a1-second"]]);
  });

  it("replaces the shown version without keeping it when asked, and keeps the others", () => {
    const messages = chat("u1", "a1");
    addTurnVersion(messages, 1, message("a1-failed-empty"));

    addTurnVersion(messages, 1, message("a1-retry"), false);

    expect(ids(messages)).toEqual(["u1", "a1-retry"]);
    expect(placeOf(messages, 1)).toEqual({ position: 1, count: 2 });
    expect(messages[1]!.versions!.hidden.map(ids)).toEqual([["a1"]]);
  });

  it("simply adds a message when the turn does not exist yet", () => {
    const messages = chat("u1");

    addTurnVersion(messages, 1, message("a1"));

    expect(ids(messages)).toEqual(["u1", "a1"]);
    expect(placeOf(messages, 1)).toBeNull();
  });
});

describe("switching versions", () => {
  it("shows the chosen version with its own later turns, and back, each branch unchanged", () => {
    const messages = chat("u1", "a1", "u2", "a2", "u3", "a3");
    const before = structuredClone(messages);
    addTurnVersion(messages, 0, message("u1-edited"));
    messages.push(message("a1-after-edit"));
    const edited = structuredClone(messages);

    expect(showTurnVersion(messages, 0, 0)).toBe(true);
    expect(ids(messages)).toEqual(ids(before));
    expect(placeOf(messages, 0)).toEqual({ position: 0, count: 2 });
    expect(messages.slice(1)).toEqual(before.slice(1));

    expect(showTurnVersion(messages, 0, 1)).toBe(true);
    expect(messages).toEqual(edited);
  });

  it("keeps the versions of a later turn inside the branch it belongs to", () => {
    const messages = chat("u1", "a1", "u2", "a2");
    addTurnVersion(messages, 3, message("a2-regenerated"));
    addTurnVersion(messages, 0, message("u1-edited"));
    messages.push(message("a1-after-edit"));

    showTurnVersion(messages, 0, 0);

    expect(ids(messages)).toEqual(["u1", "a1", "u2", "a2-regenerated"]);
    expect(placeOf(messages, 3)).toEqual({ position: 1, count: 2 });
    showTurnVersion(messages, 3, 0);
    expect(ids(messages)).toEqual(["u1", "a1", "u2", "a2"]);
    showTurnVersion(messages, 0, 1);
    expect(ids(messages)).toEqual(["u1-edited", "a1-after-edit"]);
    showTurnVersion(messages, 0, 0);
    expect(ids(messages), "the old branch comes back as it was left").toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("changes nothing for a version that does not exist, the one already shown, or a turn with one version", () => {
    const messages = chat("u1", "a1");
    addTurnVersion(messages, 1, message("a1-second"));
    const before = structuredClone(messages);

    for (const position of [-1, 2, 1, 0.5]) expect(showTurnVersion(messages, 1, position)).toBe(false);
    expect(showTurnVersion(messages, 0, 0)).toBe(false);
    expect(showTurnVersion(messages, 5, 0)).toBe(false);

    expect(messages).toEqual(before);
  });
});

describe("dropping the version shown", () => {
  it("shows the version that was shown before, at its place, and forgets the dropped one", () => {
    const messages = chat("u1", "a1");
    addTurnVersion(messages, 1, message("a1-second"));
    addTurnVersion(messages, 1, message("a1-third"));
    showTurnVersion(messages, 1, 1);
    addTurnVersion(messages, 1, message("a1-attempt"));

    dropShownVersion(messages, 1, 1);

    expect(ids(messages)).toEqual(["u1", "a1-second"]);
    expect(placeOf(messages, 1)).toEqual({ position: 1, count: 3 });
    expect(messages[1]!.versions!.hidden.map(ids)).toEqual([["a1"], ["a1-third"]]);
  });

  it("leaves a turn with one version without a versions field", () => {
    const messages = chat("u1", "a1");
    addTurnVersion(messages, 1, message("a1-attempt"));

    dropShownVersion(messages, 1, 0);

    expect(messages).toEqual(chat("u1", "a1"));
    expect("versions" in messages[1]!).toBe(false);
  });
});

describe("walking every message", () => {
  it("visits the shown messages and those of every hidden version, nested ones too", () => {
    const messages = chat("u1", "a1", "u2", "a2");
    addTurnVersion(messages, 3, message("a2-regenerated"));
    addTurnVersion(messages, 0, message("u1-edited"));
    messages.push(message("a1-after-edit"));

    const visited: string[] = [];
    forEachMessage(messages, (visitedMessage) => visited.push(visitedMessage.id));

    expect(visited.sort()).toEqual(["a1", "a1-after-edit", "a2", "a2-regenerated", "u1", "u1-edited", "u2"]);
  });
});
