import { sql } from "drizzle-orm";
import { bigint, check, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";

export const frequencies = ["daily", "weekly", "monthly"] as const;
export type Frequency = (typeof frequencies)[number];
export const relativeRanges = ["previous-day", "previous-7-days", "previous-week", "previous-month", "month-to-date", "previous-30-days", "previous-12-months"] as const;
export type RelativeRange = (typeof relativeRanges)[number];
export const scheduleFormats = ["xlsx", "csv", "html"] as const;
export type ScheduleFormat = (typeof scheduleFormats)[number];
export const uploadProtocols = ["ftp", "ftps", "sftp"] as const;
export type UploadProtocol = (typeof uploadProtocols)[number];

/** Where a report is uploaded; the password or private key lives encrypted in `upload_secret`. */
export type UploadTarget = { protocol: UploadProtocol; host: string; port: number; directory: string; user: string; auth: "password" | "key" };

/**
 * A report delivered on a schedule. `report_query` is the report's own search parameters (type and
 * filters, as the /reports URL writes them); the date range is the schedule's, computed per run.
 * Times are GMT: `time_of_day` in minutes after 00:00 UTC.
 */
export const reportSchedules = pgTable(
  "report_schedules",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    ownerId: bigint("owner_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    reportQuery: text("report_query").notNull(),
    frequency: text("frequency", { enum: frequencies }).notNull(),
    /** ISO weekday for weekly schedules: 1 Monday … 7 Sunday. */
    weekday: integer("weekday"),
    /** Day of the month for monthly schedules: 1–28, or 0 for the last day. */
    monthDay: integer("month_day"),
    timeOfDay: integer("time_of_day").notNull(),
    range: text("range", { enum: [...relativeRanges, "custom"] }).notNull(),
    rangeFrom: date("range_from", { mode: "string" }),
    rangeTo: date("range_to", { mode: "string" }),
    format: text("format", { enum: scheduleFormats }).notNull(),
    emails: text("emails").array().notNull().default(sql`'{}'::text[]`),
    upload: jsonb("upload").$type<UploadTarget>(),
    /** AES-256-GCM ciphertext of the upload password or private key (lib/secrets.ts); never sent to a browser. */
    uploadSecret: text("upload_secret"),
    /**
     * SFTP: the server's host key the owner accepted, as OpenSSH prints it ("SHA256:" and the
     * unpadded base64 of its SHA-256). Deliveries go to a server showing this key only.
     */
    uploadHostKey: text("upload_host_key"),
    /** FTPS: the certificate authority (PEM) the server's certificate must chain to, when not a public one. */
    uploadCa: text("upload_ca"),
    status: text("status", { enum: ["active", "cancelled"] }).notNull().default("active"),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("report_schedules_due").on(t.nextRunAt).where(sql`${t.status} = 'active'`),
    check("report_schedules_time", sql`${t.timeOfDay} between 0 and 1439`),
    check("report_schedules_weekday", sql`(${t.frequency} = 'weekly') = (${t.weekday} between 1 and 7)`),
    check("report_schedules_month_day", sql`(${t.frequency} = 'monthly') = (${t.monthDay} between 0 and 28)`),
    check("report_schedules_custom_range", sql`(${t.range} = 'custom') = (${t.rangeFrom} is not null and ${t.rangeTo} is not null and ${t.rangeFrom} <= ${t.rangeTo})`),
    check("report_schedules_destination", sql`cardinality(${t.emails}) > 0 or ${t.upload} is not null`),
    check("report_schedules_host_key", sql`${t.uploadHostKey} is null or (${t.upload}->>'protocol' = 'sftp' and ${t.uploadHostKey} ~ '^SHA256:[A-Za-z0-9+/]{43}$')`),
    check("report_schedules_ca", sql`${t.uploadCa} is null or ${t.upload}->>'protocol' = 'ftps'`),
  ],
);
export type ReportSchedule = typeof reportSchedules.$inferSelect;

/** "cancelled": the schedule was cancelled before the run ended; nothing more is sent for it. */
export const runStatuses = ["pending", "running", "delivered", "partial", "failed", "cancelled"] as const;
export type RunStatus = (typeof runStatuses)[number];

/**
 * One delivery of a schedule. Unique per (schedule, run time): however many workers race to start
 * it, there is one run. A worker holds it by `locked_until` (a lease it renews while working), so a
 * worker killed mid-run leaves a lease that expires and the run is taken up again.
 */
export const scheduleRuns = pgTable(
  "schedule_runs",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    scheduleId: bigint("schedule_id", { mode: "number" }).notNull(),
    runAt: timestamp("run_at", { withTimezone: true }).notNull(),
    trigger: text("trigger", { enum: ["schedule", "manual"] }).notNull(),
    /** The report as delivered: its query with the run's GMT dates, and its format. */
    reportQuery: text("report_query").notNull(),
    fromDate: date("from_date", { mode: "string" }).notNull(),
    toDate: date("to_date", { mode: "string" }).notNull(),
    format: text("format", { enum: scheduleFormats }).notNull(),
    status: text("status", { enum: runStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lockedBy: text("locked_by"),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    unique("schedule_runs_once").on(t.accountId, t.scheduleId, t.runAt),
    foreignKey({ name: "schedule_runs_schedule_fk", columns: [t.accountId, t.scheduleId], foreignColumns: [reportSchedules.accountId, reportSchedules.id] }),
    index("schedule_runs_open").on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'running')`),
  ],
);
export type ScheduleRun = typeof scheduleRuns.$inferSelect;

/**
 * What went wrong with a delivery, in kinds the customer can act on (lib/delivery/errors.ts tells
 * them apart; lib/i18n/messages.ts words each one in English and French).
 */
export const deliveryProblems = [
  "auth",
  "refused",
  "unreachable",
  "timeout",
  "connection-lost",
  "dns",
  "private-address",
  "tls",
  "permission",
  "no-directory",
  "disk-full",
  "no-secret",
  "host-key-changed",
  "host-key-missing",
  "mail-busy",
  "mailbox-full",
  "recipient-refused",
  "mail-service",
  "report-not-built",
  "cancelled",
  "unknown",
] as const;
export type DeliveryProblem = (typeof deliveryProblems)[number];

/**
 * More about a destination's outcome than its status. `problem`: the kind of failure, which the
 * history words for the customer in their language (`detail` keeps the technical text, for
 * support): "report-not-built" with its cause (the database was interrupted, a filter names
 * people or groups no longer in the account, or anything else); "host-key-changed" when the SFTP
 * server showed `offered` instead of the accepted `expected` key; "cancelled" when the schedule was
 * cancelled before it was sent. Histories written before kinds were recorded have none.
 */
export type DeliveryDetails = {
  link?: boolean;
  bytes?: number;
  problem?: DeliveryProblem;
  cause?: "database" | "filters" | "unexpected";
  offered?: string;
  expected?: string;
};

export const deliveryStatuses = ["pending", "delivered", "failed", "unsubscribed", "cancelled"] as const;

/** The outcome of a run for one destination: an e-mail address, or the upload target. */
export const runDeliveries = pgTable(
  "run_deliveries",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    runId: bigint("run_id", { mode: "number" }).notNull(),
    destination: text("destination").notNull(),
    status: text("status", { enum: deliveryStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    detail: text("detail").notNull().default(""),
    details: jsonb("details").$type<DeliveryDetails>(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.runId, t.destination] }),
    foreignKey({ name: "run_deliveries_run_fk", columns: [t.accountId, t.runId], foreignColumns: [scheduleRuns.accountId, scheduleRuns.id] }).onDelete("cascade"),
  ],
);
export type RunDelivery = typeof runDeliveries.$inferSelect;

/** Addresses that unsubscribed from an account's scheduled reports; only support removes a row. */
export const emailUnsubscribes = pgTable(
  "email_unsubscribes",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    /** Lower-cased. */
    email: text("email").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.email] }), check("email_unsubscribes_lower", sql`${t.email} = lower(${t.email})`)],
);
