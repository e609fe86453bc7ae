import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";
import { accounts, products, rooms, users } from "./accounts";

export const serviceTypes = ["toll", "toll-free", "dial-out", "voip", "operator-assisted"] as const;
export type ServiceType = (typeof serviceTypes)[number];

export const billingCodeSources = ["keypad", "auto", "assigned"] as const;

export const conferences = pgTable(
  "conferences",
  {
    // The room, and through it the account, is checked per statement by the trigger
    // conferences_room_exists (migration 0009), not per row by a foreign key: one join for a
    // batch's conferences instead of a lookup each. A room with conferences cannot be deleted.
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    roomId: bigint("room_id", { mode: "number" }).notNull(),
    externalId: text("external_id").notNull(),
    product: text("product", { enum: products }).notNull().default("audio"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
    /** First day of the billing month, in the account's time zone, of the conference's start. */
    period: date("period", { mode: "string" }).notNull(),
    billingCode: text("billing_code"),
    billingCodeSource: text("billing_code_source", { enum: billingCodeSources }),
    billingCodeSetBy: bigint("billing_code_set_by", { mode: "number" }).references(() => users.id),
    billingCodeSetAt: timestamp("billing_code_set_at", { withTimezone: true }),
    /** Bumped by every change, so concurrent edits are detected instead of silently lost. */
    version: integer("version").notNull().default(1),
    /**
     * Its legs' count, seconds and charge, kept with it (migration 0008): the CDR ingest adds what
     * it writes, triggers on legs keep them for other writers. The conference history reads them
     * instead of summing each conference's legs.
     */
    legs: integer("legs").notNull().default(0),
    durationS: bigint("duration_s", { mode: "number" }).notNull().default(0),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    unique("conferences_account_external").on(t.accountId, t.externalId),
    index("conferences_room_period").on(t.accountId, t.roomId, t.period, t.startedAt),
    index("conferences_period").on(t.accountId, t.period),
    index("conferences_started").on(t.accountId, t.startedAt, t.id),
    check("conferences_billing_code_format", sql`${t.billingCode} ~ '^[A-Za-z0-9-]{1,20}$'`),
    check("conferences_ends_after_start", sql`${t.endedAt} >= ${t.startedAt}`),
  ],
);
export type Conference = typeof conferences.$inferSelect;

export const legs = pgTable(
  "legs",
  {
    // The leg's conference (and so its account) is checked per statement by the trigger
    // legs_conference_exists (migration 0007), not per row by a foreign key: one join for a
    // million-leg batch instead of a million lookups. Deleting a conference deletes its legs.
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    conferenceId: bigint("conference_id", { mode: "number" }).notNull(),
    externalId: text("external_id").notNull(),
    /**
     * Its conference's period, copied: the partition key (migration 0021). legs is partitioned by
     * it, one partition a month, so a month out of retention for every account is dropped whole.
     * Kept equal to the conference's: checked per statement (legs_conference_exists), and a
     * conference whose start moves to another month takes its legs along (conferences_legs_follow).
     */
    period: date("period", { mode: "string" }).notNull(),
    participantName: text("participant_name").notNull().default(""),
    callerNumber: text("caller_number").notNull().default(""),
    dialedNumber: text("dialed_number").notNull().default(""),
    serviceType: text("service_type", { enum: serviceTypes }).notNull(),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull(),
    leftAt: timestamp("left_at", { withTimezone: true }).notNull(),
    durationS: integer("duration_s").notNull(),
    billableS: integer("billable_s").notNull(),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull(),
    /** Arrived after its billing period was invoiced: stored and rated, but reported apart. */
    late: boolean("late").notNull().default(false),
  },
  (t) => [
    // The bridge's leg id is the key (duplicates are found by it); `id` only orders legs that join
    // at the same instant. Three indexes to keep per leg written, the third on toll-free legs only.
    // A partitioned table's key must hold its partition key, so the period is in it; the key stays
    // exact for the leg id alone because a leg goes to its conference's period and a conference has
    // one period (conferences, unpartitioned, keeps (account, conference id) unique): a leg re-sent
    // with its conference, even months later, lands in the same partition and breaks this key.
    primaryKey({ columns: [t.accountId, t.externalId, t.period] }),
    index("legs_conference").on(t.accountId, t.conferenceId),
    index("legs_toll_free").on(t.accountId, t.joinedAt, t.id).where(sql`${t.serviceType} = 'toll-free'`),
    check("legs_left_after_join", sql`${t.leftAt} >= ${t.joinedAt}`),
    check("legs_non_negative", sql`${t.durationS} >= 0 and ${t.billableS} >= 0 and ${t.chargeMinor} >= 0`),
  ],
);
export type Leg = typeof legs.$inferSelect;

/**
 * Usage per billing period, room and billing code ('' = Unallocated), kept exact by the same
 * transactions that write legs or change codes. The account pages read only this table.
 */
export const usageRollups = pgTable(
  "usage_rollups",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    period: date("period", { mode: "string" }).notNull(),
    roomId: bigint("room_id", { mode: "number" }).notNull(),
    billingCode: text("billing_code").notNull().default(""),
    conferences: integer("conferences").notNull().default(0),
    legs: integer("legs").notNull().default(0),
    durationS: bigint("duration_s", { mode: "number" }).notNull().default(0),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.period, t.roomId, t.billingCode] }),
    // The account's distinct codes (the assignment form's suggestions) by skipping through it.
    index("usage_rollups_code").on(t.accountId, t.billingCode),
    foreignKey({
      name: "usage_rollups_room_fk",
      columns: [t.accountId, t.roomId],
      foreignColumns: [rooms.accountId, rooms.id],
    }),
  ],
);

/**
 * The same usage per billing period and room only: the account summary reads one row per room
 * (2,000 for the largest tenant) instead of one per room and code. Kept exact with usage_rollups.
 */
export const roomUsage = pgTable(
  "room_usage",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    period: date("period", { mode: "string" }).notNull(),
    roomId: bigint("room_id", { mode: "number" }).notNull(),
    conferences: integer("conferences").notNull().default(0),
    legs: integer("legs").notNull().default(0),
    durationS: bigint("duration_s", { mode: "number" }).notNull().default(0),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.period, t.roomId] }),
    foreignKey({
      name: "room_usage_room_fk",
      columns: [t.accountId, t.roomId],
      foreignColumns: [rooms.accountId, rooms.id],
    }),
  ],
);

/**
 * Legs, seconds and charge per billing period, room and leg service type: the room page's
 * 13-month chart. Kept exact by statement-level triggers on conferences and legs (migration
 * `chart_usage_triggers`), like report_days, so every writer keeps it right.
 */
export const roomServiceUsage = pgTable(
  "room_service_usage",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    period: date("period", { mode: "string" }).notNull(),
    roomId: bigint("room_id", { mode: "number" }).notNull(),
    serviceType: text("service_type", { enum: serviceTypes }).notNull(),
    legs: integer("legs").notNull(),
    durationS: bigint("duration_s", { mode: "number" }).notNull(),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull(),
  },
  // Room first: the room page reads its own 13 months.
  (t) => [primaryKey({ columns: [t.accountId, t.roomId, t.period, t.serviceType] })],
);

/**
 * The same per billing period, day of the conferences' start in the account's time zone and
 * service type, for the whole account: the account summary's 13-month chart (a few thousand rows
 * instead of 2,000 rooms' worth) and its month-to-date comparison. Kept by the same triggers.
 */
export const accountServiceDays = pgTable(
  "account_service_days",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    period: date("period", { mode: "string" }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    serviceType: text("service_type", { enum: serviceTypes }).notNull(),
    legs: integer("legs").notNull(),
    durationS: bigint("duration_s", { mode: "number" }).notNull(),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.period, t.day, t.serviceType] })],
);

/**
 * Usage per GMT day of the conferences' start, room, product and service type, for the reports'
 * summaries and totals. Rows with service type '' count the conferences themselves (all of them,
 * with their length and first/last start); the other rows count the legs of that type and the
 * conferences that have at least one. Kept exact by statement-level triggers on conferences and
 * legs (migration 0003), whatever writes them: ingest, seeds, bulk COPY, purge.
 */
export const reportDays = pgTable(
  "report_days",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    roomId: bigint("room_id", { mode: "number" }).notNull(),
    product: text("product", { enum: products }).notNull(),
    /** '' for the conferences row, else a leg service type. */
    serviceType: text("service_type").notNull(),
    conferences: integer("conferences").notNull(),
    legs: integer("legs").notNull(),
    lengthS: bigint("length_s", { mode: "number" }).notNull(),
    durationS: bigint("duration_s", { mode: "number" }).notNull(),
    billableS: bigint("billable_s", { mode: "number" }).notNull(),
    chargeMinor: bigint("charge_minor", { mode: "number" }).notNull(),
    firstStartedAt: timestamp("first_started_at", { withTimezone: true }),
    lastStartedAt: timestamp("last_started_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day, t.roomId, t.product, t.serviceType] })],
);
