import type { Frequency, RelativeRange } from "@/db/schema";
import { isoDay } from "@/lib/time-zone";

/**
 * Schedule times are GMT (UTC): a 06:00 schedule runs at 06:00 UTC all year, which is 07:00 in
 * Paris in winter and 08:00 in summer. Computing in UTC means a daylight-saving change never skips
 * or repeats a run.
 */
export type Timing = { frequency: Frequency; weekday: number | null; monthDay: number | null; timeOfDay: number };

const DAY = 86_400_000;

/** A time of day, from minutes after midnight: "06:00". */
export const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

function at(year: number, month: number, day: number, minutes: number): Date {
  return new Date(Date.UTC(year, month, day, Math.floor(minutes / 60), minutes % 60));
}

/** The first run strictly after `after`. */
export function nextRunAfter(t: Timing, after: Date): Date {
  const y = after.getUTCFullYear();
  const m = after.getUTCMonth();
  const d = after.getUTCDate();
  if (t.frequency === "monthly") {
    for (let i = 0; i < 3; i++) {
      const day = t.monthDay === 0 || t.monthDay === null ? lastDayOfMonth(y, m + i) : t.monthDay;
      // Date.UTC carries month overflow into the next year.
      const candidate = at(y, m + i, Math.min(day, lastDayOfMonth(y, m + i)), t.timeOfDay);
      if (candidate > after) return candidate;
    }
    throw new Error("unreachable: a monthly run within three months");
  }
  let candidate = at(y, m, d, t.timeOfDay);
  if (t.frequency === "weekly") {
    const isoDay = ((candidate.getUTCDay() + 6) % 7) + 1;
    candidate = new Date(candidate.getTime() + (((t.weekday ?? 1) - isoDay + 7) % 7) * DAY);
    return candidate > after ? candidate : new Date(candidate.getTime() + 7 * DAY);
  }
  return candidate > after ? candidate : new Date(candidate.getTime() + DAY);
}

/**
 * The same day one year earlier (28 February for 29 February): the first day a report may start
 * on, since usage is kept 12 months.
 */
function sameDayYearBefore(runAt: Date): string {
  const y = runAt.getUTCFullYear() - 1;
  const m = runAt.getUTCMonth();
  return isoDay(new Date(Date.UTC(y, m, Math.min(runAt.getUTCDate(), lastDayOfMonth(y, m)))));
}

/** The range a schedule covers unless one is chosen: the period between two of its runs. */
export const defaultRange = (frequency: string): RelativeRange => (frequency === "monthly" ? "previous-month" : frequency === "weekly" ? "previous-week" : "previous-day");

/**
 * The report's dates (GMT, inclusive) for a run at `runAt`. "Previous week" is the last whole
 * Monday–Sunday week; "month to date" ends on the run's own day; "previous 12 months" is the
 * year of usage kept, up to the day before the run (a whole calendar year for a run on 1 January).
 */
export function rangeForRun(range: RelativeRange | "custom", runAt: Date, custom?: { from: string; to: string }): { from: string; to: string } {
  const today = Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth(), runAt.getUTCDate());
  const day = (offset: number) => isoDay(new Date(today + offset * DAY));
  switch (range) {
    case "previous-day":
      return { from: day(-1), to: day(-1) };
    case "previous-7-days":
      return { from: day(-7), to: day(-1) };
    case "previous-week": {
      const isoDay = ((runAt.getUTCDay() + 6) % 7) + 1;
      return { from: day(-isoDay - 6), to: day(-isoDay) };
    }
    case "previous-month": {
      const y = runAt.getUTCFullYear();
      const m = runAt.getUTCMonth();
      return { from: isoDay(new Date(Date.UTC(y, m - 1, 1))), to: isoDay(new Date(Date.UTC(y, m, 0))) };
    }
    case "month-to-date":
      return { from: isoDay(new Date(Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth(), 1))), to: day(0) };
    case "previous-30-days":
      return { from: day(-30), to: day(-1) };
    case "previous-12-months":
      return { from: sameDayYearBefore(runAt), to: day(-1) };
    case "custom":
      if (!custom) throw new Error("a custom range needs its dates");
      return custom;
  }
}
