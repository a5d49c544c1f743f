/**
 * The list's date groups, by local calendar day: the clock and every date are made with local-time constructors,
 * so these hold in any time zone the tests run in. One test moves the zone to where the clocks change.
 */
import { afterEach, describe, expect, it } from "vitest";
import { groupByDate, isSameLocalDay } from "../../web/src/lib/conversations/group-by-date.js";

const local = (...parts: [number, number, number, number?, number?]) => new Date(...(parts as [number, number, number, number, number])).toISOString();
const labels = (groups: { label: string; items: { id: string }[] }[]) => groups.map((group) => [group.label, group.items.map((item) => item.id)]);

/** 1 December 2026, 09:30 local time. */
const NOW = new Date(2026, 11, 1, 9, 30).getTime();

describe("grouping conversations by date", () => {
  it("puts each conversation in Today, Yesterday, Previous 7 days, Previous 30 days, its month, or Older", () => {
    const items = [
      { id: "future", updatedAt: local(2026, 11, 1, 23, 0) },
      { id: "today", updatedAt: local(2026, 11, 1, 0, 0) },
      { id: "yesterday-late", updatedAt: local(2026, 10, 30, 23, 59) },
      { id: "yesterday-early", updatedAt: local(2026, 10, 30, 0, 0) },
      { id: "two-days", updatedAt: local(2026, 10, 29, 12, 0) },
      { id: "seven-days", updatedAt: local(2026, 10, 24, 0, 0) },
      { id: "eight-days", updatedAt: local(2026, 10, 23, 23, 0) },
      { id: "thirty-days", updatedAt: local(2026, 10, 1, 0, 0) },
      { id: "thirty-one-days", updatedAt: local(2026, 9, 31, 12, 0) },
      { id: "october", updatedAt: local(2026, 9, 2, 12, 0) },
      { id: "january", updatedAt: local(2026, 0, 15, 12, 0) },
      { id: "last-december", updatedAt: local(2025, 11, 1, 0, 0) },
      { id: "long-ago", updatedAt: local(2025, 10, 30, 12, 0) },
      { id: "broken", updatedAt: "not a date" },
    ];
    expect(labels(groupByDate(items, NOW, "en-US"))).toEqual([
      ["Today", ["future", "today"]],
      ["Yesterday", ["yesterday-late", "yesterday-early"]],
      ["Previous 7 days", ["two-days", "seven-days"]],
      ["Previous 30 days", ["eight-days", "thirty-days"]],
      ["October 2026", ["thirty-one-days", "october"]],
      ["January 2026", ["january"]],
      ["December 2025", ["last-december"]],
      ["Older", ["long-ago", "broken"]],
    ]);
  });

  it("names months in the given locale", () => {
    const groups = groupByDate([{ id: "a", updatedAt: local(2026, 5, 10, 12, 0) }], NOW, "fr-FR");
    expect(groups.map((group) => group.label)).toEqual(["juin 2026"]);
  });

  it("keeps the given order inside each group and leaves no group empty", () => {
    expect(groupByDate([], NOW)).toEqual([]);
    const items = [
      { id: "b", updatedAt: local(2026, 11, 1, 9, 0) },
      { id: "a", updatedAt: local(2026, 11, 1, 8, 0) },
    ];
    expect(labels(groupByDate(items, NOW))).toEqual([["Today", ["b", "a"]]]);
  });
});

describe("days in a time zone whose clocks change", () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("counts calendar days, not 24-hour periods, across the change to summer time", () => {
    // Europe/Berlin springs forward at 02:00 on 29 March 2026: that day has 23 hours.
    process.env.TZ = "Europe/Berlin";
    const now = Date.parse("2026-03-30T00:30:00+02:00");
    const items = [
      { id: "today", updatedAt: "2026-03-30T00:10:00+02:00" },
      { id: "yesterday", updatedAt: "2026-03-29T00:10:00+01:00" },
      { id: "two-days", updatedAt: "2026-03-28T23:50:00+01:00" },
    ];
    expect(labels(groupByDate(items, now))).toEqual([
      ["Today", ["today"]],
      ["Yesterday", ["yesterday"]],
      ["Previous 7 days", ["two-days"]],
    ]);
    expect(isSameLocalDay(Date.parse("2026-03-29T00:10:00+01:00"), Date.parse("2026-03-29T23:50:00+02:00"))).toBe(true);
    expect(isSameLocalDay(Date.parse("2026-03-29T23:50:00+02:00"), Date.parse("2026-03-30T00:10:00+02:00"))).toBe(false);
  });
});
