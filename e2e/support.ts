import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { createDb, type Database } from "../db/client";
import { openEmbedded } from "../db/embedded";
import { messages } from "../lib/i18n/messages";
import { plural } from "../lib/i18n/plural";
import { rebuildRollups } from "../lib/usage/rollups";

/** "Code X assigned to 3 conferences.": the English message, the count in the demo account's (fr-FR) digits. */
export const assignedMessage = (code: string, count: number) => plural("en", count, messages.en.codes.assigned, { code }, "fr-FR");

/** Saves a full-page screenshot under screenshots/ for a person to look at. */
export async function screenshot(page: Page, name: string) {
  mkdirSync("screenshots", { recursive: true });
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** The previous month as the URL writes it and as the selector names it, from the Paris calendar. */
export function previousMonth(locale: "en" | "fr" = "en"): { url: string; label: string } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const year = Number(parts.find((p) => p.type === "year")!.value);
  const month = Number(parts.find((p) => p.type === "month")!.value);
  const prev = month === 1 ? { y: year - 1, m: 12 } : { y: year, m: month - 1 };
  const label = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(Date.UTC(prev.y, prev.m - 1, 1));
  return { url: `${prev.y}-${String(prev.m).padStart(2, "0")}`, label: label.charAt(0).toUpperCase() + label.slice(1) };
}

/** The open month (Paris calendar) as the URL writes it. */
export function currentMonth(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit" }).format(new Date()).slice(0, 7);
}

/** Runs `run` on the e2e server's embedded database (as support would), then closes the connection. */
export async function withDb<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const embedded = await openEmbedded(process.env.E2E_DATA_DIR!);
  const db = createDb(embedded.url, 2);
  try {
    return await run(db);
  } finally {
    await db.$client.end();
    await embedded.close();
  }
}

/** Conferences given one of `codes` made unallocated again (as support would), the rollups rebuilt from the conferences. */
export async function takeBackCodes(codes: string[]) {
  await withDb(async (db) => {
    const { rows } = await db.execute<{ account_id: string }>(sql`
      update conferences set billing_code = null, billing_code_source = null, billing_code_set_by = null, billing_code_set_at = null
      where billing_code in ${codes} returning account_id`);
    for (const id of new Set(rows.map((r) => Number(r.account_id)))) await rebuildRollups(db, id);
  });
}

/** Clicks the download button `testId` and opens the file with exceljs. */
export async function downloadWorkbook(page: Page, testId: string) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await readFile((await file.path())!)) as unknown as ArrayBuffer);
  return { name: file.suggestedFilename(), workbook };
}

/** A statement's conference lines: the sheet and the number of its header row (DATE, TIME, ...). */
export function statementLines(workbook: ExcelJS.Workbook) {
  const sheet = workbook.worksheets[0]!;
  let header = 0;
  sheet.eachRow((row, n) => !header && row.getCell(1).value === "DATE" && (header = n));
  return { sheet, header };
}

/** A statement line's ledger-ready cells: date, time with seconds, room as text, participants, durations, amount in euros. */
export function statementCellFormats(row: ExcelJS.Row) {
  return [1, 2, 3, 5, 7, 8, 9].map((c) => [row.getCell(c).type, row.getCell(c).numFmt]);
}
export const STATEMENT_CELL_FORMATS = [
  [ExcelJS.ValueType.Date, "dd/mm/yyyy"],
  [ExcelJS.ValueType.Date, "hh:mm:ss"],
  [ExcelJS.ValueType.String, undefined],
  [ExcelJS.ValueType.Number, "#,##0"],
  [ExcelJS.ValueType.Date, "[hh]:mm:ss"],
  [ExcelJS.ValueType.Date, "[hh]:mm:ss"],
  [ExcelJS.ValueType.Number, '#,##0.00 "€"'],
];

/**
 * A monthly schedule on day 1 at 06:00 GMT: its next run and the previous month it covers, as the
 * sentence says them — English words in the demo account's (French) day-month order, and French.
 */
export function monthlySentence(now = new Date()) {
  let run = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 6));
  if (run <= now) run = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 6));
  const covered = new Date(Date.UTC(run.getUTCFullYear(), run.getUTCMonth() - 1, 1));
  const lastDay = new Date(Date.UTC(run.getUTCFullYear(), run.getUTCMonth(), 0)).getUTCDate();
  const month = (d: Date, locale: string) => d.toLocaleString(locale, { month: "long", timeZone: "UTC" });
  return {
    en: `On 1 ${month(run, "en-GB")} at 06:00 GMT: 1–${lastDay} ${month(covered, "en-GB")}`,
    fr: `Le 1er ${month(run, "fr-FR")} à 06:00 GMT : du 1er au ${lastDay} ${month(covered, "fr-FR")}`,
  };
}
