import PgBoss from "pg-boss";
import type { Database } from "@/db/client";
import { purgeExpiredUsage } from "@/lib/usage/retention";

export const PURGE_QUEUE = "usage-purge";

/**
 * The job runner shared by every worker (the web server's own, and `npm run worker` on any
 * machine sharing the database): pg-boss on the same PostgreSQL. Runs the daily retention purge
 * (03:00 UTC); scheduled reports will use the same queue.
 */
export async function startWorker(db: Database, url: string, log: (line: string) => void = console.log): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, max: 2 });
  boss.on("error", (error) => log(`job queue: ${error.message}`));
  await boss.start();
  await boss.createQueue(PURGE_QUEUE);
  await boss.schedule(PURGE_QUEUE, "0 3 * * *", {}, { tz: "UTC" });
  await boss.work(PURGE_QUEUE, async () => {
    const purged = await purgeExpiredUsage(db);
    if (purged.length) log(`retention: purged ${purged.map((p) => `${p.account} ${p.period.slice(0, 7)} (${p.legs} legs)`).join(", ")}`);
  });
  return boss;
}
