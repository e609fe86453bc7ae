/**
 * The monthly statement's rows as the download reads them, for the baselines of the statement
 * benchmark: the portal's own query (lib/export/statement-query.ts) for an owner's scope and no
 * room filter; and what every baseline child does around its work (options, timing, result).
 */
import { Transform } from "node:stream";
import { PgDialect } from "drizzle-orm/pg-core";
import pg, { type PoolClient } from "pg";
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
const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** The options every baseline child takes; each adds its own. */
export const BASELINE_OPTIONS = {
  url: { type: "string" },
  account: { type: "string" },
  period: { type: "string" },
  "time-zone": { type: "string", default: "Europe/Paris" },
} as const;

/** What a baseline's work measured; the time and the memory figures are the runner's. */
type BaselineWork = Pick<BaselineResult, "rows" | "firstRowMs" | "bytes" | "chargeMinor"> & { phases?: Record<string, number> };

/**
 * Runs a baseline child's work on one connection: the RSS is read once connected, just before the
 * work, and the time from there to the work's end; the BaselineResult is printed as JSON on the
 * last line of output. `started` is the work's start, for its own phases.
 */
export function runBaseline(url: string, work: (client: PoolClient, started: number) => Promise<BaselineWork>): void {
  const main = async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const client = await pool.connect();
    const rssBefore = process.memoryUsage().rss;
    // For a run stopped by the benchmark's time limit: the RSS its memory growth is measured from.
    process.stderr.write(`rss before ${rssBefore}\n`);
    const started = performance.now();
    const measured = await work(client, started);
    const ms = performance.now() - started;
    client.release();
    await pool.end();
    const result: BaselineResult = { ...measured, ms, rssBefore, maxRss: maxRss(), phases: measured.phases ?? {} };
    console.log(JSON.stringify(result));
  };
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}

/** A pass-through stream that counts the bytes written through it. */
export function byteCounter(): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}
