import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Queryable } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";
import { oneRow, rows } from "@/db/rows";
import type { AccountScope } from "@/lib/auth/scope";
import { getAccount } from "@/lib/data/account";
import { ValidationError } from "@/lib/errors";
import type { Cell } from "@/lib/export/workbook";
import { fill, type Locale, type Messages } from "@/lib/i18n/messages";
import { readPage, type Page } from "@/lib/paging";
import { reportDefinition, reportRow, summaryPageQuery, totalsByColumn, totalsQuery, type ReportDefinition, type Row } from "@/lib/reports/definitions";
import type { FilterNames } from "@/lib/reports/format";
import { parseReportQuery, type ReportQuery } from "@/lib/reports/query";

export { products } from "@/db/schema/accounts";

const person = z.object({ id: z.coerce.number(), name: z.string(), email: z.string() });
const group = z.object({ id: z.coerce.number(), name: z.string(), members: z.number() });
const named = z.object({ id: z.coerce.number(), name: z.string() });

type Person = z.output<typeof person>;
type Group = z.output<typeof group>;
export type FilterOptions = { cardholders: Person[]; owners: Person[]; groups: Group[] };

/** The cardholders, owners and groups the report builder offers: the account's own. */
export async function getReportFilterOptions(scope: AccountScope): Promise<FilterOptions> {
  const db = await getReadDb();
  const [cardholders, owners, groups] = await Promise.all([
    rows(db, person, sql`
      select u.id, u.display_name as name, u.email from users u
      where u.id in (select cardholder_id from rooms where account_id = ${scope.accountId})
      order by lower(u.display_name), u.id`),
    rows(db, person, sql`
      select u.id, u.display_name as name, u.email from account_members m join users u on u.id = m.user_id
      where m.account_id = ${scope.accountId} and m.role = 'owner' order by lower(u.display_name), u.id`),
    rows(db, group, sql`
      select g.id, g.name, (select count(*) from group_members gm where gm.account_id = g.account_id and gm.group_id = g.id)::int as members
      from groups g where g.account_id = ${scope.accountId} order by lower(g.name), g.id`),
  ]);
  return { cardholders, owners, groups };
}

/**
 * The names of a report's filter ids within the account; any id that is not one of the account's
 * cardholders, owners or groups (another account's is as unknown as one that never existed) is a
 * ValidationError naming the field. `db`: the transaction of a schedule being saved.
 */
export async function getReportFilterNames(scope: AccountScope, query: ReportQuery, t: Messages, db?: Queryable): Promise<FilterNames> {
  const q = db ?? (await getReadDb());
  const { accountId } = scope;
  const none = Promise.resolve([]);
  const [cardholders, owners, groups] = await Promise.all([
    query.cardholders.length
      ? rows(q, named, sql`
          select u.id, u.display_name as name from users u
          where u.id in ${query.cardholders} and exists (select 1 from rooms r where r.account_id = ${accountId} and r.cardholder_id = u.id)
          order by lower(u.display_name), u.id`)
      : none,
    query.owners.length
      ? rows(q, named, sql`
          select u.id, u.display_name as name from account_members m join users u on u.id = m.user_id
          where m.account_id = ${accountId} and m.role = 'owner' and u.id in ${query.owners} order by lower(u.display_name), u.id`)
      : none,
    query.groups.length ? rows(q, named, sql`select id, name from groups where account_id = ${accountId} and id in ${query.groups} order by lower(name), id`) : none,
  ]);
  const e = t.reports.errors;
  for (const [field, wanted, found, message] of [
    ["cardholders", query.cardholders, cardholders, e.unknownCardholders],
    ["owners", query.owners, owners, e.unknownOwners],
    ["groups", query.groups, groups, e.unknownGroups],
  ] as const) {
    const ids = new Set(found.map((f) => f.id));
    const unknown = wanted.filter((id) => !ids.has(id));
    if (unknown.length) throw new ValidationError(fill(message, { ids: unknown.slice(0, 5).join(", ") }), field);
  }
  const names = (list: { name: string }[]) => list.map((r) => r.name);
  return { cardholders: names(cardholders), owners: names(owners), groups: names(groups) };
}

/**
 * The report a request asks for (`type` and the rest of its search parameters): parsed, and its
 * filters checked against the account; otherwise what is wrong, by field. Nothing asked: neither.
 */
export async function checkReportRequest(
  scope: AccountScope,
  q: URLSearchParams,
  now: Date,
  t: Messages,
): Promise<{ query?: ReportQuery; names?: FilterNames; errors: Record<string, string[]> }> {
  if (!q.has("type")) return { errors: {} };
  const parsed = parseReportQuery(q, now, t, (await getAccount(scope)).locale);
  if (!parsed.ok) return { errors: parsed.errors };
  try {
    return { query: parsed.query, names: await getReportFilterNames(scope, parsed.query, t), errors: {} };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { errors: { [error.field ?? "filters"]: [error.message] } };
  }
}

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
function summaryPages(db: Queryable, def: ReportDefinition, accountId: number, query: ReportQuery) {
  return async (slice: Slice): Promise<Read> => {
    const lines = await rows(db, reportRow, summaryPageQuery(def, accountId, query, slice.limit, slice.offset));
    if (!lines.length) return { rows: lines, totals: await oneRow(db, reportRow, totalsQuery(def, accountId, query)) };
    return { rows: lines, totals: Object.fromEntries(Object.entries(lines[0]!).filter(([k]) => k.startsWith("total_")).map(([k, v]) => [k.slice(6), v])) };
  };
}

/** A long report's page: its lines alone (LIMIT/OFFSET), beside the totals, read once in parallel with the first try. */
function linePages(db: Queryable, def: ReportDefinition, accountId: number, query: ReportQuery) {
  let totals: Promise<Row> | undefined;
  return async (slice: Slice): Promise<Read> => {
    totals ??= oneRow(db, reportRow, totalsQuery(def, accountId, query));
    const [lines, all] = await Promise.all([rows(db, reportRow, sql`${def.rows(accountId, query)} limit ${slice.limit} offset ${slice.offset}`), totals]);
    return { rows: lines, totals: all };
  };
}

/**
 * One page of a report for the screen: its lines, read alone (LIMIT/OFFSET on the report's own
 * order), beside the count and the sums of the whole report. Past the last page, the last page.
 */
export async function getReportPage(scope: AccountScope, query: ReportQuery, requested: string | undefined, c: { t: Messages; locale: Locale; currency: string }): Promise<ReportPage> {
  const def = reportDefinition(query.type);
  const db = await getReadDb();
  const pages = (def.summary ? summaryPages : linePages)(db, def, scope.accountId, query);
  const { list, page } = await readPage(requested, pages, (read) => Number(read.totals.lines));
  const lines = list.rows.map((row) => def.line(row, c));
  const subtotal: Partial<Record<number, number>> = {};
  def.columns.forEach((col, i) => {
    if (col.sum) subtotal[i] = lines.reduce((sum, line) => sum + Number(line[i] ?? 0), 0);
  });
  return { lines, page, total: totalsByColumn(def, list.totals), subtotal };
}
