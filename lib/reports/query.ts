/**
 * What a report is: its type, its date range (GMT days, inclusive) and its filters, as read from
 * and written to a URL. The report builder, the downloads and the scheduled reports all store a
 * report as these search parameters. Plain TypeScript (no server-only): the job worker uses it too.
 */
import { products, type Product } from "@/db/schema/accounts";
import { formatDay } from "@/lib/format";
import { fill, messages, type Messages } from "@/lib/i18n/messages";
import { isoDay } from "@/lib/time-zone";

export const reportTypes = [
  "activity",
  "user-status",
  "toll-free",
  "conference-history",
  "participation",
  "billing-history",
  "phone-numbers",
  "usage",
  "conference-rooms",
] as const;
export type ReportType = (typeof reportTypes)[number];

/** Ranges relative to the day the report is made (GMT); `custom` is an explicit From–To. */
export const rangePresets = ["last-7-days", "last-30-days", "previous-month", "past-12-months"] as const;
export type RangePreset = (typeof rangePresets)[number];
type ReportRange = RangePreset | "custom";

export type ReportQuery = {
  type: ReportType;
  /** How from/to were chosen: a preset (resolved against the day the report is made) or custom. */
  range: ReportRange;
  /** First and last day of the report, YYYY-MM-DD, GMT, inclusive. */
  from: string;
  to: string;
  /** User ids; the people filters add up (a cardholder, or an owner, or a group member…). None: everyone. */
  cardholders: number[];
  /**
   * Every cardholder of the account (`cardholder=all`): what ticking all 2,000 of them means, said
   * in one word instead of 2,000 ids (a URL that long no longer fits a request's headers).
   */
  allCardholders: boolean;
  owners: number[];
  groups: number[];
  ungrouped: boolean;
  /** None: every product. */
  products: Product[];
};

export type ReportQueryResult = { ok: true; query: ReportQuery } | { ok: false; errors: Record<string, string[]> };

/** The `cardholder` value meaning every cardholder of the account. */
export const ALL = "all";

/** URL parameter names. Lists are read from repeated parameters (as a form of checkboxes sends them) and from comma-separated values. */
export const PARAM = { type: "type", range: "range", from: "from", to: "to", cardholder: "cardholder", owner: "owner", group: "group", ungrouped: "ungrouped", product: "product" } as const;

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The GMT day of an instant, as YYYY-MM-DD. */
export const gmtDay = isoDay;

/** The first day a report may start on: the same day one year earlier (28 Feb for 29 Feb). */
export function earliestDay(now: Date): string {
  const y = now.getUTCFullYear() - 1;
  const m = now.getUTCMonth();
  const lastOfMonth = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return isoDay(Date.UTC(y, m, Math.min(now.getUTCDate(), lastOfMonth)));
}

/** A preset's first and last day, both inside the past year. */
export function resolvePreset(preset: RangePreset, now: Date): { from: string; to: string } {
  const today = dayMs(gmtDay(now));
  switch (preset) {
    case "last-7-days":
      return { from: isoDay(today - 6 * DAY_MS), to: isoDay(today) };
    case "last-30-days":
      return { from: isoDay(today - 29 * DAY_MS), to: isoDay(today) };
    case "previous-month": {
      const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
      return { from: isoDay(first), to: isoDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)) };
    }
    case "past-12-months":
      return { from: earliestDay(now), to: isoDay(today) };
  }
}

/** A real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = dayMs(value);
  return Number.isFinite(ms) && isoDay(ms) === value;
}

const isId = (value: string) => /^[1-9]\d{0,15}$/.test(value) && Number.isSafeInteger(Number(value));

/** Records a problem with a field, in the messages' language. */
type Fail = (field: string, message: string) => void;
type ErrorTexts = Messages["reports"]["errors"];

/**
 * Reads a report from URL search parameters. Presets are resolved against `now` (GMT). Every
 * problem is reported, per field, in the messages' language (English by default), its dates in
 * `locale`'s style (the account's); a problem of both ends of the range is told once. Ids are only
 * checked for shape here — whether they belong to the account is checked against the database.
 */
export function parseReportQuery(params: URLSearchParams, now: Date, t: Messages = messages.en, locale = "en-GB"): ReportQueryResult {
  const e = t.reports.errors;
  const errors: Record<string, string[]> = {};
  const fail: Fail = (field, message) => (errors[field] ??= []).push(message);

  const typeValue = params.get(PARAM.type) ?? "";
  const type = reportTypes.find((r) => r === typeValue);
  if (!type) fail("type", typeValue ? fill(e.unknownType, { value: typeValue.slice(0, 40) }) : e.noType);
  const { range, from, to } = readRange(params, now, e, fail, locale);
  const filters = readFilters(params, e, fail);

  if (Object.keys(errors).length || !type || !range) return { ok: false, errors };
  return { ok: true, query: { type, range, from, to, ...filters } };
}

/** The range and its days: a preset's, resolved against `now`, or a custom From–To within the past year. */
function readRange(params: URLSearchParams, now: Date, e: ErrorTexts, fail: Fail, locale: string): { range?: ReportRange; from: string; to: string } {
  const rangeValue = params.get(PARAM.range) ?? (params.has(PARAM.from) || params.has(PARAM.to) ? "custom" : "");
  const preset = rangePresets.find((p) => p === rangeValue);
  if (preset) return { range: preset, ...resolvePreset(preset, now) };
  if (rangeValue !== "custom") {
    fail("range", rangeValue ? fill(e.unknownRange, { value: rangeValue.slice(0, 40) }) : e.noRange);
    return { from: "", to: "" };
  }
  const from = (params.get(PARAM.from) ?? "").trim();
  const to = (params.get(PARAM.to) ?? "").trim();
  const earliest = earliestDay(now);
  const today = gmtDay(now);
  const outside = fill(e.outsideYear, { earliest: formatDay(earliest, locale), today: formatDay(today, locale) });
  const fromOutside = isDay(from) && (from < earliest || from > today);
  if (!from) fail("from", e.fromMissing);
  else if (!isDay(from)) fail("from", e.badDate);
  else if (fromOutside) fail("from", outside);
  if (!to) fail("to", e.toMissing);
  else if (!isDay(to)) fail("to", e.badDate);
  // Both ends outside the year: one message, at From, says what to choose for both.
  else if ((to < earliest || to > today) && !fromOutside) fail("to", outside);
  if (isDay(from) && isDay(to) && from > to) fail("to", e.fromAfterTo);
  return { range: "custom", from, to };
}

/** The people and product filters; ids are checked for shape only. */
function readFilters(params: URLSearchParams, e: ErrorTexts, fail: Fail): Omit<ReportQuery, "type" | "range" | "from" | "to"> {
  const allCardholders = params.getAll(PARAM.cardholder).some((v) => v.split(",").some((id) => id.trim() === ALL));
  const ids = (name: string, field: string) => {
    const values = params.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v && !(name === PARAM.cardholder && v === ALL));
    const bad = values.filter((v) => !isId(v));
    if (bad.length) fail(field, fill(e.unknownIds, { ids: bad.slice(0, 5).join(", ").slice(0, 80) }));
    return [...new Set(values.filter(isId).map(Number))].sort((a, b) => a - b);
  };
  const cardholders = ids(PARAM.cardholder, "cardholders");
  const owners = ids(PARAM.owner, "owners");
  const groups = ids(PARAM.group, "groups");
  const ungroupedValue = params.get(PARAM.ungrouped);
  if (ungroupedValue !== null && !["1", "true", "on"].includes(ungroupedValue)) fail("ungrouped", e.badUngrouped);
  const productValues = params.getAll(PARAM.product).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  const badProducts = productValues.filter((p) => !(products as readonly string[]).includes(p));
  if (badProducts.length) fail("products", fill(e.unknownProducts, { values: badProducts.slice(0, 5).join(", ").slice(0, 80) }));
  return {
    // Every cardholder includes any listed one.
    cardholders: allCardholders ? [] : cardholders,
    allCardholders,
    owners,
    groups,
    ungrouped: ungroupedValue !== null,
    products: products.filter((p) => productValues.includes(p)),
  };
}

/** The URL search parameters of a report; `parseReportQuery` reads them back to the same report. */
export function reportSearchParams(query: ReportQuery): URLSearchParams {
  const params = new URLSearchParams({ [PARAM.type]: query.type, [PARAM.range]: query.range });
  if (query.range === "custom") {
    params.set(PARAM.from, query.from);
    params.set(PARAM.to, query.to);
  }
  // Lists as one comma-separated value: 2,000 selected cardholders still fit in a URL.
  if (query.allCardholders) params.set(PARAM.cardholder, ALL);
  else if (query.cardholders.length) params.set(PARAM.cardholder, query.cardholders.join(","));
  if (query.owners.length) params.set(PARAM.owner, query.owners.join(","));
  if (query.groups.length) params.set(PARAM.group, query.groups.join(","));
  if (query.ungrouped) params.set(PARAM.ungrouped, "1");
  if (query.products.length) params.set(PARAM.product, query.products.join(","));
  return params;
}

/** True when no people filter is set: the report covers everyone of the account. */
export const everyone = (query: ReportQuery) => !query.cardholders.length && !query.allCardholders && !query.owners.length && !query.groups.length && !query.ungrouped;
