import type { AccountScope } from "@/lib/auth/scope";
import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import type { Cell } from "@/lib/export/workbook";
import type { Locale, Messages } from "@/lib/i18n/messages";
import { readPage, type Page } from "@/lib/paging";
import { reportDefinition, summaryPageQuery, totalsByColumn, totalsQuery, type ReportDefinition, type Row } from "./definitions";
import type { ReportQuery } from "./query";

export type ReportPage = {
  lines: Cell[][];
  page: Omit<Page<never>, "items">;
  /** The whole report's sums, by column index. */
  total: Partial<Record<number, number>>;
  /** The sums of the lines shown, by column index. */
  subtotal: Partial<Record<number, number>>;
};

type Slice = { offset: number; limit: number };
type Read = { rows: Row[]; totals: Row };

/**
 * A summary's page: lines and totals in one pass. Past the last page nothing comes back, so the
 * totals are then read apart.
 */
function summaryPages(db: Database, def: ReportDefinition, accountId: number, query: ReportQuery) {
  return async (slice: Slice): Promise<Read> => {
    const { rows } = await db.execute<Row>(summaryPageQuery(def, accountId, query, slice.limit, slice.offset));
    if (!rows.length) return { rows, totals: (await db.execute<Row>(totalsQuery(def, accountId, query))).rows[0]! };
    return { rows, totals: Object.fromEntries(Object.entries(rows[0]!).filter(([k]) => k.startsWith("total_")).map(([k, v]) => [k.slice(6), v])) };
  };
}

/** A long report's page: its lines alone (LIMIT/OFFSET), beside the totals, read once in parallel with the first try. */
function linePages(db: Database, def: ReportDefinition, accountId: number, query: ReportQuery) {
  let totals: Promise<Row> | undefined;
  return async (slice: Slice): Promise<Read> => {
    totals ??= db.execute<Row>(totalsQuery(def, accountId, query)).then((r) => r.rows[0]!);
    const [{ rows }, all] = await Promise.all([db.execute<Row>(sql`${def.rows(accountId, query)} limit ${slice.limit} offset ${slice.offset}`), totals]);
    return { rows, totals: all };
  };
}

/**
 * One page of a report for the screen: its lines, read alone (LIMIT/OFFSET on the report's own
 * order), beside the count and the sums of the whole report. Past the last page, the last page.
 */
export async function getReportPage(scope: AccountScope, query: ReportQuery, requested: string | undefined, c: { t: Messages; locale: Locale; currency: string }): Promise<ReportPage> {
  const def = reportDefinition(query.type);
  const db = await getDb();
  const pages = (def.summary ? summaryPages : linePages)(db, def, scope.accountId, query);
  const { list, page } = await readPage(requested, pages, (read) => Number(read.totals.lines));
  const lines = list.rows.map((row) => def.line(row, c));
  const subtotal: Partial<Record<number, number>> = {};
  def.columns.forEach((col, i) => {
    if (col.sum) subtotal[i] = lines.reduce((sum, line) => sum + Number(line[i] ?? 0), 0);
  });
  return { lines, page, total: totalsByColumn(def, list.totals), subtotal };
}
