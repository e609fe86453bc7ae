/**
 * What a schedule's next run will contain, in words: "On 1 January at 06:00 GMT: 1–31 December".
 * Plain TypeScript (no server-only): the schedule form recomputes it in the browser as the owner
 * changes the frequency, the day, the time or the range.
 */
import type { Frequency, RelativeRange } from "@/db/schema/schedules";
import { fill, type Locale, type Messages } from "@/lib/i18n/messages";
import type { RangePreset } from "@/lib/reports/query";
import { defaultRange, hhmm, nextRunAfter, rangeForRun, type Timing } from "./timing";

type T = Messages["schedules"];

// The schema's lists, checked complete by their types: the browser gets these without the schema's module.
const FREQUENCY: Record<Frequency, true> = { daily: true, weekly: true, monthly: true };
const RELATIVE: Record<RelativeRange, true> = { "previous-day": true, "previous-7-days": true, "previous-week": true, "previous-month": true, "month-to-date": true, "previous-30-days": true, "previous-12-months": true };
const isFrequency = (value: string): value is Frequency => Object.hasOwn(FREQUENCY, value);
const isRelative = (value: string): value is RelativeRange => Object.hasOwn(RELATIVE, value);
/** How dates are written: the UI language's words, in the account's locale's order. */
export type DateStyle = { lang: Locale; accountLocale: string };

/** The schedule range closest to a report's preset; its own From–To has none (null). */
const FROM_PRESET: Record<RangePreset, RelativeRange> = {
  "last-7-days": "previous-7-days",
  "last-30-days": "previous-30-days",
  "previous-month": "previous-month",
  "past-12-months": "previous-12-months",
};

/**
 * The range a schedule made from a report starts with: the report's preset's equivalent; a
 * custom From–To cannot repeat, so the frequency's default (`fromCustom` says so to the owner).
 */
export function rangeFromReport(reportRange: string | null, frequency: string): { range: RelativeRange; carried: boolean; fromCustom: boolean } {
  const preset = FROM_PRESET[reportRange as RangePreset];
  if (preset) return { range: preset, carried: true, fromCustom: false };
  return { range: defaultRange(frequency), carried: false, fromCustom: reportRange === "custom" };
}

const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

/** One date in words: the whole of it, or its day alone (the month said by the other end of a range). */
function dateWords(t: T, style: DateStyle) {
  if (style.lang === "fr") {
    const month = new Intl.DateTimeFormat("fr-FR", { month: "long", timeZone: "UTC" });
    const day = (d: Date) => (d.getUTCDate() === 1 ? t.firstOfMonth : String(d.getUTCDate()));
    return { dayFirst: true, day, full: (d: Date, year: boolean) => `${day(d)} ${month.format(d)}${year ? ` ${d.getUTCFullYear()}` : ""}` };
  }
  const locale = style.accountLocale.toLowerCase().startsWith("en") ? style.accountLocale : "en-GB";
  const withYear = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const withoutYear = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", timeZone: "UTC" });
  const parts = withoutYear.formatToParts(new Date(0)).map((p) => p.type);
  return { dayFirst: parts.indexOf("day") < parts.indexOf("month"), day: (d: Date) => String(d.getUTCDate()), full: (d: Date, year: boolean) => (year ? withYear : withoutYear).format(d) };
}

/** "1–31 December", "15 November – 14 December", "du 1er au 31 décembre", "le 30 novembre". */
export function rangeWords(range: { from: string; to: string }, t: T, style: DateStyle): string {
  const w = dateWords(t, style);
  const from = asDate(range.from);
  const to = asDate(range.to);
  if (range.from === range.to) return fill(t.dates.one, { day: w.full(from, false) });
  const years = from.getUTCFullYear() !== to.getUTCFullYear();
  if (!years && from.getUTCMonth() === to.getUTCMonth()) {
    return fill(t.dates.sameMonth, w.dayFirst ? { from: w.day(from), to: w.full(to, false) } : { from: w.full(from, false), to: w.day(to) });
  }
  return fill(t.dates.span, { from: w.full(from, years), to: w.full(to, years) });
}

/** "On 1 January at 06:00 GMT: 1–31 December" for a run at `runAt` covering `range`. */
export function runSentence(runAt: Date, range: { from: string; to: string }, t: T, style: DateStyle): string {
  const runDay = runAt.toISOString().slice(0, 10);
  return fill(t.nextRunSentence, { date: dateWords(t, style).full(asDate(runDay), false), time: hhmm(runAt.getUTCHours() * 60 + runAt.getUTCMinutes()), range: rangeWords(range, t, style) });
}

/** The schedule form's fields that decide the next run, as typed. */
export type RunFields = { frequency: string; weekday: string; monthDay: string; time: string; range: string; from: string; to: string };

/** The timing a form describes; null while a field is not (yet) valid. */
function timingOf(f: RunFields): Timing | null {
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(f.time.trim());
  const frequency = f.frequency;
  if (!time || !isFrequency(frequency)) return null;
  const weekday = frequency === "weekly" ? Number(f.weekday) : null;
  const monthDay = frequency === "monthly" ? (f.monthDay === "last" ? 0 : Number(f.monthDay)) : null;
  if (weekday !== null && !(weekday >= 1 && weekday <= 7)) return null;
  if (monthDay !== null && !(monthDay >= 0 && monthDay <= 28)) return null;
  return { frequency, weekday, monthDay, timeOfDay: Number(time[1]) * 60 + Number(time[2]) };
}

/** The form's next run in words, from `now`; null while the form does not describe one yet. */
export function formRunSentence(f: RunFields, now: Date, t: T, style: DateStyle): string | null {
  const timing = timingOf(f);
  const relative = isRelative(f.range) ? f.range : undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!timing || (!relative && !(f.range === "custom" && day.test(f.from) && day.test(f.to) && f.from <= f.to))) return null;
  const runAt = nextRunAfter(timing, now);
  return runSentence(runAt, rangeForRun(relative ?? "custom", runAt, { from: f.from, to: f.to }), t, style);
}
