/**
 * The account's scheduled reports, for its owner only: every function takes the owner's scope
 * first and filters by it, so another account's schedule is simply not found. A cancelled one is
 * not found either for anything that would send or change it; its page and history stay readable.
 */
import "server-only";
import { X509Certificate } from "node:crypto";
import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Queryable } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";
import { accounts, emailUnsubscribes, reportSchedules, runDeliveries, scheduleRuns, type DeliveryDetails, type ReportSchedule, type ScheduleRun } from "@/db/schema";
import { audit } from "@/lib/audit";
import { assertOwner, type AccountScope } from "@/lib/auth/scope";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { messages, type Messages } from "@/lib/i18n/messages";
import { getReportFilterNames } from "@/lib/data/reports";
import { runReportQuery } from "@/lib/schedules/report";
import { cancelOpenRuns } from "@/lib/schedules/runs";
import { nextRunAfter } from "@/lib/schedules/timing";
import { MAX_SCHEDULES, type ScheduleInput } from "@/lib/schedules/validate";
import { accountSecretContext, encryptSecret } from "@/lib/secrets";
import { isoDay } from "@/lib/time-zone";

/** What a page may show of a schedule: everything but the secret, which never leaves the server. */
export type ScheduleView = Omit<ReportSchedule, "uploadSecret"> & { hasSecret: boolean };

/** The 11th schedule of an account: refused, nothing saved. */
export class ScheduleLimitError extends ValidationError {
  constructor() {
    super(`an account can have at most ${MAX_SCHEDULES} scheduled reports`, "form");
    this.name = "ScheduleLimitError";
  }
}

const view = ({ uploadSecret, ...rest }: ReportSchedule): ScheduleView => ({ ...rest, hasSecret: uploadSecret !== null });

/** The account's active schedule `id`, in the WHERE clause of every read and write. */
const ownSchedule = (scope: AccountScope, id: number) => and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, id), eq(reportSchedules.status, "active"));
/** The account's schedule `id`, active or cancelled: for reading its page and history only. */
const ownScheduleToRead = (scope: AccountScope, id: number) => and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, id));

/** What the audit log keeps of a schedule: its settings, never its secret. */
const auditable = (s: ReportSchedule) => ({
  name: s.name,
  report: s.reportQuery,
  frequency: s.frequency,
  weekday: s.weekday,
  monthDay: s.monthDay,
  timeOfDay: s.timeOfDay,
  range: s.range,
  from: s.rangeFrom,
  to: s.rangeTo,
  format: s.format,
  emails: s.emails,
  upload: s.upload,
  // Who accepted which server key, or trusted which authority, is worth keeping; both are public.
  hostKey: s.uploadHostKey,
  ca: s.uploadCa ? new X509Certificate(s.uploadCa).fingerprint256 : null,
  status: s.status,
});

function columns(input: ScheduleInput, now: Date) {
  return {
    name: input.name,
    reportQuery: input.reportQuery,
    frequency: input.frequency,
    weekday: input.weekday,
    monthDay: input.monthDay,
    timeOfDay: input.timeOfDay,
    range: input.range,
    rangeFrom: input.rangeFrom,
    rangeTo: input.rangeTo,
    format: input.format,
    emails: input.emails,
    upload: input.upload,
    uploadHostKey: input.upload?.protocol === "sftp" ? (input.hostKey ?? null) : null,
    uploadCa: input.upload?.protocol === "ftps" ? (input.ca ?? null) : null,
    nextRunAt: nextRunAfter(input, now),
    updatedAt: now,
  };
}

/**
 * The report's filters name people and groups of this account only: an id of another account is
 * as unknown as one that never existed (a ValidationError naming the field, in `t`'s language), and
 * the schedule is not saved — else every run would fail on it.
 */
async function checkFilters(db: Queryable, scope: AccountScope, input: ScheduleInput, now: Date, t: Messages) {
  const today = isoDay(now);
  await getReportFilterNames(scope, runReportQuery(input.reportQuery, today, today, now), t, db);
}

/** Creates a schedule; the account row is locked so two owners saving at once cannot pass 10. */
export async function createSchedule(scope: AccountScope, input: ScheduleInput, encryptionKey: string, now = new Date(), t: Messages = messages.en): Promise<ScheduleView> {
  assertOwner(scope, "schedule");
  return (await getDb()).transaction(async (tx) => {
    await checkFilters(tx, scope, input, now, t);
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, scope.accountId)).for("update");
    const [active] = await tx.select({ n: count() }).from(reportSchedules).where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.status, "active")));
    if (active!.n >= MAX_SCHEDULES) throw new ScheduleLimitError();
    const [row] = await tx
      .insert(reportSchedules)
      .values({
        accountId: scope.accountId,
        ownerId: scope.userId,
        ...columns(input, now),
        uploadSecret: input.upload && input.secret !== undefined ? encryptSecret(encryptionKey, input.secret, accountSecretContext(scope.accountId)) : null,
      })
      .returning();
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "schedule.created", subject: String(row!.id), after: auditable(row!) });
    return view(row!);
  });
}

async function lockSchedule(db: Queryable, scope: AccountScope, id: number) {
  const [row] = await db.select().from(reportSchedules).where(ownSchedule(scope, id)).for("update");
  if (!row) throw new NotFoundError("schedule not found");
  return row;
}

/** Saves an edited schedule. A secret left empty keeps the stored one (the form checked it may). */
export async function updateSchedule(scope: AccountScope, id: number, input: ScheduleInput, encryptionKey: string, now = new Date(), t: Messages = messages.en): Promise<ScheduleView> {
  assertOwner(scope, "schedule");
  return (await getDb()).transaction(async (tx) => {
    const before = await lockSchedule(tx, scope, id);
    await checkFilters(tx, scope, input, now, t);
    const uploadSecret = !input.upload ? null : input.secret !== undefined ? encryptSecret(encryptionKey, input.secret, accountSecretContext(scope.accountId)) : before.uploadSecret;
    const [row] = await tx
      .update(reportSchedules)
      .set({ ...columns(input, now), uploadSecret, version: sql`${reportSchedules.version} + 1` })
      .where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, id)))
      .returning();
    const secretChanged = input.secret !== undefined || (!input.upload && before.uploadSecret !== null);
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "schedule.updated", subject: String(id), before: auditable(before), after: { ...auditable(row!), secretChanged } });
    return view(row!);
  });
}

/**
 * Cancels a schedule: it is kept (cancelled, read only, with its history) and its runs still open
 * end as cancelled in the same transaction, so no worker sends them afterwards. `updated_at` is
 * the moment of cancellation, as a cancelled schedule cannot be changed any more.
 */
export async function cancelSchedule(scope: AccountScope, id: number): Promise<void> {
  assertOwner(scope, "schedule");
  await (await getDb()).transaction(async (tx) => {
    const before = await lockSchedule(tx, scope, id);
    await tx.update(reportSchedules).set({ status: "cancelled", nextRunAt: null, updatedAt: new Date() }).where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, id)));
    await cancelOpenRuns(tx, before);
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "schedule.cancelled", subject: String(id), before: auditable(before) });
  });
}

export type ScheduleListItem = ScheduleView & { lastRun: { runAt: Date; status: string; finishedAt: Date | null; nextAttemptAt: Date | null } | null };

/** The account's active schedules with their last run, oldest first. */
export async function listSchedules(scope: AccountScope): Promise<ScheduleListItem[]> {
  assertOwner(scope, "schedule");
  const db = await getReadDb();
  const rows = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.status, "active")))
    .orderBy(reportSchedules.id);
  if (!rows.length) return [];
  const last = await db
    .selectDistinctOn([scheduleRuns.scheduleId], { scheduleId: scheduleRuns.scheduleId, runAt: scheduleRuns.runAt, status: scheduleRuns.status, finishedAt: scheduleRuns.finishedAt, nextAttemptAt: scheduleRuns.nextAttemptAt })
    .from(scheduleRuns)
    .where(and(eq(scheduleRuns.accountId, scope.accountId), inArray(scheduleRuns.scheduleId, rows.map((r) => r.id))))
    .orderBy(scheduleRuns.scheduleId, desc(scheduleRuns.createdAt), desc(scheduleRuns.id));
  const byId = new Map(last.map((l) => [l.scheduleId, l]));
  return rows.map((r) => {
    const l = byId.get(r.id);
    return { ...view(r), lastRun: l ? { runAt: l.runAt, status: l.status, finishedAt: l.finishedAt, nextAttemptAt: l.nextAttemptAt } : null };
  });
}

/** The account's active schedule, for what edits, tests or sends it: read on the primary, as what decides a write. */
export async function getSchedule(scope: AccountScope, id: number): Promise<ScheduleView> {
  assertOwner(scope, "schedule");
  const [row] = await (await getDb()).select().from(reportSchedules).where(ownSchedule(scope, id));
  if (!row) throw new NotFoundError("schedule not found");
  return view(row);
}

/** The account's schedule, active or cancelled: its page shows a cancelled one read only. */
async function readSchedule(scope: AccountScope, id: number): Promise<ScheduleView> {
  assertOwner(scope, "schedule");
  const [row] = await (await getReadDb()).select().from(reportSchedules).where(ownScheduleToRead(scope, id));
  if (!row) throw new NotFoundError("schedule not found");
  return view(row);
}

export type CancelledSchedule = { id: number; name: string; reportQuery: string; cancelledAt: Date };

/** The account's cancelled schedules, most recently cancelled first (the latest `limit`). */
async function listCancelledSchedules(scope: AccountScope, limit = 20): Promise<CancelledSchedule[]> {
  assertOwner(scope, "schedule");
  const rows = await (await getReadDb())
    .select({ id: reportSchedules.id, name: reportSchedules.name, reportQuery: reportSchedules.reportQuery, cancelledAt: reportSchedules.updatedAt })
    .from(reportSchedules)
    .where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.status, "cancelled")))
    .orderBy(desc(reportSchedules.updatedAt), desc(reportSchedules.id))
    .limit(limit);
  return rows;
}

/** The encrypted upload secret of a schedule, for a *Test upload* that keeps the stored one; server only. */
export async function getScheduleSecret(scope: AccountScope, id: number): Promise<string> {
  assertOwner(scope, "schedule");
  const [row] = await (await getDb()).select({ secret: reportSchedules.uploadSecret }).from(reportSchedules).where(ownSchedule(scope, id));
  if (!row?.secret) throw new NotFoundError("schedule not found");
  return row.secret;
}

export type RunHistory = {
  id: number;
  runAt: Date;
  trigger: "schedule" | "manual";
  fromDate: string;
  toDate: string;
  status: string;
  attempts: number;
  /** When a waiting run is tried (again). */
  nextAttemptAt: Date | null;
  finishedAt: Date | null;
  deliveries: { destination: string; status: string; attempts: number; detail: string; details: DeliveryDetails | null }[];
};

/** A schedule's runs (active or cancelled), newest first, each with its outcome per destination. */
export async function scheduleHistory(scope: AccountScope, scheduleId: number, limit = 50): Promise<RunHistory[]> {
  assertOwner(scope, "schedule");
  await readSchedule(scope, scheduleId);
  const db = await getReadDb();
  const runs = await db
    .select()
    .from(scheduleRuns)
    .where(and(eq(scheduleRuns.accountId, scope.accountId), eq(scheduleRuns.scheduleId, scheduleId)))
    .orderBy(desc(scheduleRuns.runAt), desc(scheduleRuns.id))
    .limit(limit);
  if (!runs.length) return [];
  const deliveries = await db
    .select()
    .from(runDeliveries)
    .where(and(eq(runDeliveries.accountId, scope.accountId), inArray(runDeliveries.runId, runs.map((r) => r.id))))
    .orderBy(runDeliveries.destination);
  return runs.map((r) => ({
    id: r.id,
    runAt: r.runAt,
    trigger: r.trigger,
    fromDate: r.fromDate,
    toDate: r.toDate,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    finishedAt: r.finishedAt,
    deliveries: deliveries.filter((d) => d.runId === r.id).map((d) => ({ destination: d.destination, status: d.status, attempts: d.attempts, detail: d.detail, details: d.details })),
  }));
}

/** The account's unsubscribed addresses (lower-cased), shown in the schedule list. */
async function unsubscribedAddresses(scope: AccountScope): Promise<string[]> {
  assertOwner(scope, "schedule");
  const rows = await (await getReadDb()).select({ email: emailUnsubscribes.email }).from(emailUnsubscribes).where(eq(emailUnsubscribes.accountId, scope.accountId)).orderBy(emailUnsubscribes.email);
  return rows.map((r) => r.email);
}

/** The schedules page: the account's schedules, those cancelled, and the addresses that unsubscribed. */
export async function getSchedulesOverview(scope: AccountScope) {
  const [schedules, cancelled, unsubscribed] = await Promise.all([listSchedules(scope), listCancelledSchedules(scope), unsubscribedAddresses(scope)]);
  return { schedules, cancelled, unsubscribed };
}

/** One schedule (active or cancelled) and its history; NotFoundError when it is not the account's. */
export async function getScheduleWithHistory(scope: AccountScope, id: number) {
  return Promise.all([readSchedule(scope, id), scheduleHistory(scope, id)]);
}

/** The run a signed report link names (the link is the authorization: no session). */
export async function getLinkedRun(target: { accountId: number; runId: number }): Promise<ScheduleRun | undefined> {
  const [run] = await (await getReadDb()).select().from(scheduleRuns).where(and(eq(scheduleRuns.accountId, target.accountId), eq(scheduleRuns.id, target.runId)));
  return run;
}

/** The account an unsubscribe link names, for the page to say which reports stop. */
export async function getUnsubscribeAccount(accountId: number): Promise<{ number: string; companyName: string } | undefined> {
  const [account] = await (await getReadDb()).select({ number: accounts.number, companyName: accounts.companyName }).from(accounts).where(eq(accounts.id, accountId));
  return account;
}
