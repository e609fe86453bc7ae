import { TZDate } from "@date-fns/tz";

/**
 * Billing periods are calendar months in the account's time zone, written as their first day
 * ("2026-10-01") in the database and as "2026-10" in URLs.
 */
export type Period = string;

const pad = (n: number) => String(n).padStart(2, "0");

export function periodOf(instant: Date, timeZone: string): Period {
  const local = new TZDate(instant.getTime(), timeZone);
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-01`;
}

export function addMonths(period: Period, months: number): Period {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`;
}

/** The UTC instants where the period starts and where the next one starts. */
export function periodBounds(period: Period, timeZone: string): { start: Date; end: Date } {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return {
    start: new Date(new TZDate(y, m - 1, 1, timeZone).getTime()),
    end: new Date(new TZDate(y, m, 1, timeZone).getTime()),
  };
}

/** The periods an OAI user may choose: the current month and the 3 before it, newest first. */
export function selectablePeriods(timeZone: string, now = new Date()): Period[] {
  const current = periodOf(now, timeZone);
  return [0, -1, -2, -3].map((offset) => addMonths(current, offset));
}

export const toUrlPeriod = (period: Period) => period.slice(0, 7);

/** Parses a "YYYY-MM" URL value; undefined when malformed. */
export function fromUrlPeriod(value: string | undefined): Period | undefined {
  if (!value || !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) return undefined;
  return `${value}-01`;
}

/** "novembre 2026" → "Novembre 2026": a month's name in the UI language. */
const monthFormats = new Map<string, Intl.DateTimeFormat>();

export function periodLabel(period: Period, locale: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  let format = monthFormats.get(locale);
  if (!format) monthFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" })));
  const label = format.format(Date.UTC(y, m - 1, 1));
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** A month's name inside a sentence: French writes it in lower case ("en novembre 2026"), English not. */
export const periodInSentence = (period: Period, locale: string) => (locale.startsWith("fr") ? periodLabel(period, locale).toLocaleLowerCase(locale) : periodLabel(period, locale));

/**
 * The period a page shows from its `period` URL value: the current month when absent; `undefined`
 * when the value is malformed or outside the selectable months.
 */
export function choosePeriod(value: string | undefined, timeZone: string, now = new Date()): { period: Period | undefined; periods: Period[] } {
  const periods = selectablePeriods(timeZone, now);
  if (value === undefined) return { period: periods[0], periods };
  const period = fromUrlPeriod(value);
  return { period: period && periods.includes(period) ? period : undefined, periods };
}
