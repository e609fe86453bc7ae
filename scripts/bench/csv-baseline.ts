/**
 * Baselines of the statement benchmark, run as a child process so that its memory is its own:
 * the statement's rows from PostgreSQL (the same SQL, through pg-query-stream) written as plain
 * CSV with csv-stringify to a file (`--sink csv`), or only read and dropped (`--sink none`: the
 * cost of the query and the driver alone). Prints a BaselineResult as JSON.
 *
 *   node --import tsx scripts/bench/csv-baseline.ts --url postgres://… --account 1 --period 2026-10-01 --sink csv --out /tmp/x.csv
 */
import { createWriteStream } from "node:fs";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { stringify } from "csv-stringify";
import pg from "pg";
import { formatDuration } from "../../lib/format";
import { maxRss, roomNumber, SEED_HEADERS, statementCursor, wallClockConverter, type BaselineResult, type StatementRow } from "./statement-sql";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    account: { type: "string" },
    period: { type: "string" },
    sink: { type: "string", default: "csv" },
    out: { type: "string" },
    "time-zone": { type: "string", default: "Europe/Paris" },
  },
  strict: true,
});
if (!values.url || !values.account || !values.period || (values.sink === "csv" && !values.out) || !["csv", "none"].includes(values.sink ?? "")) {
  throw new Error("usage: --url URL --account ID --period YYYY-MM-01 (--sink csv --out FILE | --sink none)");
}

const pad = (n: number) => String(n).padStart(2, "0");

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: values.url, max: 1 });
  const client = await pool.connect();
  const wallClock = wallClockConverter(values["time-zone"]!);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  let firstRowMs = Number.NaN;
  let rows = 0;
  let bytes = 0;
  let chargeMinor = 0;
  let headerWritten = false;

  const toRecord = new Transform({
    objectMode: true,
    transform(raw: StatementRow, _encoding, done) {
      if (Number.isNaN(firstRowMs)) firstRowMs = performance.now() - started;
      rows++;
      const charge = Number(raw.charge_minor);
      chargeMinor += charge;
      if (values.sink === "none") return done();
      // The header as the first record: csv-stringify's `columns` would pick fields by name, not position.
      if (!headerWritten) this.push(SEED_HEADERS);
      headerWritten = true;
      const wall = wallClock(new Date(raw.started_ms));
      done(null, [
        `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
        `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
        roomNumber(raw.room_number),
        raw.cardholder,
        raw.participants,
        raw.billing_code ?? "Unallocated",
        formatDuration(raw.length_s),
        formatDuration(Number(raw.duration_s)),
        (charge / 100).toFixed(2),
      ]);
    },
  });
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const cursor = statementCursor(client, Number(values.account), values.period!);
  if (values.sink === "none") {
    await pipeline(cursor, toRecord, new Writable({ objectMode: true, write: (_chunk, _encoding, done) => done() }));
  } else {
    await pipeline(cursor, toRecord, stringify(), counting, createWriteStream(values.out!));
  }
  const ms = performance.now() - started;
  client.release();
  await pool.end();
  const result: BaselineResult = { rows, ms, firstRowMs, rssBefore, maxRss: maxRss(), bytes, chargeMinor, phases: {} };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
