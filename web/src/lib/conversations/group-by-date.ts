/** Conversations updated in the same period, under the heading the list shows for it. */
export interface DateGroup<T> {
  /** "Today", "Yesterday", "Previous 7 days", "Previous 30 days", a month ("October 2026"), or "Older". */
  label: string;
  items: T[];
}

/** Months older than this many are one group, "Older": a long history does not become a long list of headings. */
const MONTHS_BY_NAME = 12;

/** Midnight at the start of the local calendar day `daysBefore` days before `now` (the Date constructor handles DST). */
function startOfDay(now: Date, daysBefore: number): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBefore).getTime();
}

function labelFor(updatedAt: string, now: Date, monthFormat: Intl.DateTimeFormat): string {
  const time = Date.parse(updatedAt);
  if (Number.isNaN(time)) return "Older";
  // A date ahead of this clock (another device's) is still the most recent: Today, not lost at the bottom.
  if (time >= startOfDay(now, 0)) return "Today";
  if (time >= startOfDay(now, 1)) return "Yesterday";
  if (time >= startOfDay(now, 7)) return "Previous 7 days";
  if (time >= startOfDay(now, 30)) return "Previous 30 days";
  if (time >= new Date(now.getFullYear(), now.getMonth() - MONTHS_BY_NAME, 1).getTime()) return monthFormat.format(time);
  return "Older";
}

/**
 * Groups conversations by when they were last updated, in calendar days of the local time zone, as ChatGPT and
 * Claude do: Today, Yesterday, Previous 7 days, Previous 30 days, then each month of the past year by name, then
 * Older. `items` must be most recent first; each group keeps that order, and groups come in it too.
 *
 * @param nowMs the clock, in ms since the epoch.
 * @param locale for month names (default: the browser's).
 */
export function groupByDate<T extends { updatedAt: string }>(items: readonly T[], nowMs: number, locale?: string): DateGroup<T>[] {
  const now = new Date(nowMs);
  const monthFormat = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric" });
  const groups: DateGroup<T>[] = [];
  for (const item of items) {
    const label = labelFor(item.updatedAt, now, monthFormat);
    const group = groups.find((candidate) => candidate.label === label);
    if (group) group.items.push(item);
    else groups.push({ label, items: [item] });
  }
  return groups;
}

/** Whether two instants fall on the same calendar day in the local time zone. */
export function isSameLocalDay(aMs: number, bMs: number): boolean {
  return new Date(aMs).toDateString() === new Date(bMs).toDateString();
}
