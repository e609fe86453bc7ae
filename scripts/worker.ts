/** `npm run worker`: one more job worker on the shared database (any number may run). */
import { createDb } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { startWorker } from "../lib/jobs/queue";
import { describeError, openDatabase } from "./lib/database";

async function main() {
  const database = await openDatabase();
  const db = createDb(database.url, 4);
  await applyMigrations(db);
  const boss = await startWorker(db, database.url);
  console.log("Worker started; Ctrl+C stops it.");
  const stop = async () => {
    await boss.stop({ graceful: true, wait: true });
    await db.$client.end();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exit(1);
});
