import { bigint, boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint("account_id", { mode: "number" }).references(() => accounts.id),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: bigint("actor_user_id", { mode: "number" }).references(() => users.id),
    /** Who acted when it is not a portal user: "support (cli)", "ingest key 3f9a…", an address. */
    actorLabel: text("actor_label").notNull().default(""),
    action: text("action").notNull(),
    subject: text("subject").notNull().default(""),
    before: jsonb("before"),
    after: jsonb("after"),
  },
  (t) => [index("audit_events_account_at").on(t.accountId, t.at)],
);

/** Every login attempt, so throttling holds across server instances. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    username: text("username").notNull(),
    address: text("address").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    succeeded: boolean("succeeded").notNull(),
  },
  (t) => [
    index("login_attempts_username_at").on(t.username, t.at),
    index("login_attempts_address_at").on(t.address, t.at),
  ],
);
