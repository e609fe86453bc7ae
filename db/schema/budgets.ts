import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { accounts, rooms, users } from "./accounts";

/** What a budget watches: the whole account, one room, or one billing code. */
export const budgetTargets = ["account", "room", "code"] as const;
export type BudgetTarget = (typeof budgetTargets)[number];

/**
 * A monthly spending budget of an account (billing periods are months in the account's time zone),
 * in integer minor units of the account's currency. One budget per target: the unique key treats
 * the null room or code of the other kinds as equal.
 */
export const budgets = pgTable(
  "budgets",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    target: text("target", { enum: budgetTargets }).notNull(),
    roomId: bigint("room_id", { mode: "number" }),
    billingCode: text("billing_code"),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    /** A room budget's alerts also go to the room's holder. */
    notifyRoomHolder: boolean("notify_room_holder").notNull().default(false),
    createdBy: bigint("created_by", { mode: "number" })
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    unique("budgets_target_once").on(t.accountId, t.target, t.roomId, t.billingCode).nullsNotDistinct(),
    foreignKey({ name: "budgets_room_fk", columns: [t.accountId, t.roomId], foreignColumns: [rooms.accountId, rooms.id] }),
    check("budgets_amount_positive", sql`${t.amountMinor} > 0`),
    check(
      "budgets_target_columns",
      sql`(${t.target} = 'account' and ${t.roomId} is null and ${t.billingCode} is null)
        or (${t.target} = 'room' and ${t.roomId} is not null and ${t.billingCode} is null)
        or (${t.target} = 'code' and ${t.roomId} is null and ${t.billingCode} ~ '^[A-Za-z0-9-]{1,20}$')`,
    ),
    check("budgets_notify_room_holder", sql`not ${t.notifyRoomHolder} or ${t.target} = 'room'`),
  ],
);
export type Budget = typeof budgets.$inferSelect;

export const alertThresholds = [80, 100] as const;
export type AlertThreshold = (typeof alertThresholds)[number];

/**
 * "covered": the 80 % threshold crossed by the same check as the 100 % one — one e-mail (the
 * 100 % one) says both. "sending": a worker holds it (lease in `locked_until`).
 */
export const alertStatuses = ["pending", "sending", "sent", "partial", "failed", "covered"] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/**
 * A threshold of a budget crossed in a billing period: unique per (budget, period, threshold), so
 * however many workers race and however often a batch is sent again, it exists once. Its figures
 * are those seen when it was crossed. A worker holds it by a lease (`locked_until`, renewed while
 * it sends), as a scheduled report's run.
 */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    budgetId: bigint("budget_id", { mode: "number" }).notNull(),
    period: date("period", { mode: "string" }).notNull(),
    threshold: integer("threshold").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    spentMinor: bigint("spent_minor", { mode: "number" }).notNull(),
    status: text("status", { enum: alertStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lockedBy: text("locked_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    unique("budget_alerts_once").on(t.accountId, t.budgetId, t.period, t.threshold),
    foreignKey({ name: "budget_alerts_budget_fk", columns: [t.accountId, t.budgetId], foreignColumns: [budgets.accountId, budgets.id] }).onDelete("cascade"),
    check("budget_alerts_threshold", sql`${t.threshold} in (80, 100)`),
    index("budget_alerts_open").on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
  ],
);
export type BudgetAlert = typeof budgetAlerts.$inferSelect;

export const alertDeliveryStatuses = ["pending", "sent", "failed", "unsubscribed"] as const;

/** An alert's e-mail to one address: recorded once sent, so a retry never sends it twice. */
export const budgetAlertDeliveries = pgTable(
  "budget_alert_deliveries",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    alertId: bigint("alert_id", { mode: "number" }).notNull(),
    /** Lower-cased. */
    email: text("email").notNull(),
    status: text("status", { enum: alertDeliveryStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    detail: text("detail").notNull().default(""),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.alertId, t.email] }),
    foreignKey({ name: "budget_alert_deliveries_alert_fk", columns: [t.accountId, t.alertId], foreignColumns: [budgetAlerts.accountId, budgetAlerts.id] }).onDelete("cascade"),
  ],
);
export type BudgetAlertDelivery = typeof budgetAlertDeliveries.$inferSelect;
