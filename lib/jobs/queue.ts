import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import PgBoss from "pg-boss";
import type { Database } from "@/db/client";
import { readingFromPrimary } from "@/db/replicas";
import { loadEnv, loadJobEnv } from "@/lib/env";
import { checkBudgets } from "@/lib/alerts/deliver";
import { DELIVERY_ATTEMPTS, RETRY_BASE_MS } from "@/lib/schedules/retry";
import { deliverRun, enqueueDueRuns, type DeliverySettings } from "@/lib/schedules/runs";
import { createLegPartitions } from "@/lib/usage/partitions";
import { purgeExpiredUsage } from "@/lib/usage/retention";

export const PURGE_QUEUE = "usage-purge";
/** Every hour: the legs' partitions of this month and the next two, made ahead of the ingest. */
export const PARTITIONS_QUEUE = "usage-partitions";
/** Every minute: creates the runs of the schedules that are due, and requeues runs left open. */
const SCHEDULE_TICK_QUEUE = "report-schedules-tick";
/** One job per delivery attempt of a run ({ runId }). */
export const DELIVERY_QUEUE = "report-delivery";
/** Every minute: the spending alerts of every account (the safety net of the ingest's own check). */
const BUDGET_TICK_QUEUE = "budget-alerts-tick";
/** One job per account after an ingest committed ({ accountId }): its budgets checked, its alerts sent. */
const BUDGET_CHECK_QUEUE = "budget-check";

export type WorkerOptions = Partial<Omit<DeliverySettings, "enqueue" | "workerId">> & {
  /** How often an idle worker looks for jobs (pg-boss polling), and runs pg-boss's maintenance. */
  pollingIntervalSeconds?: number;
  /** Runs the delivery and budget-check jobs only (tests start racing workers without the minute ticks). */
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
    leaseMs: options.leaseMs ?? loadJobEnv().deliveryLeaseMs,
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    enqueue,
    log: options.log ?? log,
  };
}

/**
 * A job's handler, with every read on the primary: a run reads what was ingested or changed a
 * moment ago, and decides what to send from it; a replica's lag must not leave it out.
 */
const onPrimary =
  <A extends unknown[]>(handler: (...args: A) => Promise<void>) =>
  (...args: A): Promise<void> =>
    readingFromPrimary(() => handler(...args));

const enqueuer = (boss: PgBoss) => async (runId: number, startAfter?: Date) => {
  await boss.send(DELIVERY_QUEUE, { runId }, { startAfter, retryLimit: 0 });
};

/** The storage jobs: the daily retention purge (03:00 UTC) and the legs' partitions made ahead, hourly. */
async function workOnStorage(boss: PgBoss, db: Database, log: (line: string) => void): Promise<void> {
  await boss.schedule(PURGE_QUEUE, "0 3 * * *", {}, { tz: "UTC" });
  await boss.work(
    PURGE_QUEUE,
    onPrimary(async () => {
      const purged = await purgeExpiredUsage(db);
      if (purged.length) log(`retention: purged ${purged.map((p) => `${p.account} ${p.period.slice(0, 7)} (${p.legs} legs)`).join(", ")}`);
    }),
  );
  await boss.schedule(PARTITIONS_QUEUE, "0 * * * *", {}, { tz: "UTC" });
  await boss.work(
    PARTITIONS_QUEUE,
    onPrimary(async () => {
      const made = await createLegPartitions(db);
      if (made) log(`partitions: ${made} month(s) of legs made ahead`);
    }),
  );
}

/**
 * The job runner shared by every worker (the web server's own, and `npm run worker` on any
 * machine sharing the database): pg-boss on the same PostgreSQL. Runs the daily retention purge
 * (03:00 UTC), the hourly making of the legs' partitions ahead, the scheduled reports' minute tick
 * and their deliveries, and the spending alerts: a check per account after each ingest, and every
 * account's each minute.
 */
export async function startWorker(db: Database, url: string, log: (line: string) => void = console.log, options: WorkerOptions = {}): Promise<PgBoss> {
  const polling = options.pollingIntervalSeconds ?? 2;
  const boss = new PgBoss({ connectionString: url, max: 3, ...(options.pollingIntervalSeconds ? { maintenanceIntervalSeconds: Math.max(1, polling), cronWorkerIntervalSeconds: Math.max(1, polling) } : {}) });
  boss.on("error", (error) => log(`job queue: ${error.message}`));
  await boss.start();
  await boss.createQueue(PURGE_QUEUE);
  await boss.createQueue(PARTITIONS_QUEUE);
  await boss.createQueue(SCHEDULE_TICK_QUEUE);
  await boss.createQueue(DELIVERY_QUEUE);
  await boss.createQueue(BUDGET_TICK_QUEUE);
  await boss.createQueue(BUDGET_CHECK_QUEUE);
  // Read when the first delivery needs them, so a worker that only purges needs no mail settings.
  let settingsPromise: Promise<DeliverySettings> | undefined;
  const settings = () => (settingsPromise ??= deliverySettings(enqueuer(boss), options, log));
  await workOnStorage(boss, db, log);
  if (options.tick !== false) {
    await boss.schedule(SCHEDULE_TICK_QUEUE, "* * * * *", {}, { tz: "UTC" });
    await boss.work(
      SCHEDULE_TICK_QUEUE,
      { pollingIntervalSeconds: polling },
      onPrimary(async () => {
        await enqueueDueRuns(db, await settings());
      }),
    );
    await boss.schedule(BUDGET_TICK_QUEUE, "* * * * *", {}, { tz: "UTC" });
    await boss.work(
      BUDGET_TICK_QUEUE,
      { pollingIntervalSeconds: polling },
      onPrimary(async () => {
        await checkBudgets(db, await settings());
      }),
    );
  }
  await boss.work<{ accountId: number }>(
    BUDGET_CHECK_QUEUE,
    { pollingIntervalSeconds: polling },
    onPrimary(async ([job]) => {
      if (job) await checkBudgets(db, await settings(), { accountId: job.data.accountId });
    }),
  );
  await boss.work<{ runId: number }>(
    DELIVERY_QUEUE,
    { pollingIntervalSeconds: polling },
    onPrimary(async ([job]) => {
      if (job) await deliverRun(db, await settings(), job.data.runId);
    }),
  );
  return boss;
}

type Cache = { sender?: Promise<PgBoss> };
const cache = globalThis as typeof globalThis & { __portalJobs?: Cache };

/** A send-only queue client for the web tier and the ingest command, whether or not it runs a worker. */
function sender(url: string): Promise<PgBoss> {
  const c = (cache.__portalJobs ??= {});
  c.sender ??= (async () => {
    const boss = new PgBoss({ connectionString: url, max: 1, supervise: false, schedule: false });
    boss.on("error", () => {});
    await boss.start();
    await boss.createQueue(DELIVERY_QUEUE);
    await boss.createQueue(BUDGET_CHECK_QUEUE);
    return boss;
  })();
  return c.sender;
}

/** Send now: the run's delivery job. */
export async function queueDelivery(url: string, runId: number): Promise<void> {
  await enqueuer(await sender(url))(runId);
}

/**
 * After an ingest committed: a budget check for each account it wrote to, taken by the first free
 * worker (within its polling interval, 2 s). Racing or repeated checks are harmless (each alert is
 * recorded once); a check that cannot be queued is the minute tick's to do.
 */
export async function queueBudgetChecks(url: string, accountIds: number[]): Promise<void> {
  if (!accountIds.length) return;
  const boss = await sender(url);
  for (const accountId of accountIds) await boss.send(BUDGET_CHECK_QUEUE, { accountId }, { retryLimit: 0 });
}

/** Closes the send-only client (commands and tests that end). */
export async function stopQueueSender(): Promise<void> {
  const c = cache.__portalJobs;
  const boss = await c?.sender;
  if (c) c.sender = undefined;
  await boss?.stop({ graceful: false, wait: true });
}
