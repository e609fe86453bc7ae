import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { Database } from "./client";

/** Any number; the same in every process: migrations run one process at a time. */
const MIGRATION_LOCK = 7_020_127;

/**
 * Applies the committed migrations; safe to run at every start and from several processes at once
 * (two commands starting together on a new database would both create the same tables).
 */
export async function applyMigrations(db: Database): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: path.join(process.cwd(), "db", "migrations") });
    // legs is partitioned by month (migration 0021): the months the ingest may write exist from
    // the start, even where no worker has run yet.
    await client.query("select legs_ensure_partitions()");
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
