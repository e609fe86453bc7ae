/**
 * The usage API's keyset query of conferences, apart from lib/usage-api/usage.ts so that the
 * benchmark (scripts/bench/api.ts) runs the same statement outside Next: not server-only.
 */
import { sql, type SQL } from "drizzle-orm";

/** A page's position: the last item's time (UTC, to the microsecond, as stored) and id. */
export type Position = { at: string; id: number };

const iso = (d: Date) => d.toISOString();

/** The UTC text of a timestamp to the microsecond: the cursor's, so that no two instants read alike. */
export const exactUtc = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The keyset query of a page of conferences, in start order: the index conferences_started
 * (account, started_at, id) gives them in order from the cursor on, filtered as asked. Exported
 * for the benchmark, which runs the same text straight on pg.
 */
export function conferencesPageQuery(accountId: number, filter: { start?: Date; end?: Date; room?: string; code?: string }, after: Position | undefined, limit: number): SQL {
  const conditions = [sql`c.account_id = ${accountId}`];
  if (filter.start) conditions.push(sql`c.started_at >= ${iso(filter.start)}::timestamptz`);
  if (filter.end) conditions.push(sql`c.started_at < ${iso(filter.end)}::timestamptz`);
  if (filter.room !== undefined) conditions.push(sql`r.number = ${filter.room}`);
  if (filter.code !== undefined) conditions.push(filter.code === "" ? sql`c.billing_code is null` : sql`c.billing_code = ${filter.code}`);
  // The row comparison starts at the index's first column, so it bounds the index scan.
  if (after) conditions.push(sql`(c.account_id, c.started_at, c.id) > (${accountId}::bigint, ${after.at}::timestamptz, ${after.id}::bigint)`);
  return sql`
    select c.id, c.external_id, r.number as room, c.product, c.started_at, c.ended_at, c.billing_code, c.billing_code_source,
           c.legs, c.duration_s, c.charge_minor, ${exactUtc(sql`c.started_at`)} as position
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where ${sql.join(conditions, sql` and `)}
    order by c.started_at, c.id
    limit ${limit + 1}`;
}

