import type { ReportSchedule } from "@/db/schema";
import { fill, type Messages } from "@/lib/i18n/messages";
import { gmtOffset } from "@/lib/format";
import { PARAM, reportTypes, type ReportType } from "@/lib/reports/query";
import { isoDay } from "@/lib/time-zone";

/** "2026-11-25 06:00 GMT" — schedule times are always shown in GMT, as they are set. */
export const formatGmt = (date: Date | null | undefined) => (date ? `${date.toISOString().slice(0, 16).replace("T", " ")} GMT` : "");

/** A time of day, from minutes after midnight: "06:00". */
export const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export function describeFrequency(s: Pick<ReportSchedule, "frequency" | "weekday" | "monthDay" | "timeOfDay">, t: Messages["schedules"]): string {
  const time = hhmm(s.timeOfDay);
  if (s.frequency === "weekly") return fill(t.every.weekly, { weekday: t.weekdays[(s.weekday ?? 1) - 1]!, time });
  if (s.frequency === "monthly") return s.monthDay === 0 ? fill(t.every.monthlyLast, { time }) : fill(t.every.monthly, { day: s.monthDay ?? 1, time });
  return fill(t.every.daily, { time });
}

export function reportName(query: string, t: Messages): string {
  const type = new URLSearchParams(query).get(PARAM.type) as ReportType | null;
  return type && reportTypes.includes(type) ? t.reports.types[type].name : query;
}

/** The form's clock: today's GMT day (a custom range ends by then), and where the account's zone stands against GMT today. */
export function formClock(t: Messages["schedules"], timeZone: string, now: Date): { today: string; parisTime: string } {
  return { today: isoDay(now), parisTime: fill(t.timeHint, { zone: timeZone, offset: gmtOffset(now, timeZone) }) };
}

/** Every report type, plus the report the owner came from (with its filters) first. */
export function reportChoices(t: Messages, current?: string): { value: string; label: string }[] {
  const plain = reportTypes.map((type) => ({ value: `${PARAM.type}=${type}`, label: t.reports.types[type].name }));
  if (!current || plain.some((p) => p.value === current)) return plain;
  return [{ value: current, label: fill(t.schedules.withFilters, { report: reportName(current, t) }) }, ...plain];
}
