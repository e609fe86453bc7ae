import { once } from "node:events";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { minorDigits } from "@/lib/format";

/**
 * A streaming .xlsx writer for the OAI downloads: rows go straight to the output (no shared
 * strings, committed as they come), so memory stays flat whatever the row count.
 */
export type ColumnKind = "text" | "int" | "date" | "time" | "duration" | "money";
export type Column = { header: string; kind: ColumnKind; width?: number };
export type Cell = string | number | Date | null;

const DEFAULT_WIDTH: Record<ColumnKind, number> = { text: 24, int: 12, date: 12, time: 11, duration: 14, money: 14 };

/** Text that a spreadsheet could take for a formula gets a leading apostrophe; numbers are never touched. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The account's currency as an Excel number format: `#,##0.00 "€"`, `"$"#,##0.00`, `#,##0 "¥"`. */
export function currencyFormat(currency: string, locale: string): string {
  const parts = new Intl.NumberFormat(locale, { style: "currency", currency }).formatToParts(1);
  const symbol = parts.find((p) => p.type === "currency")?.value ?? currency;
  const digits = minorDigits(currency);
  const number = digits ? `#,##0.${"0".repeat(digits)}` : "#,##0";
  const symbolFirst = parts.findIndex((p) => p.type === "currency") < parts.findIndex((p) => p.type === "integer");
  return symbolFirst ? `"${symbol}"${number}` : `${number} "${symbol}"`;
}

/** An instant as the wall-clock date and time of a zone, for a date cell (Excel dates have no zone). */
export function wallClock(instant: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)));
}

export type SheetSpec = {
  name: string;
  title: string[];
  columns: Column[];
  money: { currency: string; locale: string };
};

export type TableWriter = {
  addRow: (values: Cell[]) => Promise<void>;
  /** Writes the total row: the label in the first column, SUMs (with their values) in the given columns. */
  finish: (label: string, totals: Partial<Record<number, number>>) => void;
  rows: () => number;
};

export type SheetWriter = TableWriter & {
  /** Starts another table further down the same sheet, under its own heading. */
  addTable: (heading: string, columns: Column[]) => TableWriter;
};

const columnLetter = (index: number) => {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
};

export function createWorkbook(output: Writable) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: true });
  return {
    addSheet(spec: SheetSpec): SheetWriter {
      const firstHeader = spec.title.length + 2;
      const sheet = workbook.addWorksheet(spec.name, {
        views: [{ state: "frozen", ySplit: firstHeader }],
        // Printed from Excel: landscape, all columns on the page's width.
        pageSetup: { orientation: "landscape", paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
      });
      const moneyFormat = currencyFormat(spec.money.currency, spec.money.locale);
      const scale = 10 ** minorDigits(spec.money.currency);
      // Wide enough for the bold header (about 1.2 character widths a letter) and the usual values.
      sheet.columns = spec.columns.map((c) => ({ width: Math.max(c.width ?? DEFAULT_WIDTH[c.kind], Math.ceil(c.header.length * 1.2) + 3) }));
      let rowNumber = 0;
      const write = (values: ExcelJS.CellValue[], style?: (row: ExcelJS.Row) => void) => {
        const row = sheet.addRow(values);
        rowNumber++;
        style?.(row);
        row.commit();
      };
      spec.title.forEach((line, i) => write([line], (row) => (row.font = i === 0 ? { bold: true, size: 14 } : { color: { argb: "FF475569" } })));
      write([]);

      const convert = (kind: ColumnKind, value: Cell): ExcelJS.CellValue => {
        if (value === null) return null;
        if (kind === "text") return typeof value === "string" ? neutralise(value) : value;
        if (kind === "duration" && typeof value === "number") return value / 86400; // seconds → fraction of a day
        if (kind === "money" && typeof value === "number") return value / scale; // minor units → currency units
        if (kind === "time" && value instanceof Date) return (value.getUTCHours() * 3600 + value.getUTCMinutes() * 60 + value.getUTCSeconds()) / 86400;
        return value;
      };

      const table = (columns: Column[], withFilter: boolean): TableWriter => {
        write(
          columns.map((c) => c.header),
          (header) => {
            header.font = { bold: true };
            header.eachCell((cell) => {
              cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE6F0FA" } };
              cell.border = { bottom: { style: "thin", color: { argb: "FF94A3B8" } } };
            });
          },
        );
        const headerRow = rowNumber;
        const formats = columns.map((c) =>
          c.kind === "date" ? "dd/mm/yyyy" : c.kind === "time" ? "hh:mm" : c.kind === "duration" ? "[h]:mm:ss" : c.kind === "money" ? moneyFormat : c.kind === "int" ? "0" : undefined,
        );
        let count = 0;
        return {
          async addRow(values) {
            write(
              values.map((v, i) => convert(columns[i]!.kind, v)),
              (row) => formats.forEach((format, i) => format && (row.getCell(i + 1).numFmt = format)),
            );
            count++;
            // Respect the reader's pace: wait while the response's buffer is full.
            if (count % 256 === 0 && output.writableNeedDrain) await once(output, "drain");
          },
          finish(label, totals) {
            const first = headerRow + 1;
            const last = headerRow + count;
            const values = columns.map((c, i) => {
              if (i === 0) return label;
              const total = totals[i];
              if (total === undefined) return null;
              const value = convert(c.kind, total) as number;
              return count ? { formula: `SUM(${columnLetter(i)}${first}:${columnLetter(i)}${last})`, result: value } : value;
            });
            write(values, (row) => {
              row.font = { bold: true };
              formats.forEach((format, i) => format && totals[i] !== undefined && (row.getCell(i + 1).numFmt = format));
              row.eachCell((cell) => (cell.border = { top: { style: "thin", color: { argb: "FF94A3B8" } } }));
            });
            // One autofilter per sheet: on its first table.
            if (withFilter) sheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: Math.max(headerRow, last), column: columns.length } };
          },
          rows: () => count,
        };
      };

      return {
        ...table(spec.columns, true),
        addTable(heading, columns) {
          write([]);
          write([heading], (row) => (row.font = { bold: true, size: 12 }));
          return table(columns, false);
        },
      };
    },
    commit: () => workbook.commit(),
  };
}
