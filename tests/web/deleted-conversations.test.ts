/**
 * The tombstones of deleted conversations: written where every tab sees them, honoured by a tab opened later, merged
 * from another tab's write without losing this tab's, forgotten after {@link TOMBSTONE_TTL_MS} and beyond
 * {@link MAX_TOMBSTONES}, and harmless when storage is full, blocked or holds something else.
 */
import { describe, expect, it } from "vitest";
import { createDeletedConversations, DELETED_KEY, MAX_TOMBSTONES, TOMBSTONE_TTL_MS } from "../../web/src/lib/storage/deleted-conversations.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const START = Date.parse("2026-12-01T12:00:00.000Z");

/** A clock the test moves. */
function clock(at = START) {
  const time = { at };
  return { now: () => time.at, advance: (ms: number) => (time.at += ms) };
}

const stored = (storage: Storage) => JSON.parse(storage.getItem(DELETED_KEY)!) as Record<string, string>;

describe("a deletion", () => {
  it("is remembered here and written under streaming-chat:deleted with its time", () => {
    const storage = createMemoryStorage();
    const deleted = createDeletedConversations(() => storage, clock().now);
    expect(deleted.has("c-1")).toBe(false);

    deleted.add("c-1");

    expect(deleted.has("c-1")).toBe(true);
    expect(stored(storage)).toEqual({ "c-1": "2026-12-01T12:00:00.000Z" });
  });

  it("is known to a tab opened afterwards", () => {
    const storage = createMemoryStorage();
    createDeletedConversations(() => storage, clock().now).add("c-1");

    expect(createDeletedConversations(() => storage, clock().now).has("c-1")).toBe(true);
  });

  it("keeps the deletions another tab wrote since this one last heard", () => {
    const storage = createMemoryStorage();
    const tabA = createDeletedConversations(() => storage, clock().now);
    const tabB = createDeletedConversations(() => storage, clock().now);
    tabA.add("from-a");

    tabB.add("from-b");

    expect(Object.keys(stored(storage)).sort()).toEqual(["from-a", "from-b"]);
  });
});

describe("another tab's deletions (a storage event)", () => {
  it("are taken in, and only the ones this tab had not heard of are returned", () => {
    const storage = createMemoryStorage();
    const here = createDeletedConversations(() => storage, clock().now);
    here.add("known");

    const learned = here.merge(JSON.stringify({ known: "2026-12-01T12:00:00.000Z", fresh: "2026-12-01T12:00:01.000Z" }));

    expect(learned).toEqual(["fresh"]);
    expect(here.has("fresh")).toBe(true);
    expect(here.merge(JSON.stringify({ fresh: "2026-12-01T12:00:01.000Z" })), "a second event with the same news").toEqual([]);
  });

  it("that expired already are ignored", () => {
    const here = createDeletedConversations(undefined, clock().now);
    const old = new Date(START - TOMBSTONE_TTL_MS - 1).toISOString();

    expect(here.merge(JSON.stringify({ old }))).toEqual([]);
    expect(here.has("old")).toBe(false);
  });

  it.each([
    ["nothing (the key was removed)", null],
    ["text that is not JSON", "{not json"],
    ["a list", '["c-1"]'],
    ["a number", "42"],
  ])("in %s change nothing", (_, raw) => {
    const here = createDeletedConversations(undefined, clock().now);
    here.add("mine");

    expect(here.merge(raw)).toEqual([]);
    expect(here.has("mine")).toBe(true);
  });

  it("keep their valid entries and skip the others", () => {
    const here = createDeletedConversations(undefined, clock().now);

    const learned = here.merge(
      JSON.stringify({ good: "2026-12-01T11:00:00.000Z", "": "2026-12-01T11:00:00.000Z", number: 12, text: "yesterday", nothing: null }),
    );

    expect(learned).toEqual(["good"]);
  });
});

describe("how long tombstones are kept", () => {
  it("for thirty days: known until then, gone after, from this tab and from storage at its next deletion", () => {
    const storage = createMemoryStorage();
    const time = clock();
    const deleted = createDeletedConversations(() => storage, time.now);
    deleted.add("old");

    time.advance(TOMBSTONE_TTL_MS);
    expect(TOMBSTONE_TTL_MS).toBe(30 * DAY_MS);
    expect(createDeletedConversations(() => storage, time.now).has("old"), "on the last day").toBe(true);

    time.advance(1);
    expect(createDeletedConversations(() => storage, time.now).has("old"), "read after it expired").toBe(false);
    deleted.add("new");
    expect(deleted.has("old")).toBe(false);
    expect(Object.keys(stored(storage))).toEqual(["new"]);
  });

  it(`at most ${MAX_TOMBSTONES}: the oldest go first`, () => {
    const storage = createMemoryStorage();
    const time = clock();
    const deleted = createDeletedConversations(() => storage, time.now);
    for (let index = 0; index <= MAX_TOMBSTONES; index += 1) {
      deleted.add(`c-${index}`);
      time.advance(1000);
    }

    expect(deleted.has("c-0")).toBe(false);
    expect(deleted.has("c-1")).toBe(true);
    expect(deleted.has(`c-${MAX_TOMBSTONES}`)).toBe(true);
    expect(Object.keys(stored(storage))).toHaveLength(MAX_TOMBSTONES);
    // About 60 bytes each: the list stays a small share of the browser's 5 MB.
    expect(storage.getItem(DELETED_KEY)!.length).toBeLessThan(70 * MAX_TOMBSTONES);
  });
});

describe("storage that misbehaves", () => {
  it("full: the deletion holds in this tab and nothing throws", () => {
    const storage = createMemoryStorage({ quota: 10 });
    const deleted = createDeletedConversations(() => storage, clock().now);

    expect(() => deleted.add("c-1")).not.toThrow();
    expect(deleted.has("c-1")).toBe(true);
    expect(storage.getItem(DELETED_KEY)).toBeNull();
  });

  it("blocked: the deletion holds in this tab and nothing throws", () => {
    const storage = createMemoryStorage({ blocked: true });
    const deleted = createDeletedConversations(() => storage, clock().now);

    expect(() => deleted.add("c-1")).not.toThrow();
    expect(deleted.has("c-1")).toBe(true);
  });

  it("holding something else under the key: read as no tombstones, then replaced by valid ones", () => {
    const storage = createMemoryStorage();
    storage.setItem(DELETED_KEY, "not json");
    const deleted = createDeletedConversations(() => storage, clock().now);
    expect(deleted.has("not json")).toBe(false);

    deleted.add("c-1");

    expect(stored(storage)).toEqual({ "c-1": "2026-12-01T12:00:00.000Z" });
  });
});
