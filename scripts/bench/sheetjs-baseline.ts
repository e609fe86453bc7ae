/**
 * Baseline of the statement benchmark, run as a child process so that its memory is its own:
 * reads the statement's rows from PostgreSQL (the same SQL, through pg-query-stream), builds the
 * whole sheet in memory with SheetJS (XLSX.utils.aoa_to_sheet) and writes it with XLSX.write to a
 * Buffer, then to a file, as a non-streaming exporter would. Prints a BaselineResult as JSON.
 *
 *   node --import tsx scripts/bench/sheetjs-baseline.ts --url postgres://… --account 1 --period 2026-10-01 --out /tmp/x.xlsx
 */
import { writeFileSync } from "node:fs";
import * as zlib from "node:zlib";
import { parseArgs } from "node:util";
import pg from "pg";
import { createRequire } from "node:module";
import { maxRss, roomNumber, SEED_HEADERS, statementCursor, wallClockConverter, type BaselineResult, type StatementRow } from "./statement-sql";

// Loaded as CommonJS: imported as ESM, Node sees only some of its named exports (CFB is missing).
const XLSX = createRequire(import.meta.url)("xlsx") as typeof import("xlsx");

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    account: { type: "string" },
    period: { type: "string" },
    out: { type: "string" },
    "time-zone": { type: "string", default: "Europe/Paris" },
    /** Deflate with Node's zlib instead of SheetJS's own JavaScript deflate (its default, also in its CommonJS build). */
    zlib: { type: "boolean", default: false },
  },
  strict: true,
});
if (!values.url || !values.account || !values.period || !values.out) throw new Error("usage: --url URL --account ID --period YYYY-MM-01 --out FILE");

const DAY_S = 86_400;
/** Progress is reported every so many rows read. */
const PROGRESS_ROWS = 100_000;
/** Excel's serial date: days since 1899-12-30, for a wall-clock date held in UTC fields. */
const excelDate = (wall: Date) => wall.getTime() / 86_400_000 + 25_569;
const MONEY_FORMAT = '#,##0.00 "€"';

type Cell = import("xlsx").CellObject;
/** A missing cell (aoa_to_sheet skips nulls). */
type Value = Cell | null;
const text = (v: string): Cell => ({ t: "s", v });
const num = (v: number, z: string): Cell => ({ t: "n", v, z });

/** Progress on stderr, so that a run stopped by the time limit shows where it was. */
const phase = (name: string, started: number) => process.stderr.write(`${((performance.now() - started) / 1000).toFixed(1)} s: ${name}\n`);

async function main(): Promise<void> {
  if (values.zlib) XLSX.CFB.utils.use_zlib(zlib);
  const pool = new pg.Pool({ connectionString: values.url, max: 1 });
  const client = await pool.connect();
  const wallClock = wallClockConverter(values["time-zone"]!);
  const rssBefore = process.memoryUsage().rss;
  // For a run stopped by the benchmark's time limit: the RSS its memory growth is measured from.
  process.stderr.write(`rss before ${rssBefore}\n`);
  const started = performance.now();
  let firstRowMs = Number.NaN;

  const title = [[text("Statement (SheetJS baseline)")], [text(`Period ${values.period}`)], [text(`Generated ${new Date().toISOString()}`)], []];
  const aoa: Value[][] = [...title, SEED_HEADERS.map(text)];
  const headerRow = aoa.length; // 1-based row number of the header
  let chargeMinor = 0;
  let durationS = 0;
  let participants = 0;
  for await (const raw of statementCursor(client, Number(values.account), values.period!)) {
    const r = raw as StatementRow;
    if (Number.isNaN(firstRowMs)) firstRowMs = performance.now() - started;
    const wall = wallClock(new Date(r.started_ms));
    const duration = Number(r.duration_s);
    const charge = Number(r.charge_minor);
    const serial = excelDate(wall);
    aoa.push([
      // As the export: the date cell holds the date and time, shown as a date; the time cell the time of day.
      num(serial, "dd/mm/yyyy"),
      num(serial - Math.floor(serial), "hh:mm"),
      text(roomNumber(r.room_number)),
      text(r.cardholder),
      num(r.participants, "0"),
      text(r.billing_code ?? "Unallocated"),
      num(r.length_s / DAY_S, "[h]:mm:ss"),
      num(duration / DAY_S, "[h]:mm:ss"),
      num(charge / 100, MONEY_FORMAT),
    ]);
    chargeMinor += charge;
    durationS += duration;
    participants += r.participants;
    if ((aoa.length - headerRow) % PROGRESS_ROWS === 0) phase(`read ${aoa.length - headerRow} rows`, started);
  }
  const readMs = performance.now() - started;
  phase("rows read; aoa_to_sheet", started);
  const rows = aoa.length - headerRow;
  const first = headerRow + 1;
  const last = headerRow + rows;
  const sum = (column: string, v: number, z: string): Cell => ({ t: "n", v, z, f: `SUM(${column}${first}:${column}${last})` });
  aoa.push([text("Total"), null, null, null, sum("E", participants, "0"), null, null, sum("H", durationS / DAY_S, "[h]:mm:ss"), sum("I", chargeMinor / 100, MONEY_FORMAT)]);
  const sheet = XLSX.utils.aoa_to_sheet(aoa);
  // The rows now live in the sheet; the array of arrays is dropped, as an exporter would.
  aoa.length = 0;
  sheet["!autofilter"] = { ref: `A${headerRow}:I${last}` };
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, "Statement");
  const builtMs = performance.now() - started;
  phase("sheet built; XLSX.write", started);
  // compression: true, as exceljs deflates its output; SheetJS stores uncompressed by default.
  const buffer = XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true }) as Buffer;
  phase("written to a buffer; to the file", started);
  writeFileSync(values.out!, buffer);
  const ms = performance.now() - started;
  client.release();
  await pool.end();
  const result: BaselineResult = {
    rows,
    ms,
    firstRowMs,
    rssBefore,
    maxRss: maxRss(),
    bytes: buffer.length,
    chargeMinor,
    phases: { "read rows into arrays": readMs, "aoa_to_sheet": builtMs - readMs, "XLSX.write + file": ms - builtMs },
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
