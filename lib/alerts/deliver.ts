import { createHash } from "node:crypto";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accountMembers, accounts, budgetAlertDeliveries, budgetAlerts, budgets, rooms, users, type BudgetAlert } from "@/db/schema";
import { DeliveryError } from "@/lib/delivery/errors";
import { sendMail } from "@/lib/delivery/mail";
import type { DeliverySettings } from "@/lib/schedules/runs";
import { retryTime } from "@/lib/schedules/retry";
import { isUnsubscribed } from "@/lib/schedules/unsubscribe";
import { recordCrossings } from "./crossings";
import { alertMail, type AlertMailContext } from "./mail";

/** What sending alerts needs of the job runner's delivery settings. */
export type AlertSettings = Pick<DeliverySettings, "mail" | "encryptionKey" | "appUrl" | "maxAttempts" | "retryBaseMs" | "leaseMs" | "workerId" | "log">;

export type AlertOutcome = "skipped" | "sent" | "partial" | "failed" | "retrying";

/**
 * The alerts' one pass, after an ingest (one account) and on every worker's minute tick (all):
 * records the thresholds newly reached, then sends every open alert that is due and that no
 * worker holds — the new ones, those whose worker died (lease run out) and those waiting for a
 * retry. Any number of workers may run it at once: each alert is recorded once, and held by one.
 */
export async function checkBudgets(db: Database, s: AlertSettings, options: { accountId?: number; now?: Date } = {}): Promise<{ created: number[]; outcomes: AlertOutcome[] }> {
  const now = options.now ?? new Date();
  const created = await recordCrossings(db, { accountId: options.accountId, now });
  const open = await db
    .select({ id: budgetAlerts.id })
    .from(budgetAlerts)
    .where(
      and(
        options.accountId === undefined ? undefined : eq(budgetAlerts.accountId, options.accountId),
        inArray(budgetAlerts.status, ["pending", "sending"]),
        lte(budgetAlerts.nextAttemptAt, sql`now()`),
        sql`(${budgetAlerts.lockedUntil} is null or ${budgetAlerts.lockedUntil} < now())`,
      ),
    )
    .orderBy(budgetAlerts.id)
    .limit(500);
  const outcomes: AlertOutcome[] = [];
  for (const { id } of open) outcomes.push(await deliverAlert(db, s, id));
  return { created, outcomes };
}

/**
 * Takes an alert for this worker: only if it is open, due, and nobody holds a live lease on it.
 * The lease is a database timestamp, so workers on several machines agree.
 */
async function claimAlert(db: Database, alertId: number, s: AlertSettings): Promise<BudgetAlert | null> {
  const [alert] = await db
    .update(budgetAlerts)
    .set({ status: "sending", lockedUntil: sql`now() + ${`${s.leaseMs} milliseconds`}::interval`, lockedBy: s.workerId, attempts: sql`${budgetAlerts.attempts} + 1` })
    .where(and(eq(budgetAlerts.id, alertId), inArray(budgetAlerts.status, ["pending", "sending"]), lte(budgetAlerts.nextAttemptAt, sql`now()`), sql`(${budgetAlerts.lockedUntil} is null or ${budgetAlerts.lockedUntil} < now())`))
    .returning();
  return alert ?? null;
}

const heldBy = (s: AlertSettings, alert: BudgetAlert) => and(eq(budgetAlerts.accountId, alert.accountId), eq(budgetAlerts.id, alert.id), eq(budgetAlerts.status, "sending"), eq(budgetAlerts.lockedBy, s.workerId));

/**
 * Sends one alert: claim (lease) → send each address not yet served → record it sent. An address
 * is recorded "sent" right after the SMTP server accepted the message; the only way to get it
 * twice is this worker dying (or losing the database for a whole lease) between those two steps,
 * and then the message has the same Message-ID, which mail systems use to drop a duplicate. We
 * chose this at-least-once order over marking first (at-most-once), where the same crash loses
 * the alert silently: a budget warning missed costs more than one read twice.
 */
async function deliverAlert(db: Database, s: AlertSettings, alertId: number): Promise<AlertOutcome> {
  const alert = await claimAlert(db, alertId, s);
  if (!alert) return "skipped";
  const heartbeat = setInterval(() => {
    db.update(budgetAlerts)
      .set({ lockedUntil: sql`now() + ${`${s.leaseMs} milliseconds`}::interval` })
      .where(heldBy(s, alert))
      .catch(() => {});
  }, Math.max(200, s.leaseMs / 3));
  try {
    const context = await alertContext(db, alert);
    await recordRecipients(db, alert, context);
    const pending = await db.select().from(budgetAlertDeliveries).where(and(eq(budgetAlertDeliveries.accountId, alert.accountId), eq(budgetAlertDeliveries.alertId, alert.id), eq(budgetAlertDeliveries.status, "pending")));
    for (const d of pending) {
      // Another worker took it (this one's lease ran out): what is not sent yet is its to send.
      if (!(await stillHeld(db, s, alert))) return "skipped";
      await sendTo(db, s, alert, context, d.email);
    }
    return await settle(db, s, alert);
  } catch (error) {
    s.log?.(`alert ${alert.id}: ${(error as Error).message}`);
    const released = await db
      .update(budgetAlerts)
      .set({ status: "pending", nextAttemptAt: retryTime(alert.attempts, s.retryBaseMs), lockedUntil: null, lockedBy: null })
      .where(heldBy(s, alert))
      .returning({ id: budgetAlerts.id })
      .catch(() => []);
    return released.length ? "retrying" : "skipped";
  } finally {
    clearInterval(heartbeat);
  }
}

async function stillHeld(db: Database, s: AlertSettings, alert: BudgetAlert): Promise<boolean> {
  const [row] = await db.select({ id: budgetAlerts.id }).from(budgetAlerts).where(heldBy(s, alert));
  return row !== undefined;
}

/** The alert's budget, account and room, and who is told: the account's active owners, and a room budget's holder when asked. */
async function alertContext(db: Database, alert: BudgetAlert): Promise<AlertMailContext & { recipients: string[] }> {
  const [row] = await db
    .select({ budget: budgets, account: accounts, roomNumber: rooms.number, holderName: users.displayName, holderEmail: users.email, holderActive: users.status })
    .from(budgets)
    .innerJoin(accounts, eq(accounts.id, budgets.accountId))
    .leftJoin(rooms, and(eq(rooms.accountId, budgets.accountId), eq(rooms.id, budgets.roomId)))
    .leftJoin(users, eq(users.id, rooms.cardholderId))
    .where(and(eq(budgets.accountId, alert.accountId), eq(budgets.id, alert.budgetId)));
  if (!row) throw new Error(`alert ${alert.id} has no budget`);
  const owners = await db
    .select({ email: users.email })
    .from(accountMembers)
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(and(eq(accountMembers.accountId, alert.accountId), eq(accountMembers.role, "owner"), eq(users.status, "active")));
  const holder = row.budget.notifyRoomHolder && row.holderEmail && row.holderActive === "active" ? [row.holderEmail] : [];
  const ownerEmails = owners.map((o) => o.email.toLowerCase());
  const recipients = [...new Set([...ownerEmails, ...holder.map((e) => e.toLowerCase())])].sort();
  return { budget: row.budget, account: row.account, roomNumber: row.roomNumber, holderName: row.holderName, owners: ownerEmails, recipients };
}

/** The alert's addresses, recorded on its first attempt (later attempts keep the same ones). */
async function recordRecipients(db: Database, alert: BudgetAlert, context: { recipients: string[] }) {
  if (!context.recipients.length) return;
  await db
    .insert(budgetAlertDeliveries)
    .values(context.recipients.map((email) => ({ accountId: alert.accountId, alertId: alert.id, email })))
    .onConflictDoNothing();
}

async function sendTo(db: Database, s: AlertSettings, alert: BudgetAlert, context: AlertMailContext, email: string) {
  const where = and(eq(budgetAlertDeliveries.accountId, alert.accountId), eq(budgetAlertDeliveries.alertId, alert.id), eq(budgetAlertDeliveries.email, email), eq(budgetAlertDeliveries.status, "pending"));
  // An unsubscription takes effect at once, even for an alert already under way.
  if (await isUnsubscribed(db, alert.accountId, email)) {
    await db.update(budgetAlertDeliveries).set({ status: "unsubscribed", updatedAt: new Date() }).where(where);
    return;
  }
  try {
    await sendMail(s.mail, { ...alertMail(s, alert, context, email), messageId: alertMessageId(s.appUrl, alert, email) });
    await db.update(budgetAlertDeliveries).set({ status: "sent", sentAt: new Date(), attempts: sql`${budgetAlertDeliveries.attempts} + 1`, detail: "", updatedAt: new Date() }).where(where);
  } catch (error) {
    const e = error instanceof DeliveryError ? error : new DeliveryError((error as Error).message, "permanent");
    s.log?.(`alert ${alert.id}: ${email}: ${e.kind} failure: ${e.message}`);
    await db
      .update(budgetAlertDeliveries)
      .set({ status: e.kind === "transient" ? "pending" : "failed", detail: e.message.slice(0, 500), attempts: sql`${budgetAlertDeliveries.attempts} + 1`, updatedAt: new Date() })
      .where(where);
  }
}

/** The same Message-ID for every attempt at one alert to one address: a duplicate can be told by it. */
function alertMessageId(appUrl: string, alert: BudgetAlert, email: string): string {
  const host = new URL(appUrl).hostname || "portal";
  const who = createHash("sha256").update(email).digest("hex").slice(0, 16);
  return `<budget-alert.${alert.accountId}.${alert.id}.${who}@${host}>`;
}

/**
 * Ends the attempt: a retry later while addresses wait after a transient failure, else the alert
 * closes — "sent" when every address got it (an unsubscribed one got nothing, and asked for
 * that), "partial" when some did, "failed" when none did.
 */
async function settle(db: Database, s: AlertSettings, alert: BudgetAlert): Promise<AlertOutcome> {
  const rows = await db.select({ status: budgetAlertDeliveries.status }).from(budgetAlertDeliveries).where(and(eq(budgetAlertDeliveries.accountId, alert.accountId), eq(budgetAlertDeliveries.alertId, alert.id)));
  const waiting = rows.filter((r) => r.status === "pending").length;
  if (waiting && alert.attempts < s.maxAttempts) {
    const held = await db
      .update(budgetAlerts)
      .set({ status: "pending", nextAttemptAt: retryTime(alert.attempts, s.retryBaseMs), lockedUntil: null, lockedBy: null })
      .where(heldBy(s, alert))
      .returning({ id: budgetAlerts.id });
    return held.length ? "retrying" : "skipped";
  }
  const served = rows.filter((r) => r.status === "sent" || r.status === "unsubscribed").length;
  const sent = rows.filter((r) => r.status === "sent").length;
  const status = rows.length && served === rows.length ? "sent" : sent ? "partial" : "failed";
  return db.transaction(async (tx) => {
    const closed = await tx.update(budgetAlerts).set({ status, finishedAt: new Date(), lockedUntil: null }).where(heldBy(s, alert)).returning({ id: budgetAlerts.id });
    if (!closed.length) return "skipped";
    await tx
      .update(budgetAlertDeliveries)
      .set({ status: "failed", detail: sql`${budgetAlertDeliveries.detail} || ${` (gave up after ${alert.attempts} attempts)`}`, updatedAt: new Date() })
      .where(and(eq(budgetAlertDeliveries.accountId, alert.accountId), eq(budgetAlertDeliveries.alertId, alert.id), eq(budgetAlertDeliveries.status, "pending")));
    return status;
  });
}
