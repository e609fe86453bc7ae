import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";

type Executor = Pick<Queryable, "execute">;

/**
 * Recomputes an account's rollups from its conferences and legs. The write paths keep the rollups
 * exact incrementally (`shiftRollups`); this full rebuild serves bulk loads (the benchmark tenant).
 */
export async function rebuildRollups(db: Executor, accountId: number): Promise<void> {
  await db.execute(sql`delete from usage_rollups where account_id = ${accountId}`);
  await shiftRollups(db, 1, sql`c.account_id = ${accountId}`);
}

/**
 * Takes the usage of the conferences matching `where` (on `conferences c`) out of the rollups
 * (sign -1) or puts it in (sign +1), under their current period, room and code. A change to
 * conferences runs: shift -1, change, shift +1 — in one transaction, so the rollups stay exact.
 */
export async function shiftRollups(db: Executor, sign: 1 | -1, where: SQL): Promise<void> {
  const { rows } = await db.execute<{ account_id: string; period: string; room_id: string; billing_code: string; conferences: number }>(sql`
    insert into usage_rollups as u (account_id, period, room_id, billing_code, conferences, legs, duration_s, charge_minor)
    select c.account_id, c.period, c.room_id, coalesce(c.billing_code, ''),
           ${sign} * count(distinct c.id), ${sign} * count(l.id), ${sign} * coalesce(sum(l.duration_s), 0), ${sign} * coalesce(sum(l.charge_minor), 0)
    from conferences c
    left join legs l on l.account_id = c.account_id and l.conference_id = c.id
    where ${where}
    group by c.account_id, c.period, c.room_id, coalesce(c.billing_code, '')
    on conflict (account_id, period, room_id, billing_code) do update set
      conferences = u.conferences + excluded.conferences,
      legs = u.legs + excluded.legs,
      duration_s = u.duration_s + excluded.duration_s,
      charge_minor = u.charge_minor + excluded.charge_minor
    returning u.account_id, u.period::text as period, u.room_id, u.billing_code, u.conferences`);
  // Buckets left with no conference go, so "active rooms" stays "rooms with usage".
  const empty = rows.filter((r) => r.conferences === 0);
  if (empty.length) {
    const keys = sql.join(empty.map((r) => sql`(${Number(r.account_id)}::bigint, ${r.period}::date, ${Number(r.room_id)}::bigint, ${r.billing_code})`), sql`, `);
    await db.execute(sql`delete from usage_rollups where (account_id, period, room_id, billing_code) in (${keys})`);
  }
}
