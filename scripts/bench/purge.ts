/**
 * The monthly retention purge at 5,000,000 legs (`npm run bench -- --only purge`): the benchmark
 * tenant's 2,000 rooms scaled to 13 months of about 5,000,000 legs, so that a month later its
 * oldest month is out of retention. Purged twice in the same run, on two copies of the database:
 * as the product does it (the month's legs partition detached and dropped, conferences and rollups
 * deleted, lib/usage/retention.ts), and as it did before legs was partitioned (the month's
 * conferences deleted per account, their legs deleted row by row by the trigger). Time and WAL
 * written (pg_current_wal_lsn() before and after) for each.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { z } from "zod";
import { createDb, type Database } from "../../db/client";
import { oneRow } from "../../db/rows";
import { addMonths, periodOf } from "../../lib/periods";
import { purgeExpiredUsage } from "../../lib/usage/retention";
import { isoDate, machineLine, seconds, startDatabase, timed, withResources, type BenchContext } from "./context";
import { formatCount, markdownTable } from "./stats";
import { generateTenant } from "./tenant";

/** 5,000,000 legs over 13 months instead of 12: the tenant's rooms × 12/13. */
const SCALE = 12 / 13;
const TIME_ZONE = "Europe/Paris";

const walRow = z.object({ lsn: z.string() });
const bytesRow = z.object({ bytes: z.coerce.number() });
const countRow = z.object({ legs: z.coerce.number() });

type Measured = { ms: number; walBytes: number; legs: number };

const lsn = async (db: Database) => (await oneRow(db, walRow, sql`select pg_current_wal_lsn()::text as lsn`)).lsn;

/** Time and WAL of `work`, and the legs it took out. */
async function measure(db: Database, log: (line: string) => void, label: string, work: () => Promise<unknown>): Promise<Measured> {
  const legsBefore = (await oneRow(db, countRow, sql`select count(*) as legs from legs`)).legs;
  await db.execute(sql`checkpoint`);
  const from = await lsn(db);
  const { ms } = await timed(log, label, work);
  const walBytes = (await oneRow(db, bytesRow, sql`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${from}::pg_lsn) as bytes`)).bytes;
  const legsAfter = (await oneRow(db, countRow, sql`select count(*) as legs from legs`)).legs;
  return { ms, walBytes, legs: legsBefore - legsAfter };
}

/** The purge as it was before the partitions: per account and month, the conferences deleted (their legs by trigger), audited. */
async function purgeByDelete(db: Database, period: string) {
  await db.transaction(async (tx) => {
    const accounts = await tx.execute<{ id: string }>(sql`select distinct account_id as id from conferences where period = ${period}`);
    for (const { id } of accounts.rows) {
      await tx.execute(sql`
        with deleted as (delete from conferences where account_id = ${id} and period = ${period} returning legs)
        insert into audit_events (account_id, actor_label, action, subject, after)
        select ${id}, 'bench', 'usage.purged', ${period.slice(0, 7)}, jsonb_build_object('conferences', count(*), 'legs', sum(legs)) from deleted`);
      await tx.execute(sql`delete from usage_rollups where account_id = ${id} and period = ${period}`);
      await tx.execute(sql`delete from room_usage where account_id = ${id} and period = ${period}`);
    }
  });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function runPurge(ctx: BenchContext): Promise<string> {
  const { log, now } = ctx;
  return withResources(async (resources) => {
    const database = await startDatabase(resources, ctx.options.server);
    // --scale 0.25: a quarter of the rooms (a quick check on a busy machine).
    const tenant = await timed(log, "tenant (13 months)", () => generateTenant(database.db, { scale: SCALE * ctx.options.scale, months: 13, now, log }));
    const oldest = tenant.value.periods[0]!;
    // A month later, the oldest month is out of retention in every zone.
    const later = new Date(now.getTime() + 31 * 86_400_000);
    if (addMonths(periodOf(later, TIME_ZONE), -12) <= oldest) throw new Error(`${oldest} is not out of retention on ${later.toISOString()}`);
    // The same data for the DELETE: a copy of the database (no connection to it while copied).
    const source = new URL(database.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/]*$/, "/template1") });
    await admin.connect();
    // The loader's pool is idle: its connections are closed (the pool ignores their errors).
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [source]);
    await admin.query(`create database purge_delete template "${source}"`);
    await admin.end();
    const dropDb = createDb(database.url, 2);
    const deleteDb = createDb(database.url.replace(/\/[^/]*$/, "/purge_delete"), 2);
    resources.add("the purge pools", async () => {
      await dropDb.$client.end();
      await deleteDb.$client.end();
    });
    const dropped = await measure(dropDb, log, "purge: partition dropped", () => purgeExpiredUsage(dropDb, later, "bench"));
    const deleted = await measure(deleteDb, log, "purge: DELETE per account", () => purgeByDelete(deleteDb, oldest));
    const load = (await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(", ");
    return [
      `### Retention purge (${isoDate(now)})`,
      "",
      `${machineLine(database.version)}. Load average when done: ${load}. \`${ctx.command}\`.`,
      `${formatCount(tenant.value.counts.legs)} legs over 13 months (${formatCount(tenant.value.counts.conferences)} conferences, one account); the oldest month (${oldest.slice(0, 7)}) purged a month later, on two copies of the same database.`,
      "",
      markdownTable(
        [
          ["Purge of one month", "Legs removed", "Time", "WAL written"],
          ["Partition detached and dropped (now)", formatCount(dropped.legs), seconds(dropped.ms), mib(dropped.walBytes)],
          ["DELETE per account (before)", formatCount(deleted.legs), seconds(deleted.ms), mib(deleted.walBytes)],
        ],
        ["l", "r", "r", "r"],
      ),
    ].join("\n");
  });
}
