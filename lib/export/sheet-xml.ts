/**
 * A worksheet's data rows as XML, in the cell styles of the workbook's style table: the XML
 * exceljs 4.4.0 writes for the same rows (inline strings, no shared strings; less the optional
 * spans), without exceljs's row, cell and style objects for each row, which held the writer to
 * 37,000 rows/s against 160,000 rendered here (synthetic statement rows, in one process).
 * lib/export/sheet-xml.test.ts compares the two cell by cell.
 */
import ExcelJS from "exceljs";
import { needsFormulaGuard } from "./formula-safety";

/**
 * What a column holds, which decides its cells everywhere (in .xlsx here, on pages and in CSV in
 * lib/reports/format.ts): text; a phone number (text, in the Text format); a count; a day, a day
 * and time, a time of day or a month (the first day of it), as dates; a duration in seconds; money
 * in minor units; a rate in ten-thousandths of the currency unit.
 */
export type ColumnKind = "text" | "phone" | "int" | "date" | "datetime" | "time" | "month" | "duration" | "money" | "rate";
export type Column = { header: string; kind: ColumnKind; width?: number };
/** A cell's value; date-like columns take a Date (its UTC fields) or the Excel number itself (see excelDateTime). */
export type Cell = string | number | Date | null;

/** The account's formats that a sheet's number formats follow (see sheetFormats in workbook.ts). */
export type SheetFormats = { date: string; money: string; rate: string };

/** Each kind's Excel number format; text has none. */
const FORMATS: Record<ColumnKind, (f: SheetFormats) => string | undefined> = {
  text: () => undefined,
  // Text format: shown as typed, and still text when edited (a leading + is no formula).
  phone: () => "@",
  int: () => "#,##0",
  date: (f) => f.date,
  datetime: (f) => `${f.date} hh:mm:ss`,
  time: () => "hh:mm:ss",
  month: () => "mmmm yyyy",
  // Hours on two digits, as the pages show durations (00:01:00).
  duration: () => "[hh]:mm:ss",
  money: (f) => f.money,
  rate: (f) => f.rate,
};

/**
 * Each kind's alignment: text indented by a character and dates and times centred, so that no
 * value runs into its right-aligned neighbour's ("4 BOARD", "09:30:00 33 270 3"); numbers keep
 * Excel's right alignment.
 */
const TEXT_ALIGNMENT: Partial<ExcelJS.Alignment> = { horizontal: "left", indent: 1 };
const DATE_ALIGNMENT: Partial<ExcelJS.Alignment> = { horizontal: "center" };
const ALIGNMENTS: Partial<Record<ColumnKind, Partial<ExcelJS.Alignment>>> = {
  text: TEXT_ALIGNMENT,
  phone: TEXT_ALIGNMENT,
  date: DATE_ALIGNMENT,
  datetime: DATE_ALIGNMENT,
  time: DATE_ALIGNMENT,
  month: DATE_ALIGNMENT,
};
/** A column's alignment (its header's and total's too); none for numbers. */
export const columnAlignment = (kind: ColumnKind): Partial<ExcelJS.Alignment> | undefined => ALIGNMENTS[kind];

/** Ten-thousandths of the currency unit in one unit: rates are stored so (rate_per_minute_e4). */
export const RATE_SCALE = 10_000;

const DAY_MS = 86_400_000;
/** Excel's serial date: days since 1899-12-30 (as exceljs writes a Date). */
export const excelSerial = (time: number) => time / DAY_MS + 25_569;

/**
 * An instant (ms since the epoch) as the value a "date" column (Excel's serial day, with the time)
 * or a "time" column (the fraction of the day) makes of a Date at that instant (its UTC fields).
 */
export function excelInstant(instant: number, kind: "date" | "time"): number {
  return kind === "time" ? (((Math.floor(instant / 1000) % 86_400) + 86_400) % 86_400) / 86_400 : excelSerial(instant);
}

/** A column's Excel number format; text has none. */
export const numberFormat = (kind: ColumnKind, formats: SheetFormats): string | undefined => FORMATS[kind](formats);

/** "A", "B", … "Z", "AA", …: a column's letters in a cell reference. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/**
 * Characters that XML escapes (`<>&'"`), cannot hold (C0 controls but tab, LF and CR; DEL: exceljs
 * drops them) or would not keep: a CR, which XML readers turn into a line feed, is a reference.
 */
const XML_SPECIAL = /[<>&'"\r\x7F\x00-\x08\x0B\x0C\x0E-\x1F]/;
const XML_SPECIAL_ALL = /[<>&'"\r\x7F\x00-\x08\x0B\x0C\x0E-\x1F]/g;
const XML_ENTITIES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;", "\r": "&#13;" };
const xmlText = (text: string) => (XML_SPECIAL.test(text) ? text.replace(XML_SPECIAL_ALL, (c) => XML_ENTITIES[c] ?? "") : text);

/** Texts of whole seconds as fractions of a day, up to two days: `String(s / 86400)`, once each. */
const SECOND_TEXTS_LIMIT = 2 * 86_400;
/** Filled in advance with "" (not written yet): a sparse array this long would be a slow dictionary. */
const SECOND_TEXTS: string[] = new Array<string>(SECOND_TEXTS_LIMIT).fill("");

/**
 * A time of day or a duration (a fraction of a day) as a cell's text. Whole seconds, as the
 * columns hold, come from SECOND_TEXTS: writing a fraction out took about 200 ns, a tenth of a
 * line's time in a report with four such columns.
 */
function secondsText(fraction: number): string {
  const seconds = Math.round(fraction * 86_400);
  if (!(seconds >= 0 && seconds < SECOND_TEXTS_LIMIT && seconds / 86_400 === fraction)) return String(fraction);
  return SECOND_TEXTS[seconds] || (SECOND_TEXTS[seconds] = String(fraction));
}

/** A cell's style, with Excel's quote prefix (see withQuotePrefix). */
export type CellStyle = Partial<ExcelJS.Style> & { quotePrefix?: boolean };
/** What the data rows use of exceljs's streaming workbook: its style table (exceljs 4.4.0, pinned in package.json). */
export type StreamingStyles = {
  addStyleModel: (style: CellStyle, type: ExcelJS.ValueType) => number;
  /** The workbook's cellXfs as the XML of each xf, written to styles.xml as they are. */
  model: { styles: string[] };
};

/**
 * Teaches the workbook's styles Excel's quote prefix, which exceljs 4.4.0's style model lacks (its
 * xf writer drops the attribute): a style with `quotePrefix: true` gets the xf exceljs makes of the
 * rest of the style with quotePrefix="1" added, as one more entry of cellXfs. A cell so styled is
 * text, shown without the apostrophe typed to make it so, and stays text when edited.
 */
export function withQuotePrefix(styles: StreamingStyles): void {
  const add = styles.addStyleModel.bind(styles);
  const quoted = new Map<number, number>();
  styles.addStyleModel = (style, type) => {
    const id = add(style, type);
    if (!style?.quotePrefix) return id;
    let quotedId = quoted.get(id);
    if (quotedId === undefined) {
      const xf = styles.model.styles[id];
      const prefixed = xf?.replace(/^<xf\b([^>]*?)(\/?)>/, '<xf$1 quotePrefix="1"$2>');
      if (!prefixed || prefixed === xf) throw new Error(`workbook: no xf to add quotePrefix to (style ${id}: ${xf})`);
      quotedId = styles.model.styles.push(prefixed) - 1;
      quoted.set(id, quotedId);
    }
    return quotedId;
  };
}

/**
 * A column's cell tags after `<c r="A1"`: its style, registered in the workbook's styles once per
 * value type when the first such value comes (as exceljs does per cell, so the ids are the same),
 * then the type and the value's opening. Text a spreadsheet would take for a formula has the quote prefix.
 */
function styleTags(styles: StreamingStyles, format: string | undefined, alignment: Partial<ExcelJS.Alignment> | undefined) {
  const model: CellStyle = { ...(format ? { numFmt: format } : {}), ...(alignment ? { alignment } : {}) };
  const quotedModel: CellStyle = { ...model, quotePrefix: true };
  const style = (type: ExcelJS.ValueType, quoted = false) => {
    // A copy each time: exceljs remembers a style object's id whatever the value type, so a text
    // column's dates would have taken its numbers' style instead of a date format of their own.
    const id = styles.addStyleModel({ ...(quoted ? quotedModel : model) }, type);
    return id ? ` s="${id}"` : "";
  };
  let number: string | undefined;
  let string: string | undefined;
  let quoted: string | undefined;
  let date: string | undefined;
  return {
    number: () => (number ??= `${style(ExcelJS.ValueType.Number)}><v>`),
    string: () => (string ??= `${style(ExcelJS.ValueType.String)} t="str"><v>`),
    quoted: () => (quoted ??= `${style(ExcelJS.ValueType.String, true)} t="str"><v>`),
    date: () => (date ??= `${style(ExcelJS.ValueType.Date)}><v>`),
  };
}

type Tags = ReturnType<typeof styleTags>;
/** One cell's XML, given its row number's text; "" for an empty cell. */
type CellXml = (value: Cell, row: string) => string;

/**
 * A number cell. The last number written and its text are kept: consecutive lines often repeat one
 * (a conference's date and start on each of its legs), and writing a fraction out costs more than
 * the rest of the cell.
 */
function numberCell(column: Column, open: string, tags: Tags): (value: number, row: string) => string {
  const inSeconds = column.kind === "time" || column.kind === "duration";
  let lastNumber = Number.NaN;
  let lastText = "";
  let tag: string | undefined;
  return (v, row) => {
    if (v !== lastNumber) {
      if (!Number.isFinite(v)) throw new RangeError(`${column.header}: ${v} is not a number a spreadsheet can hold`);
      lastNumber = v;
      lastText = inSeconds ? secondsText(v) : String(v);
    }
    return `${open}${row}"${(tag ??= tags.number())}${lastText}</v></c>`;
  };
}

/**
 * A column's cells, rendered by its own function: what exceljs writes for the value the column
 * makes of a Cell (durations in seconds and money in minor units become fractions of a day and
 * currency units; a time column takes a Date's time of day), without the per-cell dispatch.
 */
function cellXml(column: Column, index: number, tags: Tags, scale: number): CellXml {
  const open = `<c r="${columnLetter(index)}`;
  const number = numberCell(column, open, tags);
  const divisor = column.kind === "duration" ? 86400 : column.kind === "money" ? scale : column.kind === "rate" ? RATE_SCALE : 1;
  const time = column.kind === "time";
  // Each tag held here once known: a call for it on every cell cost about 3% of the writer's time.
  let stringTag: string | undefined;
  let quotedTag: string | undefined;
  let dateTag: string | undefined;
  return (value, row) => {
    if (value === null) return "";
    if (typeof value === "number") return number(divisor === 1 ? value : value / divisor, row);
    if (typeof value === "string") return `${open}${row}"${needsFormulaGuard(value) ? (quotedTag ??= tags.quoted()) : (stringTag ??= tags.string())}${xmlText(value)}</v></c>`;
    if (value instanceof Date) {
      const ms = value.getTime();
      // A time column takes the time of day (UTC fields), as a fraction of the day.
      if (time) return number(excelInstant(ms, "time"), row);
      const serial = excelSerial(ms);
      if (!Number.isFinite(serial)) throw new RangeError(`${column.header}: invalid date`);
      return `${open}${row}"${(dateTag ??= tags.date())}${serial}</v></c>`;
    }
    throw new TypeError(`${column.header}: unexpected value ${String(value)}`);
  };
}

/**
 * The XML of a table's data rows: `row(values, n)` is `<row r="n">` and its cells. `formats` are
 * the columns' number formats; `scale` is the currency's minor units in one unit (100 for EUR).
 */
export function dataRowXml(columns: Column[], formats: (string | undefined)[], styles: StreamingStyles, scale: number): (values: Cell[], row: number) => string {
  const cells = columns.map((column, i) => cellXml(column, i, styleTags(styles, formats[i], columnAlignment(column.kind)), scale));
  return (values, row) => {
    const r = String(row);
    let xml = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) xml += cells[i]!(values[i] ?? null, r);
    return `${xml}</row>`;
  };
}
