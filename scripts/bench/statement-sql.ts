/**
 * The monthly statement's rows as the download reads them, for the baselines of the statement
 * benchmark: the SQL of lib/export/conference-rows.ts `statementRows` for an owner's scope and no
 * room filter ($1 account, $2 period). That module is server-only, so its text is repeated here;
 * keep the two in step.
 */
import type { PoolClient } from "pg";
import QueryStream from "pg-query-stream";
import { wallClock } from "../../lib/export/workbook";

export const STATEMENT_SQL = `
      select extract(epoch from c.started_at)::float8 * 1000 as started_ms, r.number as room_number, holder.display_name as cardholder, c.legs as participants,
             c.billing_code, extract(epoch from c.ended_at - c.started_at)::int as length_s, c.duration_s, c.charge_minor
      from conferences c
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      join users holder on holder.id = r.cardholder_id
      where c.account_id = $1 and c.period = $2
      order by c.started_at, c.id`;

export type StatementRow = {
  started_ms: number;
  room_number: string;
  cardholder: string;
  participants: number;
  billing_code: string | null;
  length_s: number;
  duration_s: string;
  charge_minor: string;
};

/** The same cursor batch size as lib/export/cursor.ts. */
export const CURSOR_BATCH = 2000;

export function statementCursor(client: PoolClient, accountId: number, period: string): QueryStream {
  return client.query(new QueryStream(STATEMENT_SQL, [accountId, period], { batchSize: CURSOR_BATCH }));
}

/** The statement's column headers (lib/export/oai.ts SEED_COLUMNS). */
export const SEED_HEADERS = ["DATE", "START TIME", "ROOM NUMBER", "CARDHOLDER", "PARTICIPANTS", "BILLING CODE", "CONFERENCE LENGTH", "ACCUMULATED TIME", "CHARGES"];

/**
 * An instant's wall-clock date and time in a zone, as UTC fields (what a spreadsheet date cell
 * holds): the portal's own conversion (lib/export/workbook.ts, the zone's offset looked up once per
 * hour), so that every writer compared pays the same for it.
 */
export function wallClockConverter(timeZone: string): (instant: Date) => Date {
  return (instant) => wallClock(instant, timeZone);
}

/** Room numbers grouped 2-3-1, as lib/format.ts formatRoomNumber. */
export const roomNumber = (n: string) => (n.length === 6 ? `${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5)}` : n);

/** What a baseline child prints on its last line of output, as JSON. */
export type BaselineResult = {
  rows: number;
  /** From the query's start to the file written. */
  ms: number;
  /** To the first row from the cursor. */
  firstRowMs: number;
  /** RSS once the modules are loaded and the database connected, just before the work. */
  rssBefore: number;
  /** The process's peak RSS (getrusage maxrss). */
  maxRss: number;
  bytes: number;
  chargeMinor: number;
  /** Time spans worth reporting apart (SheetJS: building the sheet vs writing the file). */
  phases: Record<string, number>;
};

/** For the children: the RSS high-water mark so far, in bytes (ru_maxrss is in KiB on Linux). */
export const maxRss = () => process.resourceUsage().maxRSS * 1024;
