import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { oneRow, rows } from "@/db/rows";
import { audit } from "@/lib/audit";
import { addMonths, periodOf } from "@/lib/periods";
import { legsPartition, partitionPeriod } from "./partitions";

/** Months of usage kept before the current one; older months are purged (SPEC §5). */
const RETENTION_MONTHS = 12;

export type Purged = { account: string; period: string; conferences: number; legs: number };

type Account = { id: number; number: string; time_zone: string };
type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

const accountRow = z.object({ id: z.coerce.number(), number: z.string(), time_zone: z.string() });
const accountIdRow = z.object({ account_id: z.coerce.number() });
const periodRow = z.object({ period: z.string() });
const partitionRow = z.object({ name: z.string() });
const purgedRow = z.object({ conferences: z.coerce.number(), legs: z.coerce.number().nullable() });

/**
 * Deletes usage older than the retention window, each account's month audited. A month out of
 * retention for every account (periods are account-local: at a month's turn, the zones ahead of
 * UTC are a month ahead) goes whole: its legs' partition is detached and dropped, then its
 * conferences and rollups deleted, one transaction for the month. A month out of retention for some
 * accounts only is deleted row by row for those, one transaction per account and month; its
 * partition goes on a later night. Either way an interrupted purge leaves whole months kept or gone.
 */
export async function purgeExpiredUsage(db: Database, now = new Date(), actor = "retention job"): Promise<Purged[]> {
  const accounts = await rows(db, accountRow, sql`select id, number, time_zone from accounts order by id`);
  const cutoffs = new Map(accounts.map((a) => [a.id, addMonths(periodOf(now, a.time_zone), -RETENTION_MONTHS)]));
  // With no account, nothing is stored, and the earliest zone's cutoff is a month before UTC's at most.
  const everyone = [...cutoffs.values()].sort()[0] ?? addMonths(periodOf(now, "UTC"), -RETENTION_MONTHS - 1);
  const purged: Purged[] = [];
  for (const period of await droppableMonths(db, everyone)) purged.push(...(await dropMonth(db, period, accounts, actor)));
  for (const account of accounts) purged.push(...(await deleteExpired(db, account, cutoffs.get(account.id)!, actor)));
  const order = new Map(accounts.map((a, i) => [a.number, i]));
  return purged.sort((a, b) => order.get(a.account)! - order.get(b.account)! || a.period.localeCompare(b.period));
}

/** The months of legs' partitions before `cutoff`, oldest first. */
async function droppableMonths(db: Database, cutoff: string): Promise<string[]> {
  const partitions = await rows(db, partitionRow, sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'legs'::regclass`);
  return partitions
    .map((p) => partitionPeriod(p.name))
    .filter((period): period is string => period !== null && period < cutoff)
    .sort();
}

/**
 * One month out of retention for every account, in one transaction: its legs' partition detached
 * first (so deleting its conferences deletes no leg row by row), each account's conferences and
 * rollups of the month deleted and audited with the counts of its conferences' totals, then the
 * partition dropped. Detaching locks legs until the commit: ingests wait for the month's deletes.
 */
async function dropMonth(db: Database, period: string, accounts: Account[], actor: string): Promise<Purged[]> {
  const partition = legsPartition(period);
  return db.transaction(async (tx) => {
    await tx.execute(sql`alter table legs detach partition ${sql.identifier(partition)}`);
    const holders = new Set((await rows(tx, accountIdRow, sql`select distinct account_id from conferences where period = ${period}`)).map((r) => r.account_id));
    const done: Purged[] = [];
    for (const account of accounts.filter((a) => holders.has(a.id))) {
      const result = await deleteMonth(tx, account, period, actor);
      if (result) done.push(result);
    }
    await tx.execute(sql`drop table ${sql.identifier(partition)}`);
    return done;
  });
}

/** An account's months before its cutoff still stored (at a month's turn, for the zones ahead), deleted one by one. */
async function deleteExpired(db: Database, account: Account, cutoff: string, actor: string): Promise<Purged[]> {
  const periods = await rows(db, periodRow, sql`
    select distinct period::text as period from conferences where account_id = ${account.id} and period < ${cutoff} order by 1`);
  const purged: Purged[] = [];
  for (const { period } of periods) {
    // A deleted conference takes its legs with it (conferences_delete_legs, migration 0021).
    const result = await db.transaction((tx) => deleteMonth(tx, account, period, actor));
    if (result) purged.push(result);
  }
  return purged;
}

/** An account's conferences and rollups of a month deleted and audited; null if it had none. */
async function deleteMonth(tx: Transaction, account: Account, period: string, actor: string): Promise<Purged | null> {
  const deleted = await oneRow(tx, purgedRow, sql`
    with deleted as (delete from conferences where account_id = ${account.id} and period = ${period} returning legs)
    select count(*) as conferences, sum(legs) as legs from deleted`);
  if (deleted.conferences === 0) return null;
  // usage_rollups and room_usage are kept by the writers; the charts' rollups by the legs' triggers,
  // which a dropped partition does not fire: the month's rows go here (all of them: the month is gone).
  for (const table of ["usage_rollups", "room_usage", "room_service_usage", "account_service_days"]) {
    await tx.execute(sql`delete from ${sql.identifier(table)} where account_id = ${account.id} and period = ${period}`);
  }
  const done = { account: account.number, period, conferences: deleted.conferences, legs: deleted.legs ?? 0 };
  await audit(tx, { accountId: account.id, actorLabel: actor, action: "usage.purged", subject: period.slice(0, 7), after: done });
  return done;
}
