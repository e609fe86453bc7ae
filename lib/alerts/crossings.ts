import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { rows } from "@/db/rows";
import { alertThresholds, type AlertThreshold } from "@/db/schema";

/** A budget's spend in one billing period, from the rollups the ingest keeps exact. */
const spendRow = z.object({
  account_id: z.coerce.number(),
  budget_id: z.coerce.number(),
  period: z.string(),
  amount_minor: z.coerce.number(),
  spent_minor: z.coerce.number(),
});
type Spend = z.output<typeof spendRow>;

/**
 * The spend of every budget (of one account, or of all) in the current billing period of its
 * account and in the one before — legs of the last days of a month may arrive after it ended —
 * from the month the budget was made: a budget made today says nothing of last month. Periods
 * are months in the account's time zone, as the rollups' (`conferences.period`).
 */
export function budgetSpend(db: Pick<Queryable, "execute">, options: { accountId?: number; now: Date }): Promise<Spend[]> {
  const only = options.accountId === undefined ? sql`true` : sql`a.id = ${options.accountId}`;
  return rows(
    db,
    spendRow,
    sql`
    with periods as (
      select a.id as account_id, a.time_zone, (date_trunc('month', ${options.now}::timestamptz at time zone a.time_zone) - m * interval '1 month')::date as period
      from accounts a cross join (values (0), (1)) as back(m)
      where ${only} and exists (select 1 from budgets b where b.account_id = a.id)
    )
    select b.account_id, b.id as budget_id, p.period::text as period, b.amount_minor,
      case b.target
        when 'account' then (select coalesce(sum(r.charge_minor), 0) from room_usage r where r.account_id = b.account_id and r.period = p.period)
        when 'room' then (select coalesce(sum(r.charge_minor), 0) from room_usage r where r.account_id = b.account_id and r.period = p.period and r.room_id = b.room_id)
        else (select coalesce(sum(u.charge_minor), 0) from usage_rollups u where u.account_id = b.account_id and u.period = p.period and u.billing_code = b.billing_code)
      end as spent_minor
    from budgets b
    join periods p on p.account_id = b.account_id and p.period >= date_trunc('month', b.created_at at time zone p.time_zone)::date
    order by b.account_id, b.id, p.period`,
  );
}

/** The thresholds `spent` has reached of `amount` (integer arithmetic: 800 of 1,000 is 80 %). */
const reachedThresholds = (spent: number, amount: number): AlertThreshold[] => alertThresholds.filter((t) => spent * 100 >= amount * t);

/**
 * Records each threshold newly reached, once: the unique (account, budget, period, threshold) key
 * makes a racing worker's insert, or a check after a batch sent again, a no-op. When one check
 * finds 100 % reached and 80 % not yet recorded, the 80 % is recorded as "covered" (no e-mail of
 * its own: the 100 % one says it). A threshold recorded stays so for the month, whatever the
 * budget becomes: raising it above the spend does not send that threshold again before next month.
 * Returns the ids of the alerts to send.
 */
export async function recordCrossings(db: Pick<Queryable, "execute">, options: { accountId?: number; now: Date }): Promise<number[]> {
  const crossed = (await budgetSpend(db, options)).flatMap((s) => {
    const reached = reachedThresholds(s.spent_minor, s.amount_minor);
    return reached.map((threshold) => ({ ...s, threshold, status: threshold === 80 && reached.includes(100) ? "covered" : "pending" }));
  });
  if (!crossed.length) return [];
  const values = sql.join(
    crossed.map((c) => sql`(${c.account_id}::bigint, ${c.budget_id}::bigint, ${c.period}::date, ${c.threshold}::int, ${c.amount_minor}::bigint, ${c.spent_minor}::bigint, ${c.status}, ${c.status === "covered" ? options.now : null}::timestamptz)`),
    sql`, `,
  );
  const inserted = await rows(
    db,
    z.object({ id: z.coerce.number(), status: z.string() }),
    sql`
    insert into budget_alerts (account_id, budget_id, period, threshold, amount_minor, spent_minor, status, finished_at)
    select * from (values ${values}) as v (account_id, budget_id, period, threshold, amount_minor, spent_minor, status, finished_at)
    -- Thresholds recorded before are skipped here (the minute tick meets them all month) rather than
    -- by the conflict, which would still spend an id on each; the conflict settles a race.
    where not exists (select 1 from budget_alerts a where (a.account_id, a.budget_id, a.period, a.threshold) = (v.account_id, v.budget_id, v.period, v.threshold))
    on conflict (account_id, budget_id, period, threshold) do nothing
    returning id, status`,
  );
  return inserted.filter((r) => r.status === "pending").map((r) => r.id);
}
