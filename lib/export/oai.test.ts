import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { seedDemo } from "@/lib/demo/demo";
import { demoScopes } from "@/lib/demo/testing";
import { testDatabase, type TestDatabase } from "@/db/testing";
import type { AccountScope } from "@/lib/auth/scope";
import { getAccount } from "@/lib/data/account";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getConference, getConferenceLines } from "@/lib/data/conferences";
import { getRoomUsage } from "@/lib/data/room-usage";
import { findRoom } from "@/lib/data/rooms";
import { messages } from "@/lib/i18n/messages";
import { accountExport, conferenceExport, roomExport, statementExport, SEED_COLUMNS, type Export, type ExportContext } from "./oai";
import { writtenCells } from "./testing/xlsx-parts";
import { currencyFormat, excelDateTime, wallClock } from "./workbook";

const NOW = new Date("2026-11-23T10:00:00Z");
let t: TestDatabase;
let owner: AccountScope;
let context: ExportContext;

async function bytesOf(file: Export): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => output.on("end", resolve));
  await file.write(output);
  output.end();
  await done;
  return Buffer.concat(chunks);
}

async function open(file: Export | Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((Buffer.isBuffer(file) ? file : await bytesOf(file)) as unknown as ArrayBuffer);
  return workbook;
}

/** The header row (the first bold row after the title block) and the data rows up to the total row. */
function table(sheet: ExcelJS.Worksheet) {
  let headerRow = 0;
  sheet.eachRow((row, n) => {
    if (!headerRow && row.font?.bold && n > 1 && row.getCell(2).value !== null) headerRow = n;
  });
  const header = (sheet.getRow(headerRow).values as ExcelJS.CellValue[]).slice(1);
  const rows: ExcelJS.Row[] = [];
  for (let n = headerRow + 1; n < sheet.rowCount; n++) rows.push(sheet.getRow(n));
  return { headerRow, header, rows, total: sheet.getRow(sheet.rowCount) };
}

/** A cell's number; exceljs reads time-formatted numbers back as dates (days since 1899-12-30). */
const numeric = (value: unknown) => (value instanceof Date ? value.getTime() / 86_400_000 + 25569 : (value as number));
const result = (cell: ExcelJS.Cell) => numeric(typeof cell.value === "object" && cell.value && "result" in cell.value ? cell.value.result : cell.value);
const cents = (value: number) => Math.round(value * 100);
const seconds = (value: number) => Math.round(value * 86400);

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
  ({ owner } = await demoScopes(t.db));
  context = { scope: owner, account: await getAccount(owner), t: messages.en, locale: "en", period: "2026-10-01", now: NOW };
});
after(() => t.close());

test("the room download has the seed's columns, one line per conference, and the page's total", async () => {
  const room = (await findRoom(owner, "332703"))!;
  const file = roomExport(context, room);
  assert.equal(file.filename, "oai-602127-2026-10-room-332703.xlsx");
  const sheet = (await open(file)).worksheets[0]!;
  const { header, rows, total, headerRow } = table(sheet);
  assert.deepEqual(header, SEED_COLUMNS.map((c) => c.header));
  assert.equal(rows.length, 19);
  assert.equal(cents(result(total.getCell(9))), 11659);
  assert.equal(seconds(result(total.getCell(8))), 85816);
  assert.equal(rows.reduce((s, r) => s + cents(r.getCell(9).value as number), 0), 11659);
  const page = await getConferenceLines(owner, "2026-10-01", { roomId: room.id });
  assert.equal(rows.reduce((s, r) => s + (r.getCell(5).value as number), 0), page.lines.reduce((s, l) => s + l.quantity, 0), "participants = legs");
  // Real cell types: dates, times with seconds, [hh]:mm:ss durations, currency numbers; a frozen bold header and an autofilter.
  const first = rows[0]!;
  assert.ok(first.getCell(1).value instanceof Date);
  assert.equal(first.getCell(1).numFmt, "dd/mm/yyyy");
  assert.equal(first.getCell(2).numFmt, "hh:mm:ss");
  assert.equal(first.getCell(7).numFmt, "[hh]:mm:ss");
  assert.equal(typeof first.getCell(9).value, "number");
  assert.equal(first.getCell(9).numFmt, '#,##0.00 "€"');
  assert.equal(sheet.views[0]?.state, "frozen");
  assert.equal((sheet.views[0] as ExcelJS.WorksheetViewFrozen).ySplit, headerRow);
  assert.equal(sheet.getRow(headerRow).font?.bold, true);
  assert.ok(sheet.autoFilter);
  assert.match(String((total.getCell(9).value as { formula: string }).formula), /^SUM\(I\d+:I\d+\)$/);
  // Only the total row has formulas.
  for (const r of rows) r.eachCell((cell) => assert.equal(typeof cell.value === "object" && cell.value !== null && "formula" in cell.value, false));
  // The title block says what the file holds.
  assert.match(String(sheet.getRow(1).getCell(1).value), /MeetingOne Phoenix \(602127\)/);
  assert.match(String(sheet.getRow(3).getCell(1).value), /October 2026 \(Invoiced\)/);
  assert.match(String(sheet.getRow(5).getCell(1).value), /Generated on 23\/11\/2026 11:00 \(Europe\/Paris\)/);
});

test("the account downloads match the page, by room and by billing code, in the UI language", async () => {
  for (const display of ["active", "all"] as const) {
    const sheet = (await open(accountExport(context, display, false))).worksheets[0]!;
    const { header, rows, total } = table(sheet);
    const page = await getRoomUsage(owner, "2026-10-01", display);
    assert.deepEqual(header, ["Room Number", "Cardholder", "Auto Billing Code", "Accumulated Time", "Charge"]);
    assert.deepEqual(rows.map((r) => r.getCell(1).value), page.rows.map((r) => r.number.replace(/^(\d\d)(\d{3})(\d)$/, "$1 $2 $3")));
    assert.equal(cents(result(total.getCell(5))), page.total.chargeMinor);
  }
  const french = (await open(accountExport({ ...context, t: messages.fr, locale: "fr", period: "2026-11-01" }, "active", true))).worksheets[0]!;
  const byCode = table(french);
  assert.deepEqual(byCode.header, ["Code de facturation", "Numéro de salle", "Titulaire", "Conférences", "Temps cumulé", "Coût"]);
  const codes = await getCodeUsage(owner, "2026-11-01");
  assert.equal(byCode.rows[0]!.getCell(1).value, "Non attribué", "Unallocated first");
  assert.equal(byCode.rows.length, codes.codes.reduce((n, c) => n + c.rooms.length, 0));
  assert.equal(cents(result(byCode.total.getCell(6))), codes.total.chargeMinor);
  assert.equal(result(byCode.total.getCell(4)), codes.total.conferences);
});

test("the conference download lists its participants with the page's total; Joined and Left are dates with their time", async () => {
  const room = (await findRoom(owner, "332703"))!;
  const [conference] = (await getConferenceLines(owner, "2026-10-01", { roomId: room.id })).lines;
  const page = (await getConference(owner, "332703", conference!.conferenceId))!;
  const file = (await conferenceExport(context, "332703", conference!.conferenceId))!;
  assert.match(file.filename, /^oai-602127-2026-10-conference-\d+\.xlsx$/);
  const bytes = await bytesOf(file);
  const { rows, total } = table((await open(bytes)).worksheets[0]!);
  assert.equal(rows.length, page.participants.length);
  assert.equal(cents(result(total.getCell(7))), page.total.chargeMinor);
  // Phone numbers (+33 1 23 45 67 89) read back exactly, as text in the Text format (text when
  // edited), without the quote prefix that some programs show as an apostrophe.
  assert.deepEqual(rows.map((r) => r.getCell(2).value ?? ""), page.participants.map((p) => p.phoneNumber));
  assert.ok(page.participants.some((p) => p.phoneNumber.startsWith("+33 ")));
  const cells = writtenCells(bytes);
  for (const r of rows.filter((r) => String(r.getCell(2).value).startsWith("+"))) {
    assert.deepEqual(cells.get(`B${r.number}`), { type: "str", formula: undefined, value: r.getCell(2).value, quotePrefix: false });
    assert.equal(r.getCell(2).numFmt, "@");
  }
  // Joined and Left: the day and the time with its seconds, in the account's zone, as the page's times.
  for (const [i, r] of rows.entries()) {
    const p = page.participants[i]!;
    for (const [column, at] of [[4, p.joinedAt], [5, p.leftAt]] as const) {
      assert.equal(r.getCell(column).numFmt, "dd/mm/yyyy hh:mm:ss");
      assert.equal((r.getCell(column).value as Date).getTime(), wallClock(at, "Europe/Paris").getTime());
    }
  }
  assert.equal(await conferenceExport(context, "320026", conference!.conferenceId), undefined, "under another room's number");
});

test("the monthly statement: every conference of the period, then totals per room and per code", async () => {
  const workbook = await open(statementExport({ ...context, period: "2026-11-01" }));
  const lines = table(workbook.worksheets[0]!);
  const { rows } = await t.db.execute<{ n: number; charge: string }>(sql`
    select count(distinct c.id)::int as n, sum(l.charge_minor) as charge from conferences c join legs l on l.account_id = c.account_id and l.conference_id = c.id where c.period = '2026-11-01'`);
  assert.equal(lines.rows.length, rows[0]!.n);
  assert.equal(cents(result(lines.total.getCell(9))), Number(rows[0]!.charge));
  assert.equal(workbook.worksheets.length, 2);
  // The second sheet: totals per room, then totals per billing code below; each Total row equals the statement's.
  const totalsSheet = workbook.worksheets[1]!;
  const totalRows: ExcelJS.Row[] = [];
  totalsSheet.eachRow((row) => row.getCell(1).value === "Total" && totalRows.push(row));
  assert.equal(totalRows.length, 2);
  assert.equal(cents(result(totalRows[0]!.getCell(4))), Number(rows[0]!.charge));
  assert.equal(cents(result(totalRows[1]!.getCell(4))), Number(rows[0]!.charge));
  assert.equal(result(totalRows[1]!.getCell(2)), rows[0]!.n);
  let perCodeHeading = 0;
  totalsSheet.eachRow((row, n) => row.getCell(1).value === "Totals per billing code" && (perCodeHeading = n));
  assert.ok(perCodeHeading > totalRows[0]!.number);
});

test("a cardholder named like a formula is that text exactly, quote-prefixed, never a formula; numbers stay numbers", async () => {
  // A cardholder named like a formula, coming from the data.
  await t.db.execute(sql`update users set display_name = '=cmd|'' /C calc''!A0' where email = 'leo@phoenix.example'`);
  await t.db.execute(sql`update conferences set billing_code = null where period = '2026-11-01'`);
  const bytes = await bytesOf(statementExport({ ...context, period: "2026-10-01" }));
  const sheet = (await open(bytes)).worksheets[0]!;
  const leo = table(sheet).rows.find((r) => String(r.getCell(3).value) === "32 002 6")!;
  assert.equal(leo.getCell(4).value, "=cmd|' /C calc'!A0", "no apostrophe added");
  assert.deepEqual(writtenCells(bytes).get(`D${leo.number}`), { type: "str", formula: undefined, value: "=cmd|' /C calc'!A0", quotePrefix: true });
  assert.equal(typeof leo.getCell(9).value, "number");
});

test("dates and start times are the account's wall clock, also around a change of hour", async () => {
  // Every 7 minutes 13 seconds over the two changes of 2026 in Paris, and in a zone that moves by half an hour.
  for (const timeZone of ["Europe/Paris", "Australia/Lord_Howe", "America/St_Johns"]) {
    const format = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    for (const [from, to] of [["2026-03-28T20:00:00Z", "2026-03-29T06:00:00Z"], ["2026-04-04T10:00:00Z", "2026-04-05T20:00:00Z"], ["2026-10-24T20:00:00Z", "2026-10-25T06:00:00Z"]]) {
      for (let at = Date.parse(from!); at < Date.parse(to!); at += 433_000) {
        const expected = format.format(at); // "dd/mm/yyyy, hh:mm:ss"
        const local = wallClock(new Date(at), timeZone).toISOString(); // "yyyy-mm-ddThh:mm:ss.000Z"
        assert.equal(`${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}, ${local.slice(11, 19)}`, expected, `${timeZone} ${new Date(at).toISOString()}`);
        const { date, time } = excelDateTime(at, timeZone);
        assert.equal(Math.round((date - 25_569) * 86_400_000), Date.parse(local));
        assert.equal(Math.round(time * 86_400), Number(local.slice(11, 13)) * 3600 + Number(local.slice(14, 16)) * 60 + Number(local.slice(17, 19)));
      }
    }
  }
  // In the file: the first line of the statement starts when its conference started, in Paris.
  const sheet = (await open(statementExport({ ...context, period: "2026-10-01" }))).worksheets[0]!;
  const first = table(sheet).rows[0]!;
  const { rows } = await t.db.execute<{ started_at: Date }>(sql`select started_at from conferences where period = '2026-10-01' order by started_at, id limit 1`);
  const local = wallClock(new Date(rows[0]!.started_at), "Europe/Paris");
  assert.equal((first.getCell(1).value as Date).getTime(), local.getTime());
  assert.equal(seconds(numeric(first.getCell(2).value)), (local.getTime() / 1000) % 86_400);
});

test("currency formats follow the account's currency", () => {
  assert.equal(currencyFormat("EUR", "fr-FR"), '#,##0.00 "€"');
  assert.equal(currencyFormat("USD", "en-US"), '"$"#,##0.00');
  assert.equal(currencyFormat("JPY", "ja-JP"), '"￥"#,##0');
});
