/** For the commands: the configured database (embedded or DATABASE_URL), migrated, for the length of `run`. */
import { createDb, databaseUrl, type Database } from "../../db/client";
import { applyMigrations } from "../../db/migrate";

export async function withDatabase<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const database = await databaseUrl();
  const db = createDb(database.url, 2);
  try {
    await applyMigrations(db);
    return await run(db);
  } finally {
    await db.$client.end();
    await database.close();
  }
}
