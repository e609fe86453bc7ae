/**
 * A decomposition of the statement benchmark, run as a child process: the statement's rows from
 * PostgreSQL (the same SQL, through pg-query-stream) written to a file by the portal's own
 * streaming writer (lib/export/workbook.ts `createWorkbook`, exceljs) with the statement's
 * columns — but without HTTP or Next. The portal's time minus this one is what the route and the
 * response add; this one is what the writer itself costs. Prints a BaselineResult as JSON.
 *
 *   node --import tsx scripts/bench/exceljs-baseline.ts --url postgres://… --account 1 --period 2026-10-01 --out /tmp/x.xlsx
 */
import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { createWorkbook, excelDateTime, type Cell, type Column } from "../../lib/export/workbook";
import { BASELINE_OPTIONS, byteCounter, CURSOR_BATCH, roomNumber, runBaseline, SEED_HEADERS, statementCursor, type StatementRow } from "./statement-sql";

const { values } = parseArgs({ options: { ...BASELINE_OPTIONS, out: { type: "string" } }, strict: true });
if (!values.url || !values.account || !values.period || !values.out) throw new Error("usage: --url URL --account ID --period YYYY-MM-01 --out FILE");

/** The kinds of lib/export/oai.ts SEED_COLUMNS (that module is server-only), with their headers. */
const KINDS: Column["kind"][] = ["date", "time", "text", "text", "int", "text", "duration", "duration", "money"];
const COLUMNS: Column[] = SEED_HEADERS.map((header, i) => ({ header, kind: KINDS[i]! }));

runBaseline(values.url, async (client, started) => {
  const timeZone = values["time-zone"];
  let firstRowMs = Number.NaN;
  const counter = byteCounter();
  const file = createWriteStream(values.out!);
  counter.stream.pipe(file);
  const wb = createWorkbook(counter.stream);
  const sheet = wb.addSheet({ name: "Statement", title: ["Statement (exceljs baseline)", `Period ${values.period}`, "", `Generated ${new Date().toISOString()}`], account: { currency: "EUR", locale: "fr-FR" }, columns: COLUMNS });
  let rows = 0;
  let chargeMinor = 0;
  let durationS = 0;
  let participants = 0;
  // As lib/export/oai.ts: the rows handed to the writer a cursor batch at a time.
  let batch: Cell[][] = [];
  for await (const raw of statementCursor(client, Number(values.account), values.period!)) {
    const r = raw as StatementRow;
    if (Number.isNaN(firstRowMs)) firstRowMs = performance.now() - started;
    const start = excelDateTime(r.started_ms, timeZone);
    const duration = Number(r.duration_s);
    const charge = Number(r.charge_minor);
    batch.push([start.date, start.time, roomNumber(r.room_number), r.cardholder, r.participants, r.billing_code ?? "Unallocated", r.length_s, duration, charge]);
    rows++;
    chargeMinor += charge;
    durationS += duration;
    participants += r.participants;
    if (batch.length === CURSOR_BATCH) {
      await sheet.addRows(batch);
      batch = [];
    }
  }
  await sheet.addRows(batch);
  sheet.finish("Total", { 4: participants, 7: durationS, 8: chargeMinor });
  await wb.commit();
  // As the route does after the workbook is committed (harmless if exceljs ended it already).
  if (!counter.stream.writableEnded) counter.stream.end();
  await finished(file);
  return { rows, firstRowMs, bytes: counter.bytes(), chargeMinor };
});
