import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Transaction } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";
import { budgetAlertDeliveries, budgetAlerts, budgets, rooms, users, type AlertStatus, type Budget, type BudgetTarget } from "@/db/schema";
import { budgetSpend } from "@/lib/alerts/crossings";
import { budgetTargetLabel } from "@/lib/alerts/labels";
import { audit } from "@/lib/audit";
import { assertOwner, type AccountScope } from "@/lib/auth/scope";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { fill, type Messages } from "@/lib/i18n/messages";
import { periodOf, type Period } from "@/lib/periods";

/** A budget as the alerts page lists it: its target, amount, and the current month's spend and alerts. */
export type BudgetLine = {
  id: number;
  target: BudgetTarget;
  roomNumber: string | null;
  cardholder: string | null;
  billingCode: string | null;
  amountMinor: number;
  notifyRoomHolder: boolean;
  spentMinor: number;
  /** Thresholds recorded this month (e-mailed, or said in the 100 % e-mail). */
  reached: number[];
};

const budgetColumns = {
  id: budgets.id,
  target: budgets.target,
  roomNumber: rooms.number,
  cardholder: users.displayName,
  billingCode: budgets.billingCode,
  amountMinor: budgets.amountMinor,
  notifyRoomHolder: budgets.notifyRoomHolder,
};

/** The account's budgets with what the current billing period (a month in the account's zone) spent of each. */
export async function listBudgets(scope: AccountScope, timeZone: string, now = new Date()): Promise<{ period: Period; budgets: BudgetLine[] }> {
  assertOwner(scope, "budgets");
  const db = await getReadDb();
  const period = periodOf(now, timeZone);
  const [list, spend, reached] = await Promise.all([
    db
      .select(budgetColumns)
      .from(budgets)
      .leftJoin(rooms, and(eq(rooms.accountId, budgets.accountId), eq(rooms.id, budgets.roomId)))
      .leftJoin(users, eq(users.id, rooms.cardholderId))
      .where(eq(budgets.accountId, scope.accountId))
      .orderBy(sql`case ${budgets.target} when 'account' then 0 when 'room' then 1 else 2 end`, rooms.number, budgets.billingCode),
    budgetSpend(db, { accountId: scope.accountId, now }),
    db
      .select({ budgetId: budgetAlerts.budgetId, threshold: budgetAlerts.threshold })
      .from(budgetAlerts)
      .where(and(eq(budgetAlerts.accountId, scope.accountId), eq(budgetAlerts.period, period))),
  ]);
  const spent = new Map(spend.filter((s) => s.period === period).map((s) => [s.budget_id, s.spent_minor]));
  return {
    period,
    budgets: list.map((b) => ({ ...b, spentMinor: spent.get(b.id) ?? 0, reached: reached.filter((r) => r.budgetId === b.id).map((r) => r.threshold) })),
  };
}

export type AlertHistoryLine = {
  id: number;
  budget: Pick<BudgetLine, "target" | "roomNumber" | "cardholder" | "billingCode">;
  period: Period;
  threshold: number;
  amountMinor: number;
  spentMinor: number;
  status: AlertStatus;
  createdAt: Date;
  deliveries: { email: string; status: "pending" | "sent" | "failed" | "unsubscribed"; sentAt: Date | null }[];
};

/** The account's alerts, newest first (the last `limit`), with whom each was sent to and when. */
export async function alertHistory(scope: AccountScope, limit = 50): Promise<AlertHistoryLine[]> {
  assertOwner(scope, "budgets");
  const db = await getReadDb();
  const alerts = await db
    .select({ id: budgetAlerts.id, period: budgetAlerts.period, threshold: budgetAlerts.threshold, amountMinor: budgetAlerts.amountMinor, spentMinor: budgetAlerts.spentMinor, status: budgetAlerts.status, createdAt: budgetAlerts.createdAt, target: budgets.target, roomNumber: rooms.number, cardholder: users.displayName, billingCode: budgets.billingCode })
    .from(budgetAlerts)
    .innerJoin(budgets, and(eq(budgets.accountId, budgetAlerts.accountId), eq(budgets.id, budgetAlerts.budgetId)))
    .leftJoin(rooms, and(eq(rooms.accountId, budgets.accountId), eq(rooms.id, budgets.roomId)))
    .leftJoin(users, eq(users.id, rooms.cardholderId))
    .where(eq(budgetAlerts.accountId, scope.accountId))
    .orderBy(desc(budgetAlerts.createdAt), desc(budgetAlerts.threshold))
    .limit(limit);
  const ids = alerts.map((a) => a.id);
  const deliveries = ids.length
    ? await db
        .select({ alertId: budgetAlertDeliveries.alertId, email: budgetAlertDeliveries.email, status: budgetAlertDeliveries.status, sentAt: budgetAlertDeliveries.sentAt })
        .from(budgetAlertDeliveries)
        .where(and(eq(budgetAlertDeliveries.accountId, scope.accountId), inArray(budgetAlertDeliveries.alertId, ids)))
        .orderBy(budgetAlertDeliveries.email)
    : [];
  return alerts.map(({ target, roomNumber, cardholder, billingCode, ...a }) => ({
    ...a,
    budget: { target, roomNumber, cardholder, billingCode },
    deliveries: deliveries.filter((d) => d.alertId === a.id).map(({ email, status, sentAt }) => ({ email, status, sentAt })),
  }));
}

export type BudgetInput = { target: BudgetTarget; room?: string; code?: string; amountMinor: number; notifyRoomHolder: boolean };

/** Whether an error is the unique key of one budget per target. */
function isTargetTaken(error: unknown): boolean {
  // Drizzle wraps the driver's error (its `cause`).
  const e = ((error as { cause?: unknown }).cause ?? error) as { code?: string; constraint?: string };
  return e.code === "23505" && e.constraint === "budgets_target_once";
}

/**
 * Sets a new budget; audited. A room is named by its number and must be the account's (else a
 * message at the room field); a target that has a budget already gets a message at the target
 * field. Messages in `t`'s language.
 */
export async function createBudget(scope: AccountScope, input: BudgetInput, t: Messages): Promise<{ id: number; label: string }> {
  assertOwner(scope, "budgets");
  const db = await getDb();
  let room: { id: number; number: string; cardholder: string } | undefined;
  if (input.target === "room") {
    [room] = await db
      .select({ id: rooms.id, number: rooms.number, cardholder: users.displayName })
      .from(rooms)
      .innerJoin(users, eq(users.id, rooms.cardholderId))
      .where(and(eq(rooms.accountId, scope.accountId), eq(rooms.number, input.room ?? "")));
    if (!room) throw new ValidationError(fill(t.alerts.errors.unknownRoom, { room: input.room ?? "" }), "room");
  }
  const billingCode = input.target === "code" ? input.code! : null;
  const label = budgetTargetLabel(t, { target: input.target, roomNumber: room?.number ?? null, cardholder: room?.cardholder ?? null, billingCode });
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(budgets)
        .values({ accountId: scope.accountId, target: input.target, roomId: room?.id ?? null, billingCode, amountMinor: input.amountMinor, notifyRoomHolder: input.target === "room" && input.notifyRoomHolder, createdBy: scope.userId })
        .returning();
      await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "budget.created", subject: auditSubject(row!, room?.number), after: auditState(row!) });
      return { id: row!.id, label };
    });
  } catch (error) {
    if (isTargetTaken(error)) throw new ValidationError(fill(t.alerts.errors.duplicate, { target: label }), "target");
    throw error;
  }
}

/** The budget named by an id, if it is the account's; locked for the change. */
async function lockedBudget(tx: Transaction, scope: AccountScope, id: number): Promise<Budget & { roomNumber: string | null; cardholder: string | null }> {
  const [row] = await tx
    .select({ budget: budgets, roomNumber: rooms.number, cardholder: users.displayName })
    .from(budgets)
    .leftJoin(rooms, and(eq(rooms.accountId, budgets.accountId), eq(rooms.id, budgets.roomId)))
    .leftJoin(users, eq(users.id, rooms.cardholderId))
    .where(and(eq(budgets.accountId, scope.accountId), eq(budgets.id, id)))
    .for("update", { of: budgets });
  if (!row) throw new NotFoundError("budget not found");
  return { ...row.budget, roomNumber: row.roomNumber, cardholder: row.cardholder };
}

/**
 * Changes a budget's amount (and whether a room's holder is told); audited. Thresholds already
 * recorded this month stay so: a raised budget is not warned about again before next month.
 */
export async function changeBudget(scope: AccountScope, id: number, input: { amountMinor: number; notifyRoomHolder: boolean }, t: Messages): Promise<{ label: string }> {
  assertOwner(scope, "budgets");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await lockedBudget(tx, scope, id);
    const [after] = await tx
      .update(budgets)
      .set({ amountMinor: input.amountMinor, notifyRoomHolder: before.target === "room" && input.notifyRoomHolder, updatedAt: new Date() })
      .where(and(eq(budgets.accountId, scope.accountId), eq(budgets.id, id)))
      .returning();
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "budget.changed", subject: auditSubject(before, before.roomNumber), before: auditState(before), after: auditState(after!) });
    return { label: budgetTargetLabel(t, before) };
  });
}

/** Deletes a budget and its alert history; audited (the audit keeps what it was). */
export async function deleteBudget(scope: AccountScope, id: number): Promise<void> {
  assertOwner(scope, "budgets");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const before = await lockedBudget(tx, scope, id);
    await tx.delete(budgets).where(and(eq(budgets.accountId, scope.accountId), eq(budgets.id, id)));
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "budget.deleted", subject: auditSubject(before, before.roomNumber), before: auditState(before) });
  });
}

const auditSubject = (b: Budget, roomNumber: string | null | undefined) => (b.target === "room" ? `room ${roomNumber}` : b.target === "code" ? `code ${b.billingCode}` : "account");
const auditState = (b: Budget) => ({ id: b.id, target: b.target, roomId: b.roomId, billingCode: b.billingCode, amountMinor: b.amountMinor, notifyRoomHolder: b.notifyRoomHolder });
