/** How report values read on screen, in HTML files and in CSV: one place per column kind. */
import { csvText } from "@/lib/export/formula-safety";
import type { Cell, ColumnKind } from "@/lib/export/workbook";
import { formatDuration, formatLocalDate, formatLocalTime, formatMoney, minorToDecimal } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import type { ReportDefinition } from "./definitions";
import type { ReportQuery } from "./query";

export type Money = { currency: string; locale: string };

/** The names of the people and groups a report is filtered on, for its heading. */
export type FilterNames = { cardholders: string[]; owners: string[]; groups: string[] };

const integers = new Map<string, Intl.NumberFormat>();
const integer = (locale: string) => {
  let format = integers.get(locale);
  if (!format) integers.set(locale, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return format;
};

/** A cell as text for a person: dates and times in GMT, the account's locale and currency. */
/** Date and time columns of reports hold instants as ms since the epoch (see definitions.ts). */
const instant = (kind: ColumnKind, value: Cell): Cell => (typeof value === "number" && (kind === "date" || kind === "time") ? new Date(value) : value);

export function displayCell(kind: ColumnKind, cell: Cell, money: Money): string {
  const value = instant(kind, cell);
  if (value === null || value === "") return "";
  if (value instanceof Date) return kind === "time" ? formatLocalTime(value, "UTC", money.locale, true) : formatLocalDate(value, "UTC", money.locale);
  if (typeof value === "number") {
    if (kind === "duration") return formatDuration(value);
    if (kind === "money") return formatMoney(value, money.currency, money.locale);
    return integer(money.locale).format(value);
  }
  return value;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A cell for a CSV file read by programs: ISO dates, 24-hour GMT times, H:MM:SS durations, amounts
 * with a decimal point; text through the formula-safety rule.
 */
export function csvCell(kind: ColumnKind, cell: Cell, currency: string): string | number {
  const value = instant(kind, cell);
  if (value === null) return "";
  if (value instanceof Date) return kind === "time" ? `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}` : value.toISOString().slice(0, 10);
  if (typeof value === "number") {
    if (kind === "duration") return formatDuration(value);
    if (kind === "money") return minorToDecimal(value, currency);
    return value;
  }
  return csvText(value);
}

/** A GMT day (YYYY-MM-DD) in the account's locale. */
export const displayDay = (day: string, locale: string) => formatLocalDate(new Date(`${day}T00:00:00Z`), "UTC", locale);

/** What a report is about, for the header of a file or a page. */
export function reportHeading(def: ReportDefinition, query: ReportQuery, c: { t: Messages; account: { locale: string } }): string {
  const name = c.t.reports.types[def.type].name;
  return def.usesRange ? fill(c.t.reports.heading, { report: name, from: displayDay(query.from, c.account.locale), to: displayDay(query.to, c.account.locale) }) : name;
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

/** "1 line", "12 lines": the count of a report's lines, in the UI language. */
export const linesLabel = (count: number, t: Messages, locale?: string) => (count === 1 ? t.reports.oneLine : fill(t.reports.lines, { count: locale ? count.toLocaleString(locale) : count }));
