import path from "node:path";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { Database } from "./client";

/** Applies the committed migrations; safe to run at every start and from several processes. */
export async function applyMigrations(db: Database): Promise<void> {
  await migrate(db, { migrationsFolder: path.join(process.cwd(), "db", "migrations") });
}
