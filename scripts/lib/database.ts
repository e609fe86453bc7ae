/** For the commands: the configured database (DATABASE_URL, else the embedded PostgreSQL in DATA_DIR). */
import { createDb, type Database } from "../../db/client";
import { EmbeddedDatabaseError, openEmbedded, type EmbeddedConnection } from "../../db/embedded";
import { applyMigrations } from "../../db/migrate";
import { EnvError, loadDatabaseEnv } from "../../lib/env";

/**
 * Opens the database this process works on: DATABASE_URL, else the embedded one (started if no
 * other command runs it). Sets DATABASE_URL for the rest of the process; `close` lets the embedded
 * server stop when nothing else uses it.
 */
export async function openDatabase(): Promise<EmbeddedConnection> {
  const env = loadDatabaseEnv();
  const database = env.databaseUrl ? { url: env.databaseUrl, close: async () => {} } : await openEmbedded(env.dataDir);
  process.env.DATABASE_URL = database.url;
  return database;
}

/** The configured database, migrated, for the length of `run`. */
export async function withDatabase<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase();
  const db = createDb(database.url, 2);
  try {
    await applyMigrations(db);
    return await run(db);
  } finally {
    await db.$client.end();
    await database.close();
  }
}

/** The message alone for what the user must fix (settings, the embedded database), the whole error otherwise. */
export function describeError(error: unknown): unknown {
  return error instanceof EnvError || error instanceof EmbeddedDatabaseError ? `Error: ${error.message}` : error;
}
