/** `npm run worker`: one more job worker on the shared database (any number may run). */
import { createDb } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { startWorker } from "../lib/jobs/queue";
import { loadHttpEnv } from "../lib/env";
import { createLogger, routeConsole } from "../lib/log";
import { describeError, openDatabase } from "./lib/database";

const logger = createLogger("worker");
routeConsole(logger);

async function main() {
  const database = await openDatabase();
  const db = createDb(database.url, 4);
  await applyMigrations(db);
  const boss = await startWorker(db, database.url);
  logger.info("Worker started; Ctrl+C stops it.");
  const stop = async () => {
    // Jobs under way finish within SHUTDOWN_TIMEOUT_MS, or go back to the queue for another worker.
    logger.info("stopping: finishing the jobs under way");
    await boss.stop({ graceful: true, wait: true, timeout: loadHttpEnv().shutdownTimeoutMs });
    await db.$client.end();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  logger.fatal(describeError(error));
  process.exit(1);
});
