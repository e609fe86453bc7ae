import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * One number space for accounts and rooms: a 6-digit number is registered here once, with its
 * kind, and accounts/rooms reference (number, kind). So a number can never be both, and the login
 * form needs a single "Account or room number" field.
 */
export const directoryNumbers = pgTable(
  "directory_numbers",
  {
    number: text("number").primaryKey(),
    kind: text("kind", { enum: ["account", "room"] }).notNull(),
  },
  (t) => [
    unique("directory_numbers_number_kind").on(t.number, t.kind),
    check("directory_numbers_six_digits", sql`${t.number} ~ '^[0-9]{6}$'`),
  ],
);

export const accounts = pgTable(
  "accounts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    number: text("number").notNull().unique(),
    numberKind: text("number_kind", { enum: ["account"] }).notNull().default("account"),
    companyName: text("company_name").notNull(),
    currency: text("currency").notNull().default("EUR"),
    locale: text("locale").notNull().default("fr-FR"),
    timeZone: text("time_zone").notNull().default("Europe/Paris"),
    supportPhone: text("support_phone").notNull().default(""),
    /** Set by support: every owner must use a second factor (TOTP) before reaching the account. */
    requireTwoFactor: boolean("require_two_factor").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "accounts_number_directory_fk",
      columns: [t.number, t.numberKind],
      foreignColumns: [directoryNumbers.number, directoryNumbers.kind],
    }),
    check("accounts_currency_iso", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);
export type Account = typeof accounts.$inferSelect;

/** Users are global: the username is an e-mail, unique whatever its case. */
export const users = pgTable(
  "users",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    status: text("status", { enum: ["active", "suspended"] }).notNull().default("active"),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_lower").on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;

/** Who may log in to an account with its number, and with which role. */
export const accountMembers = pgTable(
  "account_members",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ["owner", "member"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId] }), index("account_members_user").on(t.userId)],
);

export const groups = pgTable(
  "groups",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), unique("groups_account_name").on(t.accountId, t.name)],
);

export const groupMembers = pgTable(
  "group_members",
  {
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    groupId: bigint("group_id", { mode: "number" }).notNull(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.groupId, t.userId] }),
    foreignKey({
      name: "group_members_group_fk",
      columns: [t.accountId, t.groupId],
      foreignColumns: [groups.accountId, groups.id],
    }).onDelete("cascade"),
  ],
);

export const products = ["audio", "web", "webinar", "training"] as const;
export type Product = (typeof products)[number];

export const rooms = pgTable(
  "rooms",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    number: text("number").notNull(),
    numberKind: text("number_kind", { enum: ["room"] }).notNull().default("room"),
    cardholderId: bigint("cardholder_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    autoBillingCode: text("auto_billing_code"),
    product: text("product", { enum: products }).notNull().default("audio"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    unique("rooms_account_number").on(t.accountId, t.number),
    foreignKey({
      name: "rooms_number_directory_fk",
      columns: [t.number, t.numberKind],
      foreignColumns: [directoryNumbers.number, directoryNumbers.kind],
    }),
    index("rooms_cardholder").on(t.cardholderId),
    check("rooms_auto_billing_code_format", sql`${t.autoBillingCode} ~ '^[A-Za-z0-9-]{1,20}$'`),
  ],
);
export type Room = typeof rooms.$inferSelect;
