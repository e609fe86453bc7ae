/**
 * The monthly statement's rows as the download reads them, for the baselines of the statement
 * benchmark: the portal's own query (lib/export/statement-query.ts) for an owner's scope and no
 * room filter.
 */
import { PgDialect } from "drizzle-orm/pg-core";
import type { PoolClient } from "pg";
import QueryStream from "pg-query-stream";
import type { AccountScope } from "../../lib/auth/scope";
import { statementQuery } from "../../lib/export/statement-query";
import { wallClock } from "../../lib/export/workbook";
import type { Period } from "../../lib/periods";

export type { StatementRow } from "../../lib/export/statement-query";

const dialect = new PgDialect();

/** The same cursor batch size as lib/export/cursor.ts. */
export const CURSOR_BATCH = 2000;

/** The baselines read what the account's owner downloads; they run outside any session, hence the cast. */
const benchOwner = (accountId: number) => ({ kind: "account", userId: 0, accountId, roomId: null }) as unknown as AccountScope;

export function statementCursor(client: PoolClient, accountId: number, period: string): QueryStream {
  const { sql, params } = dialect.sqlToQuery(statementQuery(benchOwner(accountId), period as Period, null));
  return client.query(new QueryStream(sql, params, { batchSize: CURSOR_BATCH }));
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

/** Room numbers grouped 2-3-1, by the portal's own formatter. */
export { formatRoomNumber as roomNumber } from "../../lib/format";

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
