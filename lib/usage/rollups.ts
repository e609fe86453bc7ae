import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { rows } from "@/db/rows";

type Executor = Pick<Queryable, "execute">;

/**
 * Recomputes the rollups of an account, or of several at once, from their conferences (with the
 * totals of their legs they hold). The write paths keep them exact incrementally (`shiftRollups`);
 * this full rebuild serves bulk loads (the benchmark tenant and the provider's accounts), which
 * write each conference's totals with it and leave the daily report rollup to this rebuild
 * (`portal.report_days_by_writer`, migrations 0007 and 0008).
 */
export async function rebuildRollups(db: Executor, accountIds: number | readonly number[]): Promise<void> {
  const ids = sql`${`{${[accountIds].flat().join(",")}}`}::bigint[]`;
  await db.execute(sql`delete from usage_rollups where account_id = any(${ids})`);
  await db.execute(sql`delete from room_usage where account_id = any(${ids})`);
  await shiftRollups(db, 1, sql`c.account_id = any(${ids})`);
  await db.execute(sql`delete from report_days where account_id = any(${ids})`);
  await db.execute(sql`
    select report_days_recompute(array_agg(account_id), array_agg(day), array_agg(room_id))
    from (select distinct account_id, (started_at at time zone 'UTC')::date as day, room_id from conferences where account_id = any(${ids})) k`);
}

/**
 * Takes the usage of the conferences matching `where` (on `conferences c`, with their legs' totals)
 * out of the rollups (sign -1) or puts it in (sign +1), under their current period, room and code:
 * usage_rollups per room and code, room_usage per room. A change to conferences runs: shift -1,
 * change, shift +1 — in one transaction, so the rollups stay exact.
 */
export async function shiftRollups(db: Executor, sign: 1 | -1, where: SQL): Promise<void> {
  await addToRollups(
    db,
    sql`
      select c.account_id, c.period, c.room_id, coalesce(c.billing_code, '') as billing_code,
             ${sign} * count(*) as conferences, ${sign} * sum(c.legs) as legs,
             ${sign} * sum(c.duration_s) as duration_s, ${sign} * sum(c.charge_minor) as charge_minor
      from conferences c
      where ${where}
      group by c.account_id, c.period, c.room_id, coalesce(c.billing_code, '')`,
  );
}

/** A bucket left with no conference: billing_code null for a room_usage row, else a usage_rollups one. */
const emptyBucket = z.object({ account_id: z.coerce.number(), period: z.string(), room_id: z.coerce.number(), billing_code: z.string().nullable() });

/**
 * Adds signed amounts to the rollups: `delta` selects (account_id, period, room_id, billing_code
 * ('' = Unallocated), conferences, legs, duration_s, charge_minor), one row per bucket.
 */
export async function addToRollups(db: Executor, delta: SQL): Promise<void> {
  const empty = await rows(db, emptyBucket, sql`
    with delta as (${delta}),
    by_code as (
      insert into usage_rollups as u (account_id, period, room_id, billing_code, conferences, legs, duration_s, charge_minor)
      select account_id, period, room_id, billing_code, conferences, legs, duration_s, charge_minor from delta
      on conflict (account_id, period, room_id, billing_code) do update set
        conferences = u.conferences + excluded.conferences, legs = u.legs + excluded.legs,
        duration_s = u.duration_s + excluded.duration_s, charge_minor = u.charge_minor + excluded.charge_minor
      returning u.account_id, u.period, u.room_id, u.billing_code, u.conferences
    ),
    by_room as (
      insert into room_usage as u (account_id, period, room_id, conferences, legs, duration_s, charge_minor)
      select account_id, period, room_id, sum(conferences), sum(legs), sum(duration_s), sum(charge_minor) from delta
      group by account_id, period, room_id
      on conflict (account_id, period, room_id) do update set
        conferences = u.conferences + excluded.conferences, legs = u.legs + excluded.legs,
        duration_s = u.duration_s + excluded.duration_s, charge_minor = u.charge_minor + excluded.charge_minor
      returning u.account_id, u.period, u.room_id, null::text as billing_code, u.conferences
    )
    select account_id, period::text as period, room_id, billing_code from by_code where conferences = 0
    union all
    select account_id, period::text as period, room_id, billing_code from by_room where conferences = 0`);
  // Buckets left with no conference go, so "active rooms" stays "rooms with usage".
  const key = (r: z.output<typeof emptyBucket>) => sql`(${r.account_id}::bigint, ${r.period}::date, ${r.room_id}::bigint)`;
  const emptyCodes = empty.filter((r) => r.billing_code !== null);
  const emptyRooms = empty.filter((r) => r.billing_code === null);
  if (emptyCodes.length) {
    const keys = sql.join(emptyCodes.map((r) => sql`(${r.account_id}::bigint, ${r.period}::date, ${r.room_id}::bigint, ${r.billing_code})`), sql`, `);
    await db.execute(sql`delete from usage_rollups where (account_id, period, room_id, billing_code) in (${keys})`);
  }
  if (emptyRooms.length) await db.execute(sql`delete from room_usage where (account_id, period, room_id) in (${sql.join(emptyRooms.map(key), sql`, `)})`);
}
