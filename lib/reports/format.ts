/** How report values read on screen, in HTML files and in CSV: one place per column kind. */
import { csvText } from "@/lib/export/formula-safety";
import type { Cell, ColumnKind } from "@/lib/export/workbook";
import { formatCount, formatDay, formatDuration, formatLocalDate, formatLocalTime, formatMoney, formatRate, minorToDecimal, rateToDecimal } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { periodLabel, type Period } from "@/lib/periods";
import type { ReportDefinition } from "./definitions";
import type { ReportQuery } from "./query";

export type Money = { currency: string; locale: string };

/** The names of the people and groups a report is filtered on, for its heading. */
export type FilterNames = { cardholders: string[]; owners: string[]; groups: string[] };

const DATE_KINDS = new Set<ColumnKind>(["date", "datetime", "time", "month"]);
/** Date-like columns of reports hold instants as ms since the epoch (see definitions.ts). */
const instant = (kind: ColumnKind, value: Cell): Cell => (typeof value === "number" && DATE_KINDS.has(kind) ? new Date(value) : value);

/** A date-like cell as a person reads it, in GMT; a month's name in the UI language. */
function displayDate(kind: ColumnKind, value: Date, locale: string, language: string): string {
  if (kind === "time") return formatLocalTime(value, "UTC", locale, true);
  if (kind === "month") return periodLabel(value.toISOString().slice(0, 10) as Period, language);
  const date = formatLocalDate(value, "UTC", locale);
  return kind === "datetime" ? `${date} ${formatLocalTime(value, "UTC", locale, true)}` : date;
}

/** A cell as text for a person: dates and times in GMT, the account's locale and currency; month names in `language`. */
export function displayCell(kind: ColumnKind, cell: Cell, money: Money, language = money.locale): string {
  const value = instant(kind, cell);
  if (value === null || value === "") return "";
  if (value instanceof Date) return displayDate(kind, value, money.locale, language);
  if (typeof value === "number") {
    if (kind === "duration") return formatDuration(value);
    if (kind === "money") return formatMoney(value, money.currency, money.locale);
    if (kind === "rate") return formatRate(value, money.currency, money.locale);
    return formatCount(value, money.locale);
  }
  return value;
}

/** Columns of numbers, aligned right on pages and in HTML files. */
export const isNumeric = (kind: ColumnKind) => kind === "int" || kind === "duration" || kind === "money" || kind === "rate";

const pad = (n: number) => String(n).padStart(2, "0");

/** A date-like cell for programs: ISO days (`2026-03-15`) and months (`2026-03`), 24-hour GMT times. */
function csvDate(kind: ColumnKind, value: Date): string {
  const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  const day = value.toISOString().slice(0, 10);
  return kind === "time" ? time : kind === "month" ? day.slice(0, 7) : kind === "datetime" ? `${day} ${time}` : day;
}

/**
 * A cell for a CSV file read by programs: ISO dates, 24-hour GMT times, HH:MM:SS durations, amounts
 * and rates with a decimal point; text (phone numbers too) through the formula-safety rule.
 */
export function csvCell(kind: ColumnKind, cell: Cell, currency: string): string | number {
  const value = instant(kind, cell);
  if (value === null) return "";
  if (value instanceof Date) return csvDate(kind, value);
  if (typeof value === "number") {
    if (kind === "duration") return formatDuration(value);
    if (kind === "money") return minorToDecimal(value, currency);
    if (kind === "rate") return rateToDecimal(value);
    return value;
  }
  return csvText(value);
}

/** What a report is about, for the header of a file or a page. */
export function reportHeading(def: ReportDefinition, query: ReportQuery, c: { t: Messages; account: { locale: string } }): string {
  const name = c.t.reports.types[def.type].name;
  return def.usesRange ? fill(c.t.reports.heading, { report: name, from: formatDay(query.from, c.account.locale), to: formatDay(query.to, c.account.locale) }) : name;
}

/** "Cardholders: Ann, Bob · Groups: Sales · Products: Audio", or "all users, all products". */
export function filterSummary(query: ReportQuery, names: FilterNames, t: Messages): string {
  const f = t.reports.filters;
  const list = (values: string[]) => (values.length > 5 ? `${values.slice(0, 5).join(", ")} (+${values.length - 5})` : values.join(", "));
  const item = (label: string, value: string) => fill(t.reports.labelValue, { label, value });
  const parts = [
    query.allCardholders ? item(f.cardholders, f.every) : names.cardholders.length ? item(f.cardholders, list(names.cardholders)) : "",
    names.owners.length ? item(f.owners, list(names.owners)) : "",
    names.groups.length ? item(f.groups, list(names.groups)) : "",
    query.ungrouped ? f.ungrouped : "",
    query.products.length ? item(f.products, query.products.map((p) => t.reports.products[p]).join(", ")) : "",
  ].filter(Boolean);
  return fill(t.reports.filtersApplied, { filters: parts.length ? parts.join(" · ") : t.reports.everyone });
}

/** "1 line", "5 675 lines": the count of a report's lines, in the UI language and the account's digits. */
export const linesLabel = (count: number, t: Messages, locale: string) => plural(t.lang, count, t.reports.lines, {}, locale);
