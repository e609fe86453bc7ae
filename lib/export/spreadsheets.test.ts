import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { seedDemo } from "@/lib/demo/demo";
import { demoScopes } from "@/lib/demo/testing";
import { testDatabase, type TestDatabase } from "@/db/testing";
import type { AccountScope } from "@/lib/auth/scope";
import { getAccount, type AccountInfo } from "@/lib/data/account";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getConference, getConferenceLines, type ConferenceLine } from "@/lib/data/conferences";
import { getReportPage } from "@/lib/data/reports";
import { getRoomUsage } from "@/lib/data/room-usage";
import { findRoom } from "@/lib/data/rooms";
import { formatDuration, formatLocalDate, formatLocalTime, formatMoney, formatRoomNumber } from "@/lib/format";
import { messages, type Locale, type Messages } from "@/lib/i18n/messages";
import { reportDefinition } from "@/lib/reports/definitions";
import { loadReportContext, reportExport } from "@/lib/reports/export";
import { displayCell } from "@/lib/reports/format";
import { reportTypes, type ReportQuery, type ReportType } from "@/lib/reports/query";
import { accountExport, conferenceExport, OAI_COLUMNS, roomExport, SEED_COLUMNS, statementExport, type Export, type ExportContext } from "./oai";
import { sheetsAsShown } from "./testing/libreoffice";
import type { ColumnKind } from "./workbook";

/**
 * Every spreadsheet the portal makes — the OAI downloads, the monthly statement and each report —
 * read back as an accountant's programs read it: with exceljs, each column's cells of the type and
 * number format of its kind (the formats written out here); then opened by LibreOffice in the
 * account's locale, each line as shown equal to what the page shows for it.
 */
const NOW = new Date("2026-11-23T10:00:00Z");
const PERIOD = "2026-10-01";
let t: TestDatabase;
let owner: AccountScope;

/** The demo's account, French; then the same account made American (en-US, US dollars) for the second pass. */
const ACCOUNTS = [
  { name: "French", locale: "fr-FR", currency: "EUR", language: "fr", date: "dd/mm/yyyy", money: '#,##0.00 "€"', rate: '#,##0.00## "€"' },
  { name: "American", locale: "en-US", currency: "USD", language: "en", date: "mm/dd/yyyy", money: '"$"#,##0.00', rate: '"$"#,##0.00##' },
] as const;
type Account = (typeof ACCOUNTS)[number];

const VALUE_TYPES: Record<ColumnKind, ExcelJS.ValueType> = {
  text: ExcelJS.ValueType.String,
  phone: ExcelJS.ValueType.String,
  int: ExcelJS.ValueType.Number,
  money: ExcelJS.ValueType.Number,
  rate: ExcelJS.ValueType.Number,
  // exceljs reads a number in a date or time format back as a Date.
  date: ExcelJS.ValueType.Date,
  datetime: ExcelJS.ValueType.Date,
  time: ExcelJS.ValueType.Date,
  month: ExcelJS.ValueType.Date,
  duration: ExcelJS.ValueType.Date,
};

function expectedFormat(kind: ColumnKind, a: Account): string | undefined {
  const formats: Record<ColumnKind, string | undefined> = {
    text: undefined,
    phone: "@",
    int: "#,##0",
    date: a.date,
    datetime: `${a.date} hh:mm:ss`,
    time: "hh:mm:ss",
    month: "mmmm yyyy",
    duration: "[hh]:mm:ss",
    money: a.money,
    rate: a.rate,
  };
  return formats[kind];
}

/** A table of a sheet as the page shows it: its headings, its lines, its total row (the label, then "" where there is none). */
type PageTable = { kinds: ColumnKind[]; headers: string[]; lines: string[][]; total: string[] };
type PageFile = { name: string; file: Export; sheets: { name: string; tables: PageTable[] }[] };

async function bytesOf(file: Export): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  await file.write(output);
  output.end();
  return Buffer.concat(chunks);
}

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
  ({ owner } = await demoScopes(t.db));
});
after(() => t.close());

type Formats = { account: AccountInfo; t: Messages };
const money = (f: Formats, minor: number) => formatMoney(minor, f.account.currency, f.account.locale);
const day = (f: Formats, at: Date) => formatLocalDate(at, f.account.timeZone, f.account.locale);
const clock = (f: Formats, at: Date) => formatLocalTime(at, f.account.timeZone, f.account.locale, true);

/** Conference lines as the room pages show them, one per conference (the page has a line per service type): the seed's columns. */
function conferenceTable(f: Formats, lines: ConferenceLine[], cardholders: Map<string, string>, total: { durationS: number; chargeMinor: number }): PageTable {
  const conferences = new Map<number, ConferenceLine[]>();
  for (const line of lines) conferences.set(line.conferenceId, [...(conferences.get(line.conferenceId) ?? []), line]);
  const sum = (of: ConferenceLine[], key: "quantity" | "durationS" | "chargeMinor") => of.reduce((s, l) => s + l[key], 0);
  const rows = [...conferences.values()].sort((x, y) => x[0]!.startedAt.getTime() - y[0]!.startedAt.getTime() || x[0]!.conferenceId - y[0]!.conferenceId);
  return {
    kinds: SEED_COLUMNS.map((c) => c.kind),
    headers: SEED_COLUMNS.map((c) => c.header),
    lines: rows.map((c) => {
      const first = c[0]!;
      return [day(f, first.startedAt), clock(f, first.startedAt), formatRoomNumber(first.roomNumber), cardholders.get(first.roomNumber)!, String(sum(c, "quantity")), first.billingCode ?? f.t.codes.unallocated, formatDuration(first.lengthS), formatDuration(sum(c, "durationS")), money(f, sum(c, "chargeMinor"))];
    }),
    total: [f.t.summary.total, "", "", "", String(lines.reduce((s, l) => s + l.quantity, 0)), "", "", formatDuration(total.durationS), money(f, total.chargeMinor)],
  };
}

const tableOf = (f: Formats, columns: { header: (t: Messages) => string; kind: ColumnKind }[], lines: string[][], total: string[]): PageTable => ({
  kinds: columns.map((c) => c.kind),
  headers: columns.map((c) => c.header(f.t)),
  lines,
  total,
});

async function oaiFiles(f: Formats, context: ExportContext): Promise<PageFile[]> {
  const room = (await findRoom(owner, "332703"))!;
  const [roomLines, allRooms, codes] = await Promise.all([getConferenceLines(owner, PERIOD, { roomId: room.id }), getRoomUsage(owner, PERIOD, "all"), getCodeUsage(owner, PERIOD)]);
  const cardholders = new Map(allRooms.rows.map((r) => [r.number, r.cardholder]));
  const active = await getRoomUsage(owner, PERIOD, "active");
  const everyLine = (await Promise.all(allRooms.rows.map(async (r) => (await getConferenceLines(owner, PERIOD, { roomId: (await findRoom(owner, r.number))!.id })).lines))).flat();
  // A conference whose participants came in by several service types, one with a + phone number.
  const conferenceId = roomLines.lines.find((l, i, all) => all.some((o) => o.conferenceId === l.conferenceId && o !== all[i]))!.conferenceId;
  const { participants, total } = (await getConference(owner, "332703", conferenceId))!;
  assert.ok(participants.some((p) => p.phoneNumber.startsWith("+")));
  const usageRow = (r: { number: string; cardholder: string; durationS: number; chargeMinor: number }) => [formatRoomNumber(r.number), r.cardholder, formatDuration(r.durationS), money(f, r.chargeMinor)];
  const perRoom = tableOf(f, OAI_COLUMNS.statementRooms, active.rows.map(usageRow), [f.t.summary.total, "", formatDuration(active.total.durationS), money(f, active.total.chargeMinor)]);
  const perCode = tableOf(
    f,
    OAI_COLUMNS.statementCodes,
    codes.codes.map((c) => [c.code ?? f.t.codes.unallocated, String(c.conferences), formatDuration(c.durationS), money(f, c.chargeMinor)]),
    [f.t.summary.total, String(codes.total.conferences), formatDuration(codes.total.durationS), money(f, codes.total.chargeMinor)],
  );
  return [
    { name: "room", file: roomExport(context, room), sheets: [{ name: f.t.room.title, tables: [conferenceTable(f, roomLines.lines, cardholders, roomLines.total)] }] },
    {
      name: "statement",
      file: statementExport(context),
      sheets: [
        { name: f.t.download.statement, tables: [conferenceTable(f, everyLine, cardholders, { durationS: allRooms.total.durationS, chargeMinor: allRooms.total.chargeMinor })] },
        { name: f.t.download.totalsSheet, tables: [perRoom, perCode] },
      ],
    },
    {
      name: "conference",
      file: (await conferenceExport(context, "332703", conferenceId))!,
      sheets: [
        {
          name: f.t.conference.title,
          tables: [
            tableOf(
              f,
              OAI_COLUMNS.participants,
              participants.map((p) => [p.name, p.phoneNumber, f.t.serviceTypes[p.serviceType as keyof Messages["serviceTypes"]], `${day(f, p.joinedAt)} ${clock(f, p.joinedAt)}`, `${day(f, p.leftAt)} ${clock(f, p.leftAt)}`, formatDuration(p.durationS), money(f, p.chargeMinor)]),
              [f.t.conference.total, "", "", "", "", formatDuration(total.durationS), money(f, total.chargeMinor)],
            ),
          ],
        },
      ],
    },
    {
      name: "account",
      file: accountExport(context, "all", false),
      sheets: [
        {
          name: f.t.summary.title,
          tables: [
            tableOf(
              f,
              OAI_COLUMNS.roomUsage,
              allRooms.rows.map((r) => [formatRoomNumber(r.number), r.cardholder, r.autoBillingCode ?? "", formatDuration(r.durationS), money(f, r.chargeMinor)]),
              [f.t.summary.total, "", "", formatDuration(allRooms.total.durationS), money(f, allRooms.total.chargeMinor)],
            ),
          ],
        },
      ],
    },
    {
      name: "codes",
      file: accountExport(context, "active", true),
      sheets: [
        {
          name: f.t.codes.sortByCode,
          tables: [
            tableOf(
              f,
              OAI_COLUMNS.codeUsage,
              codes.codes.flatMap((c) => c.rooms.map((r) => [c.code ?? f.t.codes.unallocated, formatRoomNumber(r.number), r.cardholder, String(r.conferences), formatDuration(r.durationS), money(f, r.chargeMinor)])),
              [f.t.summary.total, "", "", String(codes.total.conferences), formatDuration(codes.total.durationS), money(f, codes.total.chargeMinor)],
            ),
          ],
        },
      ],
    },
  ];
}

/** Each report of the previous month (October, GMT) as its page shows it, every page of it. */
async function reportFiles(f: Formats, language: Locale): Promise<PageFile[]> {
  const context = await loadReportContext(owner, language, NOW);
  const files: PageFile[] = [];
  for (const type of reportTypes) {
    const def = reportDefinition(type);
    const query: ReportQuery = { type: type as ReportType, range: "previous-month", from: "2026-10-01", to: "2026-10-31", cardholders: [], allCardholders: false, owners: [], groups: [], ungrouped: false, products: [] };
    const c = { t: f.t, locale: language, currency: f.account.currency };
    const first = await getReportPage(owner, query, "1", c);
    const lines = [...first.lines];
    for (let p = 2; p <= first.page.pages; p++) lines.push(...(await getReportPage(owner, query, String(p), c)).lines);
    const show = (kind: ColumnKind, cell: (typeof lines)[number][number]) => displayCell(kind, cell, f.account, language);
    files.push({
      name: type,
      file: await reportExport(context, query, "xlsx"),
      sheets: [
        {
          name: f.t.reports.types[type].name.slice(0, 31),
          tables: [
            {
              kinds: def.columns.map((col) => col.kind),
              headers: def.columns.map((col) => f.t.reports.columns[col.key]),
              lines: lines.map((line) => line.map((cell, i) => show(def.columns[i]!.kind, cell))),
              total: def.columns.map((col, i) => (i === 0 ? "" : first.total[i] === undefined ? "" : show(col.kind, first.total[i]!))),
            },
          ],
        },
      ],
    });
  }
  return files;
}

/** The header row of a table in a sheet read by exceljs: the row whose cells are the table's headings. */
function headerRowIn(sheet: ExcelJS.Worksheet, headers: string[], from = 1): number {
  for (let n = from; n <= sheet.rowCount; n++) if (headers.every((h, i) => sheet.getRow(n).getCell(i + 1).value === h)) return n;
  assert.fail(`no header row ${JSON.stringify(headers)} in ${sheet.name}`);
}

/** Every cell of the table's lines and total row: the type and number format of its column's kind. */
function checkCells(sheet: ExcelJS.Worksheet, table: PageTable, a: Account, where: string): number {
  const header = headerRowIn(sheet, table.headers);
  let checked = 0;
  for (let n = header + 1; n <= header + table.lines.length; n++) {
    sheet.getRow(n).eachCell((cell, column) => {
      const kind = table.kinds[column - 1]!;
      assert.deepEqual([cell.type, cell.numFmt], [VALUE_TYPES[kind], expectedFormat(kind, a)], `${where} ${cell.address} (${table.headers[column - 1]}, ${kind})`);
      checked++;
    });
  }
  sheet.getRow(header + table.lines.length + 1).eachCell((cell, column) => {
    if (column > 1) assert.equal(cell.numFmt, expectedFormat(table.kinds[column - 1]!, a), `${where} total ${cell.address}`);
  });
  return checked;
}

const space = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, " ").trim();

/** The table's lines and total as LibreOffice shows them, against the page's. */
function compareShown(rows: string[][], table: PageTable, where: string): void {
  const header = rows.findIndex((r) => table.headers.every((h, i) => r[i] === h));
  assert.ok(header >= 0, `${where}: LibreOffice shows the header ${JSON.stringify(table.headers)}`);
  const width = table.headers.length;
  const shown = (r: string[] | undefined, kinds: ColumnKind[]) => (r ?? []).slice(0, width).map((v, i) => (kinds[i] === "month" ? space(v).toLowerCase() : space(v)));
  const page = (r: string[]) => r.map((v, i) => (table.kinds[i] === "month" ? space(v).toLowerCase() : space(v)));
  for (const [i, line] of table.lines.entries()) assert.deepEqual(shown(rows[header + 1 + i], table.kinds), page(line), `${where} line ${i + 1}`);
  // The total row: its label aside (reports count their lines in it), every total as on the page.
  const total = shown(rows[header + 1 + table.lines.length], table.kinds);
  assert.deepEqual(total.slice(1), page(table.total).slice(1), `${where} total`);
}

for (const a of ACCOUNTS) {
  test(`${a.name} account: every spreadsheet has typed cells in the account's formats, and LibreOffice shows what the page shows`, async () => {
    await t.db.execute(sql`update accounts set locale = ${a.locale}, currency = ${a.currency}`);
    const account = await getAccount(owner);
    const f = { account, t: messages[a.language] };
    const context: ExportContext = { scope: owner, account, t: f.t, locale: a.language, period: PERIOD, now: NOW };
    const files = [...(await oaiFiles(f, context)), ...(await reportFiles(f, a.language))];
    const bytes: Record<string, Buffer> = {};
    for (const file of files) bytes[file.name] = await bytesOf(file.file);

    let cells = 0;
    for (const file of files) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes[file.name] as unknown as ArrayBuffer);
      for (const [s, sheet] of file.sheets.entries()) {
        assert.equal(workbook.worksheets[s]!.name, sheet.name.slice(0, 31));
        for (const table of sheet.tables) cells += checkCells(workbook.worksheets[s]!, table, a, `${file.name}/${sheet.name}`);
      }
    }
    assert.ok(cells > 2_000, `${cells} cells checked`);

    const shown = await sheetsAsShown(bytes, a.locale);
    for (const file of files) {
      for (const sheet of file.sheets) {
        for (const table of sheet.tables) {
          assert.ok(table.lines.length > 0, `${file.name}/${sheet.name} has lines`);
          compareShown(shown(file.name, sheet.name.slice(0, 31)), table, `${a.name} ${file.name}/${sheet.name}`);
        }
      }
    }
  });
}

test("the columns the issue named have the kinds that make them ledger-ready", () => {
  const kindOf = (columns: { kind: ColumnKind }[], i: number) => columns[i]!.kind;
  assert.deepEqual([kindOf(OAI_COLUMNS.participants, 1), kindOf(OAI_COLUMNS.participants, 3), kindOf(OAI_COLUMNS.participants, 4)], ["phone", "datetime", "datetime"]);
  const report = (type: ReportType, key: string) => reportDefinition(type).columns.find((c) => c.key === key)!.kind;
  assert.deepEqual(
    [report("participation", "phoneNumber"), report("participation", "joined"), report("toll-free", "callerNumber"), report("toll-free", "dialedNumber"), report("phone-numbers", "number"), report("phone-numbers", "rate"), report("billing-history", "month")],
    ["phone", "time", "phone", "phone", "phone", "rate", "month"],
  );
});
