import type { AccountScope } from "@/lib/auth/scope";
import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { Cell } from "@/lib/export/workbook";
import type { Locale, Messages } from "@/lib/i18n/messages";
import { pageOf, type Page } from "@/lib/paging";
import { reportDefinition, summaryPageQuery, totalsByColumn, totalsQuery, type Row } from "./definitions";
import type { ReportQuery } from "./query";

export type ReportPage = {
  lines: Cell[][];
  page: Omit<Page<never>, "items">;
  /** The whole report's sums, by column index. */
  total: Partial<Record<number, number>>;
  /** The sums of the lines shown, by column index. */
  subtotal: Partial<Record<number, number>>;
};

/**
 * One page of a report for the screen: its lines, read alone (LIMIT/OFFSET on the report's own
 * order), beside the count and the sums of the whole report. Past the last page, the last page.
 */
export async function getReportPage(scope: AccountScope, query: ReportQuery, requested: string | undefined, c: { t: Messages; locale: Locale; currency: string }): Promise<ReportPage> {
  const { accountId } = scope;
  const def = reportDefinition(query.type);
  const db = await getDb();
  const read = (p: { offset: number; limit: number }) => db.execute<Row>(sql`${def.rows(accountId, query)} limit ${p.limit} offset ${p.offset}`).then((r) => r.rows);
  const wanted = pageOf(Number.MAX_SAFE_INTEGER, requested);
  let rows: Row[];
  let totals: Row;
  if (def.summary) {
    // Lines and totals in one pass; past the last page nothing comes back, so the count is read apart.
    const summaryPage = (p: { offset: number; limit: number }) => db.execute<Row>(summaryPageQuery(def, accountId, query, p.limit, p.offset)).then((r) => r.rows);
    rows = await summaryPage(wanted);
    if (rows.length) totals = Object.fromEntries(Object.entries(rows[0]!).filter(([k]) => k.startsWith("total_")).map(([k, v]) => [k.slice(6), v]));
    else totals = (await db.execute<Row>(totalsQuery(def, accountId, query))).rows[0]!;
    const page = pageOf(Number(totals.lines), requested);
    if (page.page !== wanted.page) rows = await summaryPage(page);
  } else {
    const [firstTry, all] = await Promise.all([read(wanted), db.execute<Row>(totalsQuery(def, accountId, query)).then((r) => r.rows[0]!)]);
    totals = all;
    const page = pageOf(Number(totals.lines), requested);
    rows = page.page === wanted.page ? firstTry : await read(page);
  }
  const page = pageOf(Number(totals.lines), requested);
  const lines = rows.map((row) => def.line(row, c));
  const subtotal: Partial<Record<number, number>> = {};
  def.columns.forEach((col, i) => {
    if (col.sum) subtotal[i] = lines.reduce((sum, line) => sum + Number(line[i] ?? 0), 0);
  });
  return { lines, page, total: totalsByColumn(def, totals), subtotal };
}
