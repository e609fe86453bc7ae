import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { applyMigrations } from "../../db/migrate";
import { demoSeeded, seedDemo } from "../../lib/demo/demo";

/** Brings a database up to date: migrations always, the demo account once in demo mode. */
export async function prepareDatabase(db: Database, options: { demo: boolean; log?: (line: string) => void }): Promise<void> {
  await applyMigrations(db);
  if (options.demo && !(await demoSeeded(db))) {
    const started = Date.now();
    await seedDemo(db);
    // Statistics now, not at autovacuum's next round: the first pages after start are planned with them.
    await db.execute(sql`analyze`);
    options.log?.(`Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
}
