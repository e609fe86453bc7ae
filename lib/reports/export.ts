/**
 * A report as a file — Excel, CSV or a standalone HTML page — written as a stream while its lines
 * are read through a cursor, so memory stays flat whatever the line count. Used by the report
 * builder's downloads and by scheduled reports (the job worker has no session: the context is
 * built from the account id).
 */
import { stringify as stringifyCsv } from "csv-stringify/sync";
import type { Writable } from "node:stream";
import type { AccountScope } from "@/lib/auth/scope";
import { getAccount, type AccountInfo } from "@/lib/data/account";
import { getReportFilterNames } from "@/lib/data/reports";
import { cursorBatches } from "@/lib/export/cursor";
import { csvText } from "@/lib/export/formula-safety";
import type { Export } from "@/lib/export/oai";
import { createWorkbook, excelInstant, type Cell } from "@/lib/export/workbook";
import { formatLocalDate, formatLocalTime } from "@/lib/format";
import { html, type SafeHtml } from "@/lib/html";
import { fill, messages, type Locale, type Messages } from "@/lib/i18n/messages";
import { reportDefinition, type ReportDefinition, type Row } from "./definitions";
import { csvCell, displayCell, filterSummary, isNumeric, linesLabel, reportHeading, type FilterNames } from "./format";
import { gmtDay, type ReportQuery } from "./query";

export type ReportFormat = "xlsx" | "csv" | "html";

/** Everything a report file needs besides the query; no request, session or cookie involved. */
export type ReportContext = {
  scope: AccountScope;
  account: AccountInfo;
  t: Messages;
  locale: Locale;
  /** When the report is made: the header says so. */
  now: Date;
  /** Stops reading (the client went away, the job was cancelled). */
  signal?: AbortSignal;
};

/** Reports are the owner's: a context for an account scope. */
export async function loadReportContext(scope: AccountScope, locale: Locale, now = new Date(), signal?: AbortSignal): Promise<ReportContext> {
  return { scope, account: await getAccount(scope), t: messages[locale], locale, now, signal };
}

/** The file's name says what it holds: account, report, days. */
function reportFilename(def: ReportDefinition, query: ReportQuery, c: Pick<ReportContext, "account" | "now">, format: ReportFormat): string {
  const days = def.usesRange ? `${query.from}_${query.to}` : gmtDay(c.now);
  return `report-${c.account.number}-${def.type}-${days}.${format}`;
}

function titleLines(def: ReportDefinition, query: ReportQuery, names: FilterNames, c: ReportContext): string[] {
  const now = `${formatLocalDate(c.now, "UTC", c.account.locale)} ${formatLocalTime(c.now, "UTC", c.account.locale)}`;
  return [
    `${c.t.provider} ${c.t.productName} — ${c.account.companyName} (${c.account.number})`,
    reportHeading(def, query, c),
    def.usesFilters ? filterSummary(query, names, c.t) : c.t.reports.notApplicable,
    `${fill(c.t.download.generated, { date: now, zone: "GMT" })} · ${c.t.reports.gmtNote}`,
  ];
}

/** The report's lines as read (for the overall counts they carry) and as cells, through a cursor a batch at a time. */
async function* reportCells(def: ReportDefinition, query: ReportQuery, c: ReportContext): AsyncGenerator<{ rows: Row[]; cells: Cell[][] }> {
  const line = { t: c.t, locale: c.locale, currency: c.account.currency };
  for await (const batch of cursorBatches<Row>(def.rows(c.scope.accountId, query), c.signal)) yield { rows: batch, cells: batch.map((row) => def.line(row, line)) };
}

type Totals = {
  /** The sums of the summed columns, by column index. */
  sums: Partial<Record<number, number>>;
  /** The overall counts (distinct conferences), by column index: not sums of the lines. */
  overall: Partial<Record<number, number>>;
};

/** Sums of the summed columns, kept while lines are written: the total row is exactly their sum; and the overall counts the lines carry. */
function totaller(def: ReportDefinition) {
  const summed = def.columns.flatMap((col, i) => (col.sum ? [i] : []));
  const values = summed.map(() => 0);
  const overall: Partial<Record<number, number>> = {};
  const counted = def.columns.flatMap((col, i) => (col.overall ? [[i, col.overall] as const] : []));
  for (const [i] of counted) overall[i] = 0;
  return {
    add(cells: Cell[], row: Row) {
      for (let k = 0; k < summed.length; k++) values[k]! += Number(cells[summed[k]!] ?? 0);
      for (const [i, column] of counted) overall[i] = Number(row[column] ?? 0);
    },
    totals: (): Totals => ({ sums: Object.fromEntries(summed.map((i, k) => [i, values[k]!])), overall }),
  };
}

/** Both kinds of totals in one row of values, for the formats that write values only. */
const totalValues = (totals: Totals) => ({ ...totals.sums, ...totals.overall });

/** One output format: the title and header, the lines (a batch at a time), then the total row. */
type LineWriter = {
  lines: (batch: Cell[][]) => Promise<void>;
  finish: (count: number, totals: Totals) => Promise<void>;
};

type WriterSpec = { def: ReportDefinition; title: string[]; headers: string[]; c: ReportContext; output: Writable };

/**
 * Resolves when the output takes more; rejects once it is closed (the client left, the download
 * failed): the room would never come, and the report's cursor would keep its connection out of
 * the pool for ever.
 */
function room(output: Writable): Promise<void> {
  const closed = () => new Error("the report's output was closed");
  if (output.destroyed) return Promise.reject(closed());
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      output.off("drain", drained);
      output.off("close", gone);
      if (error) reject(error);
      else resolve();
    };
    const drained = () => settle();
    const gone = () => settle(closed());
    output.on("drain", drained);
    output.on("close", gone);
  });
}

const totalLabel = (c: ReportContext, count: number) => `${c.t.reports.total} (${linesLabel(count, c.t, c.account.locale)})`;

function xlsxWriter({ def, title, headers, c, output }: WriterSpec): LineWriter {
  const wb = createWorkbook(output);
  const sheet = wb.addSheet({
    name: c.t.reports.types[def.type].name.slice(0, 31),
    title,
    account: c.account,
    columns: def.columns.map((col, i) => ({ header: headers[i]!, kind: col.kind, width: col.width })),
  });
  // Instants (ms since the epoch) become the Excel numbers of their date-like columns: a time column takes the time of day.
  const instants = def.columns.flatMap((col, i): { i: number; kind: "date" | "time" }[] =>
    col.kind === "time" ? [{ i, kind: "time" }] : col.kind === "date" || col.kind === "datetime" || col.kind === "month" ? [{ i, kind: "date" }] : [],
  );
  return {
    // A batch at a time: the sheet writes many rows' XML at once (the statement's fast path).
    lines(batch) {
      for (const cells of batch) {
        for (const { i, kind } of instants) {
          const value = cells[i];
          if (typeof value === "number") cells[i] = excelInstant(value, kind);
        }
      }
      return sheet.addRows(batch);
    },
    async finish(count, totals) {
      sheet.finish(totalLabel(c, count), totals.sums, totals.overall);
      await wb.commit();
    },
  };
}

/** Written first: Excel reads a CSV without one in the system's code page (Inès → InÃ¨s). */
const UTF8_BOM = "\uFEFF";

/**
 * CSV for programs: a byte-order mark, the header row, the lines, the total row; no title block.
 * A batch of lines is one piece of text written at once (a write a line went through the response
 * a line at a time: 4,000 lines/s against the workbook's 35,000 for the same report). Every cell
 * goes through csvCell, hence the formula-safety rule; the headers through the rule itself.
 */
function csvWriter({ def, headers, c, output }: WriterSpec): LineWriter {
  const put = async (records: (string | number | null)[][], before = "") => {
    if (!output.write(before + stringifyCsv(records))) await room(output);
  };
  const cells = (line: Cell[]) => line.map((v, i) => csvCell(def.columns[i]!.kind, v, c.account.currency));
  const header = put([headers.map(csvText)], UTF8_BOM);
  return {
    async lines(batch) {
      await header;
      await put(batch.map(cells));
    },
    async finish(count, totals) {
      await header;
      const values = totalValues(totals);
      await put([cells(def.columns.map((_, i) => (i === 0 ? `${c.t.reports.total} (${count})` : (values[i] ?? null))))]);
    },
  };
}

/** A standalone HTML page (for e-mail bodies and archives): the title block and one table. */
function htmlWriter({ def, title, headers, c, output }: WriterSpec): LineWriter {
  const put = async (markup: SafeHtml) => {
    if (!output.write(markup.text)) await room(output);
  };
  const cls = def.columns.map((col) => isNumeric(col.kind) && html` class="n"`);
  const start = put(html`${[
    html`<!doctype html><html lang="${c.locale}"><head><meta charset="utf-8"><title>${title[1]!}</title><style>${HTML_STYLE}</style></head><body>`,
    html`<p class="brand">${title[0]!}</p><h1>${title[1]!}</h1>${title.slice(2).map((l) => html`<p>${l}</p>`)}`,
    html`<table><thead><tr>${headers.map((h, i) => html`<th${cls[i]}>${h}</th>`)}</tr></thead><tbody>`,
  ]}`);
  return {
    async lines(batch) {
      await start;
      await put(html`${batch.map((cells) => html`<tr>${cells.map((v, i) => html`<td${cls[i]}>${displayCell(def.columns[i]!.kind, v, c.account, c.locale)}</td>`)}</tr>`)}`);
    },
    async finish(count, totals) {
      await start;
      const values = totalValues(totals);
      const row = def.columns.map((col, i) => (i === 0 ? totalLabel(c, count) : values[i] === undefined ? "" : displayCell(col.kind, values[i]!, c.account, c.locale)));
      const note = def.columns.some((col) => col.overall) && html`<p>${c.t.reports.distinctNote}</p>`;
      await put(html`</tbody><tfoot><tr>${row.map((v, i) => html`<td${i > 0 && cls[i]}>${v}</td>`)}</tr></tfoot></table>${note}</body></html>`);
    },
  };
}

const WRITERS: Record<ReportFormat, (spec: WriterSpec) => LineWriter> = { xlsx: xlsxWriter, csv: csvWriter, html: htmlWriter };

/**
 * The report as a file. Filter ids are checked against the account first: an unknown or foreign
 * id is a ValidationError and no file is made.
 */
export async function reportExport(c: ReportContext, query: ReportQuery, format: ReportFormat): Promise<Export> {
  const def = reportDefinition(query.type);
  const names = def.usesFilters ? await getReportFilterNames(c.scope, query, c.t) : { cardholders: [], owners: [], groups: [] };
  const headers = def.columns.map((col) => c.t.reports.columns[col.key]);
  return {
    filename: reportFilename(def, query, c, format),
    async write(output: Writable) {
      const cells = reportCells(def, query, c);
      try {
        // The first line tells whether the report is empty, which the title then says plainly.
        const first = await cells.next();
        const title = titleLines(def, query, names, c);
        if (first.done) title.push(c.t.reports.empty);
        const writer = WRITERS[format]({ def, title, headers, c, output });
        const total = totaller(def);
        let count = 0;
        const add = async ({ rows, cells: batch }: { rows: Row[]; cells: Cell[][] }) => {
          await writer.lines(batch);
          for (let i = 0; i < batch.length; i++) total.add(batch[i]!, rows[i]!);
          count += batch.length;
        };
        if (!first.done) {
          await add(first.value);
          for await (const batch of cells) await add(batch);
        }
        await writer.finish(count, total.totals());
      } finally {
        // Closes the cursor and gives its connection back, however the writing ended.
        await cells.return(undefined);
      }
    },
  };
}


const HTML_STYLE = html`${[
  html`body{font-family:system-ui,sans-serif;color:#0f172a;margin:24px}h1{font-size:20px;margin:4px 0 8px}p{margin:2px 0;color:#475569;font-size:13px}.brand{font-weight:600;color:#0f172a}`,
  html`table{border-collapse:collapse;margin-top:16px;font-size:13px}th,td{padding:6px 10px;border-bottom:1px solid #e2e8f0;text-align:left}th{background:#f1f5f9;font-size:12px;text-transform:uppercase}`,
  html`.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:700;border-top:2px solid #94a3b8}`,
]}`;
