import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";

/** The rows of a query as sorted strings, to compare two tables whatever their column types. */
async function lines(db: Database, query: SQL): Promise<string[]> {
  const { rows } = await db.execute<Record<string, unknown>>(query);
  return rows.map((r) => Object.values(r).map(String).join("|")).sort();
}

/**
 * The charts' rollups as stored and as recomputed from the conferences and their legs, for tests
 * to compare: room_service_usage per period, room and service type; account_service_days per
 * period, local day of the conference's start and service type.
 */
export async function chartRollups(db: Database): Promise<Record<"rooms" | "days", { stored: string[]; recomputed: string[] }>> {
  return {
    rooms: {
      stored: await lines(db, sql`select account_id, period::text, room_id, service_type, legs, duration_s, charge_minor from room_service_usage`),
      recomputed: await lines(db, sql`
        select c.account_id, c.period::text as period, c.room_id, l.service_type, count(*) as legs, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor
        from conferences c join legs l on l.account_id = c.account_id and l.conference_id = c.id
        group by 1, 2, 3, 4`),
    },
    days: {
      stored: await lines(db, sql`select account_id, period::text, day::text, service_type, legs, duration_s, charge_minor from account_service_days`),
      recomputed: await lines(db, sql`
        select c.account_id, c.period::text as period, ((c.started_at at time zone a.time_zone)::date)::text as day, l.service_type, count(*) as legs, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor
        from conferences c join accounts a on a.id = c.account_id join legs l on l.account_id = c.account_id and l.conference_id = c.id
        group by 1, 2, 3, 4`),
    },
  };
}
