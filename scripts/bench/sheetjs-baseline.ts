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
import { createRequire } from "node:module";
import type { PoolClient } from "pg";
import { BASELINE_OPTIONS, roomNumber, runBaseline, SEED_HEADERS, statementCursor, wallClockConverter, type StatementRow } from "./statement-sql";

// Loaded as CommonJS: imported as ESM, Node sees only some of its named exports (CFB is missing).
const XLSX = createRequire(import.meta.url)("xlsx") as typeof import("xlsx");

const { values } = parseArgs({
  options: {
    ...BASELINE_OPTIONS,
    out: { type: "string" },
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

/** The title, the header, then a row of cells a conference, as a non-streaming exporter gathers them. */
type Gathered = { aoa: Value[][]; headerRow: number; firstRowMs: number; chargeMinor: number; durationS: number; participants: number };

async function readRows(client: PoolClient, started: number): Promise<Gathered> {
  const wallClock = wallClockConverter(values["time-zone"]);
  const title = [[text("Statement (SheetJS baseline)")], [text(`Period ${values.period}`)], [text(`Generated ${new Date().toISOString()}`)], []];
  const g: Gathered = { aoa: [...title, SEED_HEADERS.map(text)], headerRow: 0, firstRowMs: Number.NaN, chargeMinor: 0, durationS: 0, participants: 0 };
  g.headerRow = g.aoa.length; // 1-based row number of the header
  for await (const raw of statementCursor(client, Number(values.account), values.period!)) {
    const r = raw as StatementRow;
    if (Number.isNaN(g.firstRowMs)) g.firstRowMs = performance.now() - started;
    const wall = wallClock(new Date(r.started_ms));
    const duration = Number(r.duration_s);
    const charge = Number(r.charge_minor);
    const serial = excelDate(wall);
    g.aoa.push([
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
    g.chargeMinor += charge;
    g.durationS += duration;
    g.participants += r.participants;
    if ((g.aoa.length - g.headerRow) % PROGRESS_ROWS === 0) phase(`read ${g.aoa.length - g.headerRow} rows`, started);
  }
  return g;
}

/** The total row, then the sheet built from the rows (which are dropped) and the book around it. */
function buildBook(g: Gathered): import("xlsx").WorkBook {
  const rows = g.aoa.length - g.headerRow;
  const first = g.headerRow + 1;
  const last = g.headerRow + rows;
  const sum = (column: string, v: number, z: string): Cell => ({ t: "n", v, z, f: `SUM(${column}${first}:${column}${last})` });
  g.aoa.push([text("Total"), null, null, null, sum("E", g.participants, "0"), null, null, sum("H", g.durationS / DAY_S, "[h]:mm:ss"), sum("I", g.chargeMinor / 100, MONEY_FORMAT)]);
  const sheet = XLSX.utils.aoa_to_sheet(g.aoa);
  // The rows now live in the sheet; the array of arrays is dropped, as an exporter would.
  g.aoa.length = 0;
  sheet["!autofilter"] = { ref: `A${g.headerRow}:I${last}` };
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, "Statement");
  return book;
}

if (values.zlib) XLSX.CFB.utils.use_zlib(zlib);
runBaseline(values.url, async (client, started) => {
  const g = await readRows(client, started);
  const readMs = performance.now() - started;
  phase("rows read; aoa_to_sheet", started);
  const rows = g.aoa.length - g.headerRow;
  const book = buildBook(g);
  const builtMs = performance.now() - started;
  phase("sheet built; XLSX.write", started);
  // compression: true, as exceljs deflates its output; SheetJS stores uncompressed by default.
  const buffer = XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true }) as Buffer;
  phase("written to a buffer; to the file", started);
  writeFileSync(values.out!, buffer);
  const writtenMs = performance.now() - started;
  return {
    rows,
    firstRowMs: g.firstRowMs,
    bytes: buffer.length,
    chargeMinor: g.chargeMinor,
    phases: { "read rows into arrays": readMs, "aoa_to_sheet": builtMs - readMs, "XLSX.write + file": writtenMs - builtMs },
  };
});
