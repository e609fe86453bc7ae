import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, reportSchedules, runDeliveries, scheduleRuns, users, type Account, type DeliveryDetails, type ReportSchedule, type RunDelivery, type ScheduleFormat, type ScheduleRun } from "@/db/schema";
import { DeliveryError, deliveryProblem } from "@/lib/delivery/errors";
import { sendMail, type MailSettings } from "@/lib/delivery/mail";
import { HostKeyError, HostKeyMissingError } from "@/lib/delivery/host-key";
import { formatDateTime, formatDay, formatSize } from "@/lib/format";
import { withColon } from "@/lib/i18n/typography";
import { uploadReport, type UploadOptions } from "@/lib/delivery/upload";
import type { Export } from "@/lib/export/oai";
import { fill, messages, type Messages } from "@/lib/i18n/messages";
import { assertOwner, type AccountScope } from "@/lib/auth/scope";
import { isDatabaseInterruption, NotFoundError, ValidationError } from "@/lib/errors";
import { accountSecretContext, decryptSecret } from "@/lib/secrets";
import { scheduleName } from "./display";
import { retryTime } from "./retry";
import { deliveryNote } from "./run-display";
import { ATTACHMENT_LIMIT_BYTES, reportLinkToken } from "./links";
import { nextRunAfter, rangeForRun } from "./timing";
import { isUnsubscribed, unsubscribeToken, unsubscribeUrls } from "./unsubscribe";

/** Builds a report file for a run: the report's query with the run's GMT dates, in its format. */
export type RenderReport = (request: { accountId: number; scheduleId: number; query: string; from: string; to: string; format: ScheduleFormat; now: Date }) => Promise<Export>;

export type DeliverySettings = {
  mail: MailSettings;
  encryptionKey: string;
  appUrl: string;
  upload: UploadOptions;
  render: RenderReport;
  /** Attempts per run before a transient failure counts as final, and the first retry's delay (doubled each time). */
  maxAttempts: number;
  retryBaseMs: number;
  /** How long a worker holds a run without renewing its lease. */
  leaseMs: number;
  workerId: string;
  /** Queues a delivery job for a run, possibly for later. */
  enqueue: (runId: number, startAfter?: Date) => Promise<void>;
  log?: (line: string) => void;
};

async function insertRun(db: Pick<Database, "insert">, schedule: ReportSchedule, runAt: Date, trigger: "schedule" | "manual"): Promise<number | null> {
  const range = rangeForRun(schedule.range, runAt, schedule.rangeFrom && schedule.rangeTo ? { from: schedule.rangeFrom, to: schedule.rangeTo } : undefined);
  const [row] = await db
    .insert(scheduleRuns)
    .values({ accountId: schedule.accountId, scheduleId: schedule.id, runAt, trigger, reportQuery: schedule.reportQuery, fromDate: range.from, toDate: range.to, format: schedule.format })
    .onConflictDoNothing()
    .returning({ id: scheduleRuns.id });
  return row?.id ?? null;
}

/**
 * The scheduler's tick (every minute, on one worker): each schedule that is due gets one run for
 * its due time — the unique (schedule, run time) key makes a racing tick a no-op — and its next
 * run moves after `now`, so runs missed while every worker was down are made up by a single run.
 * Then every open run whose time has come and that nobody holds is (re)queued: a run whose job
 * was lost, or whose worker died, is never forgotten.
 */
export async function enqueueDueRuns(db: Database, s: Pick<DeliverySettings, "enqueue">, now = new Date()): Promise<number[]> {
  const due = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.status, "active"), lte(reportSchedules.nextRunAt, now)))
    .orderBy(reportSchedules.nextRunAt)
    .limit(500);
  const created: number[] = [];
  for (const schedule of due) {
    const id = await db.transaction(async (tx) => {
      // Whoever advances next_run_at from the value read owns this occurrence.
      const advanced = await tx
        .update(reportSchedules)
        .set({ nextRunAt: nextRunAfter(schedule, now) })
        .where(and(eq(reportSchedules.accountId, schedule.accountId), eq(reportSchedules.id, schedule.id), eq(reportSchedules.status, "active"), eq(reportSchedules.nextRunAt, schedule.nextRunAt!)))
        .returning({ id: reportSchedules.id });
      if (!advanced.length) return null;
      return insertRun(tx, schedule, schedule.nextRunAt!, "schedule");
    });
    if (id !== null) created.push(id);
  }
  const open = await db
    .select({ id: scheduleRuns.id })
    .from(scheduleRuns)
    .where(and(inArray(scheduleRuns.status, ["pending", "running"]), lte(scheduleRuns.nextAttemptAt, now), sql`(${scheduleRuns.lockedUntil} is null or ${scheduleRuns.lockedUntil} < now())`))
    .limit(1000);
  for (const { id } of open) await s.enqueue(id);
  return created;
}

/** *Send now*: a run at this moment, delivered at once by a worker. */
export async function sendNow(db: Database, s: Pick<DeliverySettings, "enqueue">, scope: AccountScope, scheduleId: number, now = new Date()): Promise<number> {
  assertOwner(scope, "schedule");
  const [schedule] = await db.select().from(reportSchedules).where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, scheduleId), eq(reportSchedules.status, "active")));
  if (!schedule) throw new NotFoundError("schedule not found");
  const id = await insertRun(db, schedule, now, "manual");
  if (id === null) throw new NotFoundError("a run already exists for this instant");
  await s.enqueue(id);
  return id;
}

/**
 * Takes a run for this worker: only if it is open, due, and nobody holds a live lease on it.
 * The lease is a database timestamp, so workers on several machines agree.
 */
export async function claimRun(db: Database, runId: number, workerId: string, leaseMs: number): Promise<ScheduleRun | null> {
  const [run] = await db
    .update(scheduleRuns)
    .set({ status: "running", lockedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`, lockedBy: workerId, attempts: sql`${scheduleRuns.attempts} + 1` })
    .where(and(eq(scheduleRuns.id, runId), inArray(scheduleRuns.status, ["pending", "running"]), lte(scheduleRuns.nextAttemptAt, sql`now()`), sql`(${scheduleRuns.lockedUntil} is null or ${scheduleRuns.lockedUntil} < now())`))
    .returning();
  return run ?? null;
}

const mailDestination = (email: string) => `mail:${email.toLowerCase()}`;
const uploadDestination = (s: ReportSchedule) => (s.upload ? `${s.upload.protocol}://${s.upload.user}@${s.upload.host}:${s.upload.port}${s.upload.directory}` : null);
const scheduleDestinations = (s: ReportSchedule) => [...s.emails.map(mailDestination), uploadDestination(s)].filter((d): d is string => d !== null);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const localeOf = (accountLocale: string): keyof typeof messages => (accountLocale.toLowerCase().startsWith("fr") ? "fr" : "en");

/** What one attempt at a run did; "skipped": the run was not, or no longer, this worker's (taken by another, or its lease ran out). */
export type RunOutcome = "skipped" | "delivered" | "partial" | "failed" | "retrying" | "cancelled";

/** What a run is delivered with: its schedule, its account, and the account's language. */
type RunContext = { run: ScheduleRun; schedule: ReportSchedule; account: Account; t: Messages };
type ReportFile = { path: string; name: string; bytes: number };

/**
 * Delivers one run: the report is built once, then sent to every destination not yet served
 * (a retry never sends twice to a destination that got it). Transient failures leave the run open
 * for a retry after an exponentially growing delay; permanent ones are recorded and not retried;
 * when the run ends with a failure the schedule's owner is told by e-mail.
 */
export async function deliverRun(db: Database, s: DeliverySettings, runId: number): Promise<RunOutcome> {
  const run = await claimRun(db, runId, s.workerId, s.leaseMs);
  if (!run) return "skipped";
  const stopRenewing = renewLease(db, s, run.id);
  try {
    return await deliverClaimedRun(db, s, run);
  } catch (error) {
    return await retryLater(db, s, run, error);
  } finally {
    stopRenewing();
  }
}

/** Keeps this worker's lease on the run while it works on it; returns how to stop. */
function renewLease(db: Database, s: DeliverySettings, runId: number): () => void {
  const heartbeat = setInterval(() => {
    db.update(scheduleRuns)
      .set({ lockedUntil: sql`now() + ${`${s.leaseMs} milliseconds`}::interval` })
      .where(and(eq(scheduleRuns.id, runId), eq(scheduleRuns.lockedBy, s.workerId)))
      .catch(() => {});
  }, Math.max(200, s.leaseMs / 3));
  return () => clearInterval(heartbeat);
}

async function deliverClaimedRun(db: Database, s: DeliverySettings, run: ScheduleRun): Promise<RunOutcome> {
  const [schedule] = await db.select().from(reportSchedules).where(and(eq(reportSchedules.accountId, run.accountId), eq(reportSchedules.id, run.scheduleId)));
  const [account] = await db.select().from(accounts).where(eq(accounts.id, run.accountId));
  if (!schedule || !account) throw new Error(`run ${run.id} has no schedule`);
  const c: RunContext = { run, schedule, account, t: messages[localeOf(account.locale)] };
  if (schedule.status === "cancelled") {
    // Cancelled after this run was created: nothing more is sent for it.
    await db.transaction((tx) => cancelOpenRuns(tx, schedule));
    return "cancelled";
  }
  const pending = await openDeliveries(db, run, schedule);
  if (pending.length) await inWorkDir((dir) => deliverPending(db, s, c, pending, dir));
  return settle(db, s, run, schedule, account, c.t);
}

/** The run's destinations not yet served: those of the schedule, recorded once, still pending. */
async function openDeliveries(db: Database, run: ScheduleRun, schedule: ReportSchedule): Promise<RunDelivery[]> {
  const destinations = scheduleDestinations(schedule);
  if (destinations.length) await db.insert(runDeliveries).values(destinations.map((destination) => ({ accountId: run.accountId, runId: run.id, destination }))).onConflictDoNothing();
  return db.select().from(runDeliveries).where(and(eq(runDeliveries.accountId, run.accountId), eq(runDeliveries.runId, run.id), eq(runDeliveries.status, "pending")));
}

/** A temporary folder for the run's report file, removed whatever happens. */
async function inWorkDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-run-"));
  try {
    await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds the report once, then sends it to each pending destination in turn. */
async function deliverPending(db: Database, s: DeliverySettings, c: RunContext, pending: RunDelivery[], dir: string): Promise<void> {
  let file: ReportFile;
  try {
    file = await renderToFile(s, c.run, dir);
  } catch (error) {
    await recordNotBuilt(db, c.run, pending, error);
    return;
  }
  for (const d of pending) {
    // The schedule may be cancelled while the run is under way: what is not sent yet stays unsent.
    if (!(await stillHeld(db, s, c.run))) return;
    await deliverTo(db, s, c, d.destination, file);
  }
}

/** Whether this worker still holds the run (not cancelled with its schedule, lease not lost). */
async function stillHeld(db: Database, s: DeliverySettings, run: ScheduleRun): Promise<boolean> {
  const [row] = await db.select({ id: scheduleRuns.id }).from(scheduleRuns).where(heldBy(s, run));
  return row !== undefined;
}

const heldBy = (s: Pick<DeliverySettings, "workerId">, run: ScheduleRun) => and(eq(scheduleRuns.accountId, run.accountId), eq(scheduleRuns.id, run.id), eq(scheduleRuns.status, "running"), eq(scheduleRuns.lockedBy, s.workerId));

/**
 * A schedule's runs still open when it is cancelled end there, as "cancelled", and so do their
 * destinations not served yet ("Cancelled with the schedule"), those of a run never tried too;
 * what was already sent stays so. A worker in the middle of such a run loses its hold, and sends
 * nothing more.
 */
export async function cancelOpenRuns(db: Pick<Database, "update" | "insert">, schedule: ReportSchedule): Promise<number[]> {
  const { accountId } = schedule;
  const closed = await db
    .update(scheduleRuns)
    .set({ status: "cancelled", finishedAt: new Date(), lockedUntil: null, lockedBy: null })
    .where(and(eq(scheduleRuns.accountId, accountId), eq(scheduleRuns.scheduleId, schedule.id), inArray(scheduleRuns.status, ["pending", "running"])))
    .returning({ id: scheduleRuns.id });
  if (!closed.length) return [];
  const ids = closed.map((r) => r.id);
  const cancelled = { status: "cancelled" as const, detail: "cancelled with the schedule", details: { problem: "cancelled" as const }, updatedAt: new Date() };
  const destinations = scheduleDestinations(schedule);
  if (destinations.length) await db.insert(runDeliveries).values(ids.flatMap((runId) => destinations.map((destination) => ({ accountId, runId, destination, ...cancelled })))).onConflictDoNothing();
  await db
    .update(runDeliveries)
    .set(cancelled)
    .where(and(eq(runDeliveries.accountId, accountId), inArray(runDeliveries.runId, ids), eq(runDeliveries.status, "pending")));
  return ids;
}

/**
 * The report could not be built (the database was interrupted…): every pending destination waits
 * for the next attempt. The history words it for the customer from `details`. A filter naming
 * people or groups no longer in the account will not heal by waiting.
 */
async function recordNotBuilt(db: Database, run: ScheduleRun, pending: RunDelivery[], error: unknown): Promise<void> {
  const reason = `the report could not be built: ${(error as Error).message}`.slice(0, 500);
  const invalid = error instanceof ValidationError;
  const details: DeliveryDetails = { problem: "report-not-built", cause: invalid ? "filters" : isDatabaseInterruption(error) ? "database" : "unexpected" };
  for (const d of pending) await record(db, run, d.destination, { kind: invalid ? "permanent" : "transient", detail: reason, details });
}

/** Sends the report to one destination (an address or the upload server) and records how it went. */
async function deliverTo(db: Database, s: DeliverySettings, { run, schedule, account, t }: RunContext, destination: string, file: ReportFile): Promise<void> {
  try {
    if (destination.startsWith("mail:")) {
      const address = schedule.emails.find((e) => mailDestination(e) === destination) ?? destination.slice(5);
      // An unsubscription takes effect at once, even for a run already under way.
      if (await isUnsubscribed(db, run.accountId, address)) return await record(db, run, destination, { kind: "unsubscribed" });
      await sendMail(s.mail, reportMail(s, t, run, scheduleName(schedule, t), account, address, file));
    } else if (schedule.upload && schedule.uploadSecret) {
      const secret = decryptSecret(s.encryptionKey, schedule.uploadSecret, accountSecretContext(run.accountId));
      await uploadReport({ ...schedule.upload, secret, hostKey: schedule.uploadHostKey, ca: schedule.uploadCa }, { path: file.path }, file.name, s.upload);
    } else {
      throw new DeliveryError("the upload destination has no password or key", "permanent", "no-secret");
    }
    await record(db, run, destination, { kind: "delivered", detail: file.bytes > ATTACHMENT_LIMIT_BYTES && destination.startsWith("mail:") ? "link" : "" });
  } catch (error) {
    const e = error instanceof DeliveryError ? error : new DeliveryError((error as Error).message, "permanent");
    await record(db, run, destination, { kind: e.kind, detail: e.message, details: failureDetails(error, e, destination) });
    s.log?.(`run ${run.id}: ${destination}: ${e.kind} failure: ${e.message}`);
  }
}

/**
 * Unexpected (the database went away mid-run…): the run stays open and is taken up again after a
 * delay, until its attempts are spent.
 */
async function retryLater(db: Database, s: DeliverySettings, run: ScheduleRun, error: unknown): Promise<RunOutcome> {
  s.log?.(`run ${run.id}: ${(error as Error).message}`);
  const final = run.attempts >= s.maxAttempts;
  try {
    if (final) return (await closeRun(db, s, run, "failed")) ? "failed" : notHeld(db, run);
    const held = await db
      .update(scheduleRuns)
      .set({ status: "pending", nextAttemptAt: retryTime(run.attempts, s.retryBaseMs), lockedUntil: null, lockedBy: null })
      .where(heldBy(s, run))
      .returning({ id: scheduleRuns.id });
    return held.length ? "retrying" : notHeld(db, run);
  } catch (failure) {
    // The database is still away: the lease runs out and the run is taken up again then.
    s.log?.(`run ${run.id}: not released: ${(failure as Error).message}`);
    return "retrying";
  }
}

/** Why a run is no longer this worker's: cancelled with its schedule, or taken by another worker once its lease ran out. */
async function notHeld(db: Database, run: ScheduleRun): Promise<RunOutcome> {
  const [now] = await db.select({ status: scheduleRuns.status }).from(scheduleRuns).where(and(eq(scheduleRuns.accountId, run.accountId), eq(scheduleRuns.id, run.id)));
  return now?.status === "cancelled" ? "cancelled" : "skipped";
}

/**
 * Closes a run this worker holds with `status` and, in the same transaction, gives up on the
 * destinations still waiting; false when the run is no longer this worker's (cancelled meanwhile,
 * or its lease ran out and another worker took it).
 */
async function closeRun(db: Database, s: DeliverySettings, run: ScheduleRun, status: "delivered" | "partial" | "failed"): Promise<boolean> {
  return db.transaction(async (tx) => {
    const closed = await tx.update(scheduleRuns).set({ status, finishedAt: new Date(), lockedUntil: null }).where(heldBy(s, run)).returning({ id: scheduleRuns.id });
    if (!closed.length) return false;
    const gaveUp = `gave up after ${run.attempts} attempts`;
    await tx
      .update(runDeliveries)
      .set({ status: "failed", detail: sql`case when ${runDeliveries.detail} = '' then ${gaveUp} else ${runDeliveries.detail} || ${` — ${gaveUp}`} end` })
      .where(and(eq(runDeliveries.accountId, run.accountId), eq(runDeliveries.runId, run.id), eq(runDeliveries.status, "pending")));
    return true;
  });
}

/**
 * The kind of a failure, for the history to word it in the owner's language; an SFTP server not
 * showing the accepted key also names both keys.
 */
function failureDetails(error: unknown, e: DeliveryError, destination: string): DeliveryDetails {
  if (error instanceof HostKeyError && error.expected) return { problem: "host-key-changed", offered: error.offered, expected: error.expected };
  if (error instanceof HostKeyMissingError || error instanceof HostKeyError) return { problem: "host-key-missing" };
  return { problem: deliveryProblem(e, destination.startsWith("mail:") ? "mail" : "upload") };
}

/** Builds the run's report into `dir`; a failure is logged once, with the file's name once it is known. */
async function renderToFile(s: DeliverySettings, run: ScheduleRun, dir: string) {
  let report: Export | undefined;
  try {
    report = await s.render({ accountId: run.accountId, scheduleId: run.scheduleId, query: run.reportQuery, from: run.fromDate, to: run.toDate, format: run.format, now: new Date() });
    return await writeToFile(report, dir);
  } catch (error) {
    s.log?.(`run ${run.id}: ${report?.filename ?? "the report"} could not be built: ${(error as Error).message}`);
    throw error;
  }
}

async function writeToFile(report: Export, dir: string): Promise<ReportFile> {
  const name = path.basename(report.filename).replace(/[^\w.-]/g, "_");
  const file = path.join(dir, name);
  const output = createWriteStream(file);
  try {
    await report.write(output);
  } finally {
    output.end();
  }
  await finished(output);
  return { path: file, name, bytes: (await stat(file)).size };
}

type Result = ({ kind: "delivered" | "unsubscribed"; detail?: string } | { kind: "transient" | "permanent"; detail: string }) & { details?: DeliveryDetails };

async function record(db: Database, run: ScheduleRun, destination: string, result: Result) {
  const status = result.kind === "transient" ? "pending" : result.kind === "permanent" ? "failed" : result.kind;
  // A destination cancelled with its schedule meanwhile stays so, unless it did receive the report.
  const open = status === "delivered" ? undefined : eq(runDeliveries.status, "pending");
  await db
    .update(runDeliveries)
    .set({ status, detail: result.detail ?? "", details: result.details ?? null, attempts: sql`${runDeliveries.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(runDeliveries.accountId, run.accountId), eq(runDeliveries.runId, run.id), eq(runDeliveries.destination, destination), open));
}

/**
 * Ends the attempt: schedules a retry while transient failures remain, else closes the run —
 * "delivered" only when every destination received it; "partial" when some did not (failed,
 * unsubscribed); "failed" when none did. A run cancelled meanwhile keeps its "cancelled".
 */
async function settle(db: Database, s: DeliverySettings, run: ScheduleRun, schedule: ReportSchedule, account: Account, t: Messages): Promise<RunOutcome> {
  const rows = await db.select().from(runDeliveries).where(and(eq(runDeliveries.accountId, run.accountId), eq(runDeliveries.runId, run.id)));
  const waiting = rows.filter((r) => r.status === "pending");
  if (waiting.length && run.attempts < s.maxAttempts) {
    const at = retryTime(run.attempts, s.retryBaseMs);
    const held = await db.update(scheduleRuns).set({ status: "pending", nextAttemptAt: at, lockedUntil: null, lockedBy: null }).where(heldBy(s, run)).returning({ id: scheduleRuns.id });
    if (!held.length) return notHeld(db, run);
    await s.enqueue(run.id, at);
    return "retrying";
  }
  const status = runOutcome(rows);
  if (!(await closeRun(db, s, run, status))) return notHeld(db, run);
  // Those left waiting were given up on just above; an unsubscribed address is no fault to report.
  const failed = rows.filter((r) => r.status === "failed" || r.status === "pending");
  const problems = failed.map((f) => `${withColon(t.lang, f.destination.replace(/^mail:/, ""))} ${deliveryNote({ ...f, status: "failed" }, t.schedules, { lang: t.lang, locale: account.locale })}`);
  if (failed.length) await notifyOwner(db, s, run, schedule, account, t, problems).catch((error: unknown) => s.log?.(`run ${run.id}: owner not notified: ${(error as Error).message}`));
  return status;
}

/** A closed run's status from its destinations' (those still waiting count as not served). */
function runOutcome(rows: { status: string }[]): "delivered" | "partial" | "failed" {
  const delivered = rows.filter((r) => r.status === "delivered").length;
  if (delivered === rows.length) return "delivered";
  return delivered ? "partial" : "failed";
}

function reportMail(s: DeliverySettings, t: Messages, run: ScheduleRun, name: string, account: Pick<Account, "id" | "number" | "companyName" | "locale">, address: string, file: ReportFile) {
  const m = t.schedules.mail;
  const who = `${account.companyName} (${account.number})`;
  const urls = unsubscribeUrls(s.appUrl, unsubscribeToken(s.encryptionKey, account.id, address));
  const asLink = file.bytes > ATTACHMENT_LIMIT_BYTES;
  const linkUrl = `${s.appUrl}/reports/file?t=${reportLinkToken(s.encryptionKey, account.id, run.id)}`;
  const dates = { from: formatDay(run.fromDate, account.locale), to: formatDay(run.toDate, account.locale) };
  const size = formatSize(file.bytes, account.locale);
  const body = fill(m.intro, { name, account: who, ...dates });
  const delivery = asLink ? fill(m.link, { size, url: linkUrl }) : fill(m.attached, { file: file.name });
  const footer = fill(m.unsubscribe, { address, account: who, url: urls.page });
  return {
    to: address,
    subject: fill(m.subject, { name, ...dates }),
    text: `${body}\n\n${delivery}\n\n--\n${footer}\n`,
    html:
      `<p>${escapeHtml(body)}</p><p>${asLink ? `${escapeHtml(fill(m.link, { size, url: "" }))}<a href="${escapeHtml(linkUrl)}">${escapeHtml(linkUrl)}</a>` : escapeHtml(delivery)}</p>` +
      `<hr><p style="color:#555;font-size:12px">${escapeHtml(fill(m.unsubscribe, { address, account: who, url: "" }))}<a href="${escapeHtml(urls.page)}">${escapeHtml(urls.page)}</a></p>`,
    unsubscribeUrl: urls.oneClick,
    attachment: asLink ? undefined : { filename: file.name, path: file.path },
  };
}

async function notifyOwner(db: Database, s: DeliverySettings, run: ScheduleRun, schedule: ReportSchedule, account: Account, t: Messages, problems: string[]) {
  const [owner] = await db.select({ email: users.email }).from(users).where(eq(users.id, schedule.ownerId));
  if (!owner) return;
  const m = t.schedules.mail;
  const runAt = formatDateTime(run.runAt, "UTC", account.locale);
  const lines = [fill(m.failedIntro, { name: scheduleName(schedule, t), account: `${account.companyName} (${account.number})`, runAt }), "", ...problems.map((p) => `- ${p}`), "", fill(m.failedOutro, { url: `${s.appUrl}/reports/schedules/${schedule.id}` })];
  await sendMail(s.mail, {
    to: owner.email,
    subject: fill(m.failedSubject, { name: scheduleName(schedule, t) }),
    text: lines.join("\n"),
    html: lines.map((l) => (l ? `<p>${escapeHtml(l)}</p>` : "")).join(""),
  });
}
