import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";

type Executor = Pick<Queryable, "execute">;

/**
 * Recomputes an account's rollups from its conferences and legs. The write paths keep the rollups
 * exact incrementally; this full rebuild serves bulk loads (the demo seed, the benchmark tenant).
 */
export async function rebuildRollups(db: Executor, accountId: number): Promise<void> {
  await db.execute(sql`delete from usage_rollups where account_id = ${accountId}`);
  await db.execute(sql`
    insert into usage_rollups (account_id, period, room_id, billing_code, conferences, legs, duration_s, charge_minor)
    select c.account_id, c.period, c.room_id, coalesce(c.billing_code, ''),
           count(distinct c.id), count(l.id), coalesce(sum(l.duration_s), 0), coalesce(sum(l.charge_minor), 0)
    from conferences c
    left join legs l on l.account_id = c.account_id and l.conference_id = c.id
    where c.account_id = ${accountId}
    group by c.account_id, c.period, c.room_id, coalesce(c.billing_code, '')`);
}
