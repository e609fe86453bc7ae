import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { serviceTypes } from "./usage";

/**
 * A rate per service type from a date on; account_id null is the provider's default tariff.
 * The rate is stored in ten-thousandths of the currency unit per minute (4 decimals, exact).
 */
export const tariffs = pgTable(
  "tariffs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint("account_id", { mode: "number" }).references(() => accounts.id),
    serviceType: text("service_type", { enum: serviceTypes }).notNull(),
    ratePerMinuteE4: bigint("rate_per_minute_e4", { mode: "number" }).notNull(),
    incrementS: integer("increment_s").notNull().default(60),
    minimumS: integer("minimum_s").notNull().default(60),
    validFrom: date("valid_from", { mode: "string" }).notNull(),
  },
  (t) => [
    unique("tariffs_account_type_from").on(t.accountId, t.serviceType, t.validFrom).nullsNotDistinct(),
    check("tariffs_positive", sql`${t.ratePerMinuteE4} >= 0 and ${t.incrementS} > 0 and ${t.minimumS} >= 0`),
  ],
);
export type Tariff = typeof tariffs.$inferSelect;

export const accessNumbers = pgTable(
  "access_numbers",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint("account_id", { mode: "number" }).references(() => accounts.id),
    number: text("number").notNull(),
    country: text("country").notNull(),
    serviceType: text("service_type", { enum: serviceTypes }).notNull(),
  },
  (t) => [unique("access_numbers_account_number").on(t.accountId, t.number).nullsNotDistinct()],
);

/** A calendar month in the account's zone. No row means Not invoiced. */
export const billingPeriods = pgTable(
  "billing_periods",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    period: date("period", { mode: "string" }).notNull(),
    status: text("status", { enum: ["open", "invoiced"] }).notNull().default("open"),
    invoicedAt: timestamp("invoiced_at", { withTimezone: true }),
    invoicedBy: text("invoiced_by"),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.period] }),
    check("billing_periods_first_of_month", sql`extract(day from ${t.period}) = 1`),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** null: a provider key, valid for every account. */
    accountId: bigint("account_id", { mode: "number" }).references(() => accounts.id),
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    hash: text("hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_account").on(t.accountId)],
);
