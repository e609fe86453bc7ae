import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { oneRow, rows } from "@/db/rows";
import { audit } from "@/lib/audit";
import { addMonths, periodOf } from "@/lib/periods";

/** Months of usage kept before the current one; older months are purged (SPEC §5). */
const RETENTION_MONTHS = 12;

export type Purged = { account: string; period: string; conferences: number; legs: number };

const accountRow = z.object({ id: z.coerce.number(), number: z.string(), time_zone: z.string() });
const periodRow = z.object({ period: z.string() });
const purgedRow = z.object({ conferences: z.coerce.number(), legs: z.coerce.number().nullable() });

/**
 * Deletes usage older than the retention window: one transaction per account and month, each
 * audited, so an interrupted purge leaves whole months either kept or gone.
 */
export async function purgeExpiredUsage(db: Database, now = new Date(), actor = "retention job"): Promise<Purged[]> {
  const accounts = await rows(db, accountRow, sql`select id, number, time_zone from accounts order by id`);
  const purged: Purged[] = [];
  for (const account of accounts) {
    const cutoff = addMonths(periodOf(now, account.time_zone), -RETENTION_MONTHS);
    const periods = await rows(db, periodRow, sql`
      select distinct period::text as period from conferences where account_id = ${account.id} and period < ${cutoff} order by 1`);
    for (const { period } of periods) {
      const result = await db.transaction(async (tx) => {
        // A deleted conference takes its legs with it (conferences_delete_legs, migration 0007).
        const deleted = await oneRow(tx, purgedRow, sql`
          with deleted as (delete from conferences where account_id = ${account.id} and period = ${period} returning legs)
          select count(*) as conferences, sum(legs) as legs from deleted`);
        await tx.execute(sql`delete from usage_rollups where account_id = ${account.id} and period = ${period}`);
        await tx.execute(sql`delete from room_usage where account_id = ${account.id} and period = ${period}`);
        const done = { account: account.number, period, conferences: deleted.conferences, legs: deleted.legs ?? 0 };
        await audit(tx, { accountId: account.id, actorLabel: actor, action: "usage.purged", subject: period.slice(0, 7), after: done });
        return done;
      });
      purged.push(result);
    }
  }
  return purged;
}
