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
import { formatDuration } from "../../lib/format";
import { BASELINE_OPTIONS, byteCounter, roomNumber, runBaseline, SEED_HEADERS, statementCursor, wallClockConverter, type StatementRow } from "./statement-sql";

const { values } = parseArgs({
  options: { ...BASELINE_OPTIONS, sink: { type: "string", default: "csv" }, out: { type: "string" } },
  strict: true,
});
if (!values.url || !values.account || !values.period || (values.sink === "csv" && !values.out) || !["csv", "none"].includes(values.sink ?? "")) {
  throw new Error("usage: --url URL --account ID --period YYYY-MM-01 (--sink csv --out FILE | --sink none)");
}

const pad = (n: number) => String(n).padStart(2, "0");

runBaseline(values.url, async (client, started) => {
  const wallClock = wallClockConverter(values["time-zone"]);
  let firstRowMs = Number.NaN;
  let rows = 0;
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
  const counter = byteCounter();
  const cursor = statementCursor(client, Number(values.account), values.period!);
  if (values.sink === "none") {
    await pipeline(cursor, toRecord, new Writable({ objectMode: true, write: (_chunk, _encoding, done) => done() }));
  } else {
    await pipeline(cursor, toRecord, stringify(), counter.stream, createWriteStream(values.out!));
  }
  return { rows, firstRowMs, bytes: counter.bytes(), chargeMinor };
});
