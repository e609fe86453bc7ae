import { sql, type SQL } from "drizzle-orm";
import { roomFilter, type Scope } from "@/lib/auth/scope";
import { conferencesWhere, type ConferenceFilter } from "@/lib/data/conference-queries";
import type { Period } from "@/lib/periods";

/** One statement line: a conference with its participants' count and sums (stored with it), in the seed's columns. */
export type StatementRow = {
  /** The conference's start, in ms since the epoch (read as a number: no Date to parse or build per row). */
  started_ms: number;
  room_number: string;
  cardholder: string;
  participants: number;
  billing_code: string | null;
  length_s: number;
  duration_s: string;
  charge_minor: string;
};

/**
 * Every conference of a period (those a page's filter chooses, or the whole scope's), oldest first: the statement's
 * query, which the download reads through a cursor and the statement benchmark's baselines read
 * as it is (this module is not server-only for them).
 */
export function statementQuery(scope: Scope, period: Period, filter: ConferenceFilter | null): SQL {
  return sql`
      select extract(epoch from c.started_at)::float8 * 1000 as started_ms, r.number as room_number, holder.display_name as cardholder, c.legs as participants,
             c.billing_code, extract(epoch from c.ended_at - c.started_at)::int as length_s, c.duration_s, c.charge_minor
      from conferences c
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      join users holder on holder.id = r.cardholder_id
      where ${filter ? conferencesWhere(scope, period, filter) : sql`c.account_id = ${scope.accountId} and c.period = ${period} and ${roomFilter(scope, sql`c.room_id`)}`}
      order by c.started_at, c.id`;
}
