/**
 * The legs table as it would be without its monthly partitions (migration 0021): one plain table
 * with the same columns, key, indexes, checks, triggers and foreign keys, and no partition to make.
 * The ingest benchmark measures the same code on it beside the partitioned schema, in the same run.
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { rows } from "../../db/rows";

const KEY = "legs_account_id_external_id_period_pk";
const definition = z.object({ name: z.string(), def: z.string() });

/** Replaces the partitioned legs by a plain table of the same shape, in one transaction; legs must be empty. */
export async function unpartitionLegs(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    // Read while the name `legs` is still the partitioned table's: every definition names `legs`.
    const triggers = await rows(tx, definition, sql`select tgname as name, pg_get_triggerdef(oid) as def from pg_trigger where tgrelid = 'legs'::regclass and not tgisinternal`);
    const outgoing = await rows(tx, definition, sql`select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'legs'::regclass and contype = 'f'`);
    const incoming = await rows(tx, definition.extend({ table: z.string() }), sql`
      select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def from pg_constraint where confrelid = 'legs'::regclass and contype = 'f'`);
    await tx.execute(sql`alter table legs rename to legs_partitioned`);
    // The ingest recognises a stored leg by its key's name: the plain table's key keeps it.
    await tx.execute(sql.raw(`alter table legs_partitioned rename constraint ${KEY} to legs_partitioned_key`));
    await tx.execute(sql`create table legs (like legs_partitioned including all)`);
    const key = await rows(tx, z.object({ name: z.string() }), sql`select conname as name from pg_constraint where conrelid = 'legs'::regclass and contype = 'p'`);
    await tx.execute(sql.raw(`alter table legs rename constraint ${key[0]!.name} to ${KEY}`));
    for (const t of triggers) await tx.execute(sql.raw(t.def));
    for (const f of outgoing) await tx.execute(sql.raw(`alter table legs add constraint ${f.name} ${f.def}`));
    await tx.execute(sql`drop table legs_partitioned cascade`);
    for (const f of incoming) await tx.execute(sql.raw(`alter table ${f.table} add constraint ${f.name} ${f.def}`));
    await tx.execute(sql`create or replace function legs_create_partitions(first_month date, last_month date) returns int language sql as 'select 0'`);
  });
}
