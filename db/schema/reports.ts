import { sql } from "drizzle-orm";
import { bigint, check, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";

/**
 * A report selection too long for an address (1,700 cardholders ticked is 10–16 KB of ids, over
 * what a request's headers may hold), kept under a short id: `/reports?s=<id>` opens, pages,
 * downloads and bookmarks it. Per account: another account's id is not found. The id is derived
 * from the account and the query, so the same selection saved twice is one row.
 */
export const reportSelections = pgTable(
  "report_selections",
  {
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id),
    id: text("id").notNull(),
    /** The report's search parameters, as /reports writes them (lib/reports/query.ts). */
    query: text("query").notNull(),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), check("report_selections_id", sql`${t.id} ~ '^[A-Za-z0-9_-]{16}$'`)],
);
export type ReportSelection = typeof reportSelections.$inferSelect;
