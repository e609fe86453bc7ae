import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";

const auditColumns = {
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  actorUserId: bigint("actor_user_id", { mode: "number" }).references(() => users.id),
  /** Who acted when it is not a portal user: "support (cli)", "ingest key 3f9a…", an address. */
  actorLabel: text("actor_label").notNull().default(""),
  action: text("action").notNull(),
  subject: text("subject").notNull().default(""),
  before: jsonb("before"),
  after: jsonb("after"),
};

/** What was done to an account's data, by whom, with the state before and after. */
export const auditEvents = pgTable(
  "audit_events",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    ...auditColumns,
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("audit_events_account_at").on(t.accountId, t.at)],
);

/**
 * What was done to a person rather than to an account (support's changes to a user, logins
 * refused before anyone is known): kept apart so that audit_events is an account's alone and can
 * be distributed by account_id (docs/SCALING.md).
 */
export const userAuditEvents = pgTable(
  "user_audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    ...auditColumns,
  },
  (t) => [index("user_audit_events_at").on(t.at)],
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

/**
 * A signed-in session: the id is in the session cookie, checked on every request. Ended by
 * logging out, by the owner from the sessions page, by support (suspension, removal, password
 * change), or by time: idle for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    /** The room of a room holder's session; null for an owner's (the whole account). */
    roomId: bigint("room_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    /** Why it ended: logout, ended by the user, suspended, removed, password. */
    endedBy: text("ended_by"),
    userAgent: text("user_agent").notNull().default(""),
    address: text("address").notNull().default(""),
  },
  (t) => [index("sessions_user_open").on(t.userId).where(sql`ended_at is null`)],
);
export type Session = typeof sessions.$inferSelect;

/**
 * A user's TOTP second factor, once confirmed with a code (lib/auth/two-factor.ts). The secret is
 * encrypted at rest (lib/secrets.ts, bound to the user id). `lastUsedStep` is the 30-second step of
 * the last code accepted: a code of that step or an earlier one is refused, so none is used twice.
 */
export const userTwoFactor = pgTable("user_two_factor", {
  userId: bigint("user_id", { mode: "number" })
    .primaryKey()
    .references(() => users.id),
  secret: text("secret").notNull(),
  lastUsedStep: bigint("last_used_step", { mode: "number" }).notNull().default(0),
  enabledAt: timestamp("enabled_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * An enrolment shown and not yet confirmed: one per session, so that reloading the page (or
 * switching its language) shows the same QR code. Its secret is encrypted as the confirmed one;
 * it is moved to `user_two_factor` when confirmed with a code, and useless after 30 minutes.
 */
export const twoFactorEnrolments = pgTable("two_factor_enrolments", {
  sessionId: uuid("session_id")
    .primaryKey()
    .references(() => sessions.id),
  userId: bigint("user_id", { mode: "number" })
    .notNull()
    .references(() => users.id),
  secret: text("secret").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Single-use recovery codes, shown once at enrolment: only a keyed hash of each is kept. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    /** `salt.hmac` (lib/auth/recovery-codes.ts). */
    hash: text("hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

/**
 * Read-only keys of the usage API (`GET /api/v1/usage/…`), made and revoked by an account's owner
 * in the portal; apart from `api_keys`, the CDR ingest's write keys that support makes. The key is
 * shown once; only its SHA-256 is kept. A request is looked up by (account, hash): the account is
 * written in the key, so the lookup stays on one account's rows. `window_*` count the requests of
 * the current minute (the rate limit, shared by every web server); `last_used_at` moves at most
 * once a minute.
 */
export const usageApiKeys = pgTable(
  "usage_api_keys",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    /** The start of the key, shown to the owner to tell keys apart. */
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdBy: bigint("created_by", { mode: "number" })
      .notNull()
      .references(() => users.id),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    windowStart: timestamp("window_start", { withTimezone: true }),
    windowUsed: integer("window_used").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), unique("usage_api_keys_hash").on(t.accountId, t.hash)],
);
