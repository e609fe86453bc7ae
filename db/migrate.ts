import path from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Database } from "./client";

/** Any number; the same in every process: migrations run one process at a time. */
const MIGRATION_LOCK = 7_020_127;

/**
 * Applies the committed migrations; safe to run at every start and from several processes at once
 * (two commands starting together on a new database would both create the same tables).
 *
 * drizzle's own migrator, but in one transaction that first takes a transaction-scoped advisory
 * lock: a session lock held across statements would break behind PgBouncer in transaction mode,
 * where each transaction may run on another server connection (the unlock could reach a connection
 * that never took the lock). Same bookkeeping table as drizzle's (drizzle.__drizzle_migrations).
 */
export async function applyMigrations(db: Database): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: path.join(process.cwd(), "db", "migrations") });
  const client = await db.$client.connect();
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("create schema if not exists drizzle");
    await client.query("create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)");
    const { rows } = await client.query<{ created_at: string }>("select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1");
    const last = rows[0] ? Number(rows[0].created_at) : -Infinity;
    for (const migration of migrations.filter((m) => m.folderMillis > last)) {
      for (const statement of migration.sql) await client.query(statement);
      await client.query("insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)", [migration.hash, migration.folderMillis]);
    }
    // legs is partitioned by month (migration 0021): the months the ingest may write exist from
    // the start, even where no worker has run yet.
    await client.query("select legs_ensure_partitions()");
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
