import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { reportSchedules } from "@/db/schema";
import { checkScope, type AccountScope } from "@/lib/auth/scope";
import { getReportFilterNames } from "@/lib/data/reports";
import { ValidationError } from "@/lib/errors";
import { messages, type Locale, type Messages } from "@/lib/i18n/messages";
import { reportDefinition } from "@/lib/reports/definitions";
import { loadReportContext, reportExport } from "@/lib/reports/export";
import { filterSummary } from "@/lib/reports/format";
import { earliestDay, parseReportQuery, PARAM, rangePresets, reportSearchParams, reportTypes, type ReportQuery } from "@/lib/reports/query";
import type { RenderReport } from "./runs";

/** What a schedule keeps of a report: its type and filters; the dates are the schedule's own. */
const RANGE_PARAMS: string[] = [PARAM.range, PARAM.from, PARAM.to];

/**
 * Checks a report's search parameters (as /reports writes them) and returns them without their
 * dates, ready to store; null when the report is not valid.
 */
export function scheduleReportQuery(search: string, now: Date): string | null {
  const params = new URLSearchParams(search.replace(/^\?/, ""));
  for (const p of RANGE_PARAMS) params.delete(p);
  if (!reportTypes.includes(params.get(PARAM.type) as (typeof reportTypes)[number])) return null;
  // Any range will do to check the rest: the schedule brings its own.
  params.set(PARAM.range, rangePresets[0]);
  const parsed = parseReportQuery(params, now);
  if (!parsed.ok) return null;
  const stored = reportSearchParams(parsed.query);
  for (const p of RANGE_PARAMS) stored.delete(p);
  return stored.toString();
}

/**
 * The report query of a run: the stored type and filters with the run's GMT dates. A run retried
 * a day or more after its time starts no earlier than a report may (usage older than a year is
 * purged): "previous 12 months" starts on that very day.
 */
export function runReportQuery(stored: string, from: string, to: string, now: Date): ReportQuery {
  const params = new URLSearchParams(stored);
  const earliest = earliestDay(now);
  params.set(PARAM.range, "custom");
  params.set(PARAM.from, from < earliest && to >= earliest ? earliest : from);
  params.set(PARAM.to, to);
  const parsed = parseReportQuery(params, now);
  if (!parsed.ok) throw new Error(Object.values(parsed.errors).flat().join(" "));
  return parsed.query;
}

/** Builds a run's report file with the report builder's own export, in the account's language. */
export const renderScheduledReport: RenderReport = async ({ accountId, scheduleId, query, from, to, format, now }) => {
  const db = await getDb();
  const [schedule] = await db.select({ ownerId: reportSchedules.ownerId }).from(reportSchedules).where(and(eq(reportSchedules.accountId, accountId), eq(reportSchedules.id, scheduleId)));
  // The report is made as the owner who set the schedule up, who must still own the account.
  const checked = schedule && (await checkScope(db, { userId: schedule.ownerId, accountId, roomId: null }));
  if (checked?.scope.kind !== "account") throw new Error("the schedule's owner no longer owns the account");
  const english = await loadReportContext(checked.scope, "en", now);
  const locale: Locale = english.account.locale.toLowerCase().startsWith("fr") ? "fr" : "en";
  return reportExport({ ...english, locale, t: messages[locale] }, runReportQuery(query, from, to, now), format);
};

/**
 * A stored report's filters in words, with the names of the account's people and groups
 * ("Filters: Cardholders: Marilène Dupont, Jean Martin · Products: Toll-free"); null for a report
 * that takes no filters. Filters naming people no longer in the account say so.
 */
export async function describeScheduleFilters(scope: AccountScope, stored: string, t: Messages, now: Date): Promise<string | null> {
  const today = now.toISOString().slice(0, 10);
  let query: ReportQuery;
  try {
    query = runReportQuery(stored, today, today, now);
  } catch {
    return null;
  }
  if (!reportDefinition(query.type).usesFilters) return null;
  try {
    return filterSummary(query, await getReportFilterNames(scope, query, t), t);
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
}
