import type { ReportSchedule } from "@/db/schema";
import { fill, locales, messages, type Locale, type Messages } from "@/lib/i18n/messages";
import { formatDay, gmtOffset } from "@/lib/format";
import { PARAM, reportTypes, type ReportType } from "@/lib/reports/query";
import { isoDay } from "@/lib/time-zone";
import { rangeWords, runSentence, type DateStyle } from "./next-run";
import { hhmm, rangeForRun } from "./timing";

export function describeFrequency(s: Pick<ReportSchedule, "frequency" | "weekday" | "monthDay" | "timeOfDay">, t: Messages["schedules"]): string {
  const time = hhmm(s.timeOfDay);
  if (s.frequency === "weekly") return fill(t.every.weekly, { weekday: t.weekdays[(s.weekday ?? 1) - 1]!, time });
  if (s.frequency === "monthly") {
    // Day 0 is the month's last; day 1 has its own words (French writes it "1er").
    if (s.monthDay === 0) return fill(t.every.monthlyLast, { time });
    return (s.monthDay ?? 1) === 1 ? fill(t.every.monthlyFirst, { time }) : fill(t.every.monthly, { day: s.monthDay!, time });
  }
  return fill(t.every.daily, { time });
}

export function reportName(query: string, t: Messages): string {
  const type = new URLSearchParams(query).get(PARAM.type) as ReportType | null;
  return type && reportTypes.includes(type) ? t.reports.types[type].name : query;
}

/**
 * The form's clock: today's GMT day (a custom range ends by then; as the input's value, and as
 * a person reads it), where the account's zone stands
 * against GMT today, and how the next run's sentence writes dates (UI language, account's order).
 */
export function formClock(t: Messages["schedules"], account: { timeZone: string; locale: string }, lang: Locale, now: Date) {
  return { today: isoDay(now), todayLabel: formatDay(isoDay(now), account.locale), parisTime: fill(t.timeHint, { zone: account.timeZone, offset: gmtOffset(now, account.timeZone) }), dateStyle: { lang, accountLocale: account.locale }, now: now.toISOString() };
}

/** Every report type, plus the report the owner came from (with its filters, in words) first. */
export function reportChoices(t: Messages, current?: string, filters?: string | null): { value: string; label: string }[] {
  const plain = reportTypes.map((type) => ({ value: `${PARAM.type}=${type}`, label: t.reports.types[type].name }));
  if (!current || plain.some((p) => p.value === current)) return plain;
  return [{ value: current, label: filters ? fill(t.schedules.withFilters, { report: reportName(current, t), filters }) : reportName(current, t) }, ...plain];
}

/**
 * A schedule's name in `t`'s language: the name the form suggested (its own report's name, in
 * whichever language its author used) is that report's name in `t`'s; any other name, even
 * another report's, is the owner's and stays as typed. The e-mail, sent in the account's
 * language, names the report in that language.
 */
export function scheduleName(s: { name: string; reportQuery: string }, t: Messages): string {
  const suggested = locales.map((l) => reportName(s.reportQuery, messages[l]));
  return suggested.includes(s.name.trim()) ? reportName(s.reportQuery, t) : s.name;
}

/** What a saved schedule delivers, in words: its report, its range, and its next run's sentence ("" when none is due). */
export function scheduleSummary(s: Pick<ReportSchedule, "reportQuery" | "range" | "rangeFrom" | "rangeTo" | "format" | "nextRunAt">, t: Messages, style: DateStyle) {
  const custom = s.rangeFrom && s.rangeTo ? { from: s.rangeFrom, to: s.rangeTo } : undefined;
  const range = custom ? `${t.schedules.ranges.custom} (${rangeWords(custom, t.schedules, style)})` : t.schedules.ranges[s.range];
  const nextRun = s.nextRunAt ? runSentence(s.nextRunAt, rangeForRun(s.range, s.nextRunAt, custom), t.schedules, style) : "";
  return { report: `${reportName(s.reportQuery, t)} · ${t.schedules.formats[s.format]}`, range, nextRun };
}
