/**
 * The usage API's keyset query of conferences, apart from lib/usage-api/usage.ts so that the
 * benchmark (scripts/bench/api.ts) runs the same statement outside Next: not server-only.
 */
import { sql, type SQL } from "drizzle-orm";

/** A page's position: the last item's time (UTC, to the microsecond, as stored) and id. */
export type Position = { at: string; id: number };

const iso = (d: Date) => d.toISOString();

/**
 * A timestamp as the API writes it: UTC, ISO 8601, to the microsecond as stored, so that a page's
 * last start is also its cursor exactly. Written by PostgreSQL: the rows need no change in Node.
 */
export const exactUtc = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A conference (c, its room r) as the API answers it: the fields of the Conference schema, in its order. */
export const conferenceColumns = (currency: string) => sql`
  c.id, c.external_id, r.number as room, c.product, ${exactUtc(sql`c.started_at`)} as started_at, ${exactUtc(sql`c.ended_at`)} as ended_at,
  c.billing_code, c.billing_code_source, c.legs, c.duration_s, c.charge_minor, ${currency}::text as currency`;

type Filter = { start?: Date; end?: Date; room?: string; code?: string };

/** The WHERE of a page of conferences (c, its room r): the account, the filters, after the cursor. */
function pageConditions(accountId: number, filter: Filter, after: Position | undefined): SQL {
  const conditions = [sql`c.account_id = ${accountId}`];
  if (filter.start) conditions.push(sql`c.started_at >= ${iso(filter.start)}::timestamptz`);
  if (filter.end) conditions.push(sql`c.started_at < ${iso(filter.end)}::timestamptz`);
  if (filter.room !== undefined) conditions.push(sql`r.number = ${filter.room}`);
  if (filter.code !== undefined) conditions.push(filter.code === "" ? sql`c.billing_code is null` : sql`c.billing_code = ${filter.code}`);
  // After the cursor, written so that the planner estimates it: a range on started_at (where the
  // index scan starts; PostgreSQL keeps the later of it and the period's start), then the ties.
  // The row comparison (started_at, id) > (…) says the same, but is estimated at one row, and the
  // planner then joins and sorts the rest of the month for every page.
  if (after) conditions.push(sql`c.started_at >= ${after.at}::timestamptz and (c.started_at > ${after.at}::timestamptz or c.id > ${after.id}::bigint)`);
  return sql.join(conditions, sql` and `);
}

/**
 * The keyset query of a page of conferences, in start order: the index conferences_started
 * (account, started_at, id) gives them in order from the cursor on, filtered as asked. The
 * benchmark runs the same text straight on pg.
 */
export function conferencesPageQuery(account: { id: number; currency: string }, filter: Filter, after: Position | undefined, limit: number): SQL {
  return sql`
    select ${conferenceColumns(account.currency)}
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where ${pageConditions(account.id, filter, after)}
    order by c.started_at, c.id
    limit ${limit + 1}`;
}
