import assert from "node:assert/strict";
import { PassThrough, type Writable } from "node:stream";
import { test } from "node:test";
import ExcelJS from "exceljs";
import { ACCENTED, FORMULAS, LOOKALIKES } from "./testing/payloads";
import { styledCells, type StyledCell } from "./testing/xlsx-parts";
import { withQuotePrefix, type StreamingStyles } from "./sheet-xml";
import { createWorkbook, excelDateTime, type Cell, type Column, type ColumnKind } from "./workbook";

/**
 * The data rows' fast path (sheet-xml.ts renders their XML itself) pinned to exceljs: the same
 * rows written by exceljs's own `addRow`, with the columns' number formats as column styles, must
 * read back the same cell by cell — value as written, cell type, style (number format, font,
 * fill, border, quote prefix). An exceljs upgrade that changes what it writes fails here.
 */

const COLUMNS: Column[] = [
  { header: "Text", kind: "text" },
  { header: "Int", kind: "int" },
  { header: "Date", kind: "date" },
  { header: "Time", kind: "time" },
  { header: "Duration", kind: "duration" },
  { header: "Money", kind: "money" },
  { header: "Phone", kind: "phone" },
  { header: "Date and time", kind: "datetime" },
  { header: "Month", kind: "month" },
  { header: "Rate", kind: "rate" },
];

/** Each column's values, the rows take the i-th of each (cycling); nulls are empty cells. */
const VALUES: Record<ColumnKind, Cell[]> = {
  text: [
    "plain", ACCENTED, ...FORMULAS, ...LOOKALIKES, "<img src=x onerror=alert(1)>", `Tom & "Jerry" 'Tom'`, "&amp;", "line\nbreak", "carriage\rreturn",
    "control\u0001\u001f\u007f", "tab\tinside", "call 📞 ☎", "", " spaced ", null, 42, -0.5, new Date(Date.UTC(2026, 4, 1, 12)),
  ],
  int: [0, 1, -5, 123_456_789, 2 ** 31, 1.5, 1e21, null, "—", "=1+1"],
  date: [new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2026, 9, 25, 1, 30, 15)), new Date(Date.UTC(1900, 1, 28)), 46_000, 46_000.5, excelDateTime(Date.UTC(2026, 2, 29, 0, 30), "Europe/Paris").date, null],
  time: [new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2026, 0, 1, 23, 59, 59, 999)), new Date(Date.UTC(2026, 6, 1, 9, 5, 7)), 0, 0.5, 1 / 3, excelDateTime(Date.UTC(2026, 9, 25, 0, 59), "Europe/Paris").time, null],
  duration: [0, 1, 59, 61, 3600, 86_399, 86_400, 2 * 86_400 + 5, 7 * 86_400, 0.5, 1_234_567, null],
  money: [0, 1, 99, 12_345, -250, 123_456_789, 7, null],
  phone: ["+33 4 18 30 29 54", "(555) 123-4567", "0612345678", "+1 800-555-0199", "=1+1", "", null, "@SUM(1+1)", "-12.5"],
  datetime: [new Date(Date.UTC(2026, 10, 3, 14, 5, 9)), new Date(Date.UTC(2026, 9, 25, 0, 59, 59)), excelDateTime(Date.UTC(2026, 2, 29, 0, 30, 7), "Europe/Paris").date, null],
  month: [new Date(Date.UTC(2026, 10, 1)), new Date(Date.UTC(2025, 0, 1)), 46_327, null],
  rate: [450, 900, 0, 12_345, 1, null],
};
const ROWS = Math.max(...Object.values(VALUES).map((v) => v.length)) * 3;
const rows: Cell[][] = Array.from({ length: ROWS }, (_, r) => COLUMNS.map((c, i) => VALUES[c.kind][(r + i) % VALUES[c.kind].length]!));
// A short row (its last cells missing) and an empty one.
rows.push(["short", 1], []);

/** Accounts, with the number formats their columns must have (written out here, not computed). */
const MONEY = [
  { currency: "EUR", locale: "fr-FR", scale: 100, date: "dd/mm/yyyy", money: '#,##0.00 "€"', rate: '#,##0.00## "€"' },
  { currency: "USD", locale: "en-US", scale: 100, date: "mm/dd/yyyy", money: '"$"#,##0.00', rate: '"$"#,##0.00##' },
  { currency: "JPY", locale: "ja-JP", scale: 1, date: "yyyy/mm/dd", money: '"￥"#,##0', rate: '"￥"#,##0.####' },
  { currency: "KWD", locale: "ar-KW", scale: 1000, date: "dd/mm/yyyy", money: '#,##0.000 "د.ك."', rate: '#,##0.000# "د.ك."' },
];
type Money = (typeof MONEY)[number];

/** Titles (one line), a blank row, the header: the data rows start on row 4 in both files. */
const FIRST_DATA_ROW = 4;

function collect(): { output: Writable; bytes: () => Buffer } {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  return { output, bytes: () => Buffer.concat(chunks) };
}

async function viaFastPath(money: Money): Promise<Buffer> {
  const { output, bytes } = collect();
  const wb = createWorkbook(output);
  const sheet = wb.addSheet({ name: "Lines", title: ["Title"], columns: COLUMNS, account: money });
  await sheet.addRows(rows.slice(0, 10));
  for (const row of rows.slice(10, 12)) await sheet.addRow(row);
  await sheet.addRows(rows.slice(12));
  await wb.commit();
  return bytes();
}

/** What a column makes of a Cell, written here independently of sheet-xml.ts: the value exceljs is given. */
function exceljsValue(kind: ColumnKind, value: Cell, scale: number): ExcelJS.CellValue {
  if (typeof value === "number" && kind === "duration") return value / 86_400;
  if (typeof value === "number" && kind === "money") return value / scale;
  if (typeof value === "number" && kind === "rate") return value / 10_000;
  if (value instanceof Date && kind === "time") return (value.getUTCHours() * 3600 + value.getUTCMinutes() * 60 + value.getUTCSeconds()) / 86_400;
  return value;
}

const FORMATS: Record<ColumnKind, (money: Money) => string | undefined> = {
  text: () => undefined,
  phone: () => "@",
  int: () => "#,##0",
  date: (money) => money.date,
  datetime: (money) => `${money.date} hh:mm:ss`,
  time: () => "hh:mm:ss",
  month: () => "mmmm yyyy",
  duration: () => "[hh]:mm:ss",
  money: (money) => money.money,
  rate: (money) => money.rate,
};

/** Text indented by a character, dates and times centred, numbers as Excel aligns them. */
const ALIGNMENTS: Partial<Record<ColumnKind, Partial<ExcelJS.Alignment>>> = {
  text: { horizontal: "left", indent: 1 },
  phone: { horizontal: "left", indent: 1 },
  date: { horizontal: "center" },
  datetime: { horizontal: "center" },
  time: { horizontal: "center" },
  month: { horizontal: "center" },
};

/**
 * Text a spreadsheet would run: starting with = + - @ tab or CR, unless it is a plain number or a
 * phone number (digits, spaces, dots, hyphens, brackets, a leading +; six digits at least).
 */
const guarded = (text: string) =>
  /^[=+\-@\t\r]/.test(text) && !/^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(text) && !(/^\+?[\d (][\d ().-]*$/.test(text) && text.replace(/\D/g, "").length >= 6);

/**
 * The same rows through exceljs's own streaming writer: `addRow`, then on each cell with a value its
 * column's number format and, on formula-like text, Excel's quote prefix. (Column styles proper would
 * make exceljs write an empty styled cell for each null, which the files have never had since the
 * fast path: an empty cell is no cell.)
 */
async function viaExceljs(money: Money): Promise<Buffer> {
  const { output, bytes } = collect();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: true });
  withQuotePrefix((workbook as unknown as { styles: StreamingStyles }).styles);
  const sheet = workbook.addWorksheet("Lines");
  const formats = COLUMNS.map((c) => FORMATS[c.kind](money));
  for (let i = 1; i < FIRST_DATA_ROW; i++) sheet.addRow([]).commit();
  for (const values of rows) {
    const row = sheet.addRow(values.map((v, i) => exceljsValue(COLUMNS[i]!.kind, v, money.scale)));
    row.eachCell((cell, column) => {
      const numFmt = formats[column - 1];
      const quotePrefix = typeof cell.value === "string" && guarded(cell.value);
      const alignment = ALIGNMENTS[COLUMNS[column - 1]!.kind];
      cell.style = { ...(numFmt ? { numFmt } : {}), ...(alignment ? { alignment } : {}), ...(quotePrefix ? { quotePrefix } : {}) } as Partial<ExcelJS.Style>;
    });
    row.commit();
  }
  await workbook.commit();
  return bytes();
}

const dataRow = (ref: string) => Number(/\d+$/.exec(ref)![0]) >= FIRST_DATA_ROW;
const dataCells = (xlsx: Buffer) => [...styledCells(xlsx)].filter(([ref]) => dataRow(ref));
/**
 * The one difference on purpose: a carriage return is written as a character reference, which XML
 * readers keep; exceljs writes it as it is, and readers turn it into a line feed.
 */
const keepingCarriageReturns = ([ref, cell]: [string, StyledCell]): [string, StyledCell] => [ref, { ...cell, value: cell.value?.replaceAll("\r", "&#13;") }];

for (const money of MONEY) {
  test(`data rows in ${money.currency}: the same cells as exceljs's addRow writes — value, type, style`, async () => {
    const [fast, reference] = await Promise.all([viaFastPath(money), viaExceljs(money)]);
    const got = dataCells(fast);
    const expected = dataCells(reference).map(keepingCarriageReturns);
    assert.ok(expected.length > ROWS * 5, `${expected.length} cells compared`);
    assert.deepEqual(
      got.map(([ref]) => ref),
      expected.map(([ref]) => ref),
      "the same cells, empty ones left out alike",
    );
    for (const [i, [ref, cell]] of got.entries()) assert.deepEqual(cell, expected[i]![1], ref);

    // And as a spreadsheet program reads them back: typed values and number formats.
    const read = async (xlsx: Buffer) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
      const cells: [string, ExcelJS.CellValue, ExcelJS.ValueType, string | undefined][] = [];
      workbook.worksheets[0]!.eachRow((row, n) => n >= FIRST_DATA_ROW && row.eachCell((c) => cells.push([c.address, c.value, c.type, c.numFmt])));
      return cells;
    };
    // exceljs's own file reads its carriage returns back as line feeds (see keepingCarriageReturns).
    const asExceljsKeeps = (cells: Awaited<ReturnType<typeof read>>) => cells.map(([ref, value, ...rest]) => [ref, typeof value === "string" ? value.replaceAll("\r", "\n") : value, ...rest]);
    assert.deepEqual(asExceljsKeeps(await read(fast)), await read(reference));
  });
}
