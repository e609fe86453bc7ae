import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import PgBoss from "pg-boss";
import type { Database } from "@/db/client";
import { loadEnv } from "@/lib/env";
import { DELIVERY_ATTEMPTS, RETRY_BASE_MS } from "@/lib/schedules/retry";
import { deliverRun, enqueueDueRuns, type DeliverySettings } from "@/lib/schedules/runs";
import { purgeExpiredUsage } from "@/lib/usage/retention";

export const PURGE_QUEUE = "usage-purge";
/** Every minute: creates the runs of the schedules that are due, and requeues runs left open. */
const SCHEDULE_TICK_QUEUE = "report-schedules-tick";
/** One job per delivery attempt of a run ({ runId }). */
export const DELIVERY_QUEUE = "report-delivery";

export type WorkerOptions = Partial<Omit<DeliverySettings, "enqueue" | "workerId">> & {
  /** How often an idle worker looks for jobs (pg-boss polling), and runs pg-boss's maintenance. */
  pollingIntervalSeconds?: number;
  /** Runs the delivery jobs only (tests start racing workers without the minute tick). */
  tick?: boolean;
};

/** Delivery settings from the environment; `options` override them (tests). */
async function deliverySettings(enqueue: DeliverySettings["enqueue"], options: WorkerOptions = {}, log: (line: string) => void = console.log): Promise<DeliverySettings> {
  // Settings given by the caller are not read from the environment (tests run without secrets).
  const needsEnv = !options.mail || !options.encryptionKey || !options.appUrl || !options.upload;
  const env = needsEnv ? loadEnv() : undefined;
  const render = options.render ?? (await import("@/lib/schedules/report")).renderScheduledReport;
  return {
    mail: options.mail ?? { smtpUrl: env!.smtpUrl, mailFrom: env!.mailFrom, dataDir: env!.dataDir },
    encryptionKey: options.encryptionKey ?? env!.encryptionKey,
    appUrl: options.appUrl ?? env!.appUrl,
    upload: options.upload ?? { allowPrivate: env!.deliveryAllowPrivate },
    render,
    maxAttempts: options.maxAttempts ?? DELIVERY_ATTEMPTS,
    retryBaseMs: options.retryBaseMs ?? RETRY_BASE_MS,
    leaseMs: options.leaseMs ?? 120_000,
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    enqueue,
    log: options.log ?? log,
  };
}

const enqueuer = (boss: PgBoss) => async (runId: number, startAfter?: Date) => {
  await boss.send(DELIVERY_QUEUE, { runId }, { startAfter, retryLimit: 0 });
};

/**
 * The job runner shared by every worker (the web server's own, and `npm run worker` on any
 * machine sharing the database): pg-boss on the same PostgreSQL. Runs the daily retention purge
 * (03:00 UTC), the scheduled reports' minute tick and their deliveries.
 */
export async function startWorker(db: Database, url: string, log: (line: string) => void = console.log, options: WorkerOptions = {}): Promise<PgBoss> {
  const polling = options.pollingIntervalSeconds ?? 2;
  const boss = new PgBoss({ connectionString: url, max: 3, ...(options.pollingIntervalSeconds ? { maintenanceIntervalSeconds: Math.max(1, polling), cronWorkerIntervalSeconds: Math.max(1, polling) } : {}) });
  boss.on("error", (error) => log(`job queue: ${error.message}`));
  await boss.start();
  await boss.createQueue(PURGE_QUEUE);
  await boss.createQueue(SCHEDULE_TICK_QUEUE);
  await boss.createQueue(DELIVERY_QUEUE);
  // Read when the first delivery needs them, so a worker that only purges needs no mail settings.
  let settingsPromise: Promise<DeliverySettings> | undefined;
  const settings = () => (settingsPromise ??= deliverySettings(enqueuer(boss), options, log));
  await boss.schedule(PURGE_QUEUE, "0 3 * * *", {}, { tz: "UTC" });
  await boss.work(PURGE_QUEUE, async () => {
    const purged = await purgeExpiredUsage(db);
    if (purged.length) log(`retention: purged ${purged.map((p) => `${p.account} ${p.period.slice(0, 7)} (${p.legs} legs)`).join(", ")}`);
  });
  if (options.tick !== false) {
    await boss.schedule(SCHEDULE_TICK_QUEUE, "* * * * *", {}, { tz: "UTC" });
    await boss.work(SCHEDULE_TICK_QUEUE, { pollingIntervalSeconds: polling }, async () => {
      await enqueueDueRuns(db, await settings());
    });
  }
  await boss.work<{ runId: number }>(DELIVERY_QUEUE, { pollingIntervalSeconds: polling }, async ([job]) => {
    if (job) await deliverRun(db, await settings(), job.data.runId);
  });
  return boss;
}

type Cache = { sender?: Promise<PgBoss> };
const cache = globalThis as typeof globalThis & { __portalJobs?: Cache };

/** A send-only queue client for the web tier (Send now), whether or not it runs a worker. */
export async function queueDelivery(url: string, runId: number): Promise<void> {
  const c = (cache.__portalJobs ??= {});
  c.sender ??= (async () => {
    const boss = new PgBoss({ connectionString: url, max: 1, supervise: false, schedule: false });
    boss.on("error", () => {});
    await boss.start();
    await boss.createQueue(DELIVERY_QUEUE);
    return boss;
  })();
  await enqueuer(await c.sender)(runId);
}
