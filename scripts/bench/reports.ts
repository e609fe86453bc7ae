/**
 * The nine reports over the past 12 months of the 2,000-room tenant (`npm run bench -- --only reports`).
 *
 * For each report type: the HTML page (`/reports?type=…&range=past-12-months`, first page of 50
 * lines with the whole report's total) loaded sequentially, beside the same two statements the
 * page runs (its 50 lines ∥ the total) sent raw to PostgreSQL; then the Excel download streamed to
 * a file, beside the report's statement read to the end through a cursor (pg-query-stream). Each
 * download and each cursor read stops at `--report-excel-limit` seconds, so the run stays bounded.
 * The target's yardstick is measured in the same run: the statement benchmark's monthly statement
 * (`--statement-rows` conferences in one month of another account), downloaded before and after.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PgDialect } from "drizzle-orm/pg-core";
import { sql, type Query } from "drizzle-orm";
import pg from "pg";
import QueryStream from "pg-query-stream";
import { z } from "zod";
import type { Database } from "../../db/client";
import { PAGE_SIZE } from "../../lib/paging";
import { reportDefinition, summaryPageQuery, totalsQuery } from "../../lib/reports/definitions";
import { toUrlPeriod } from "../../lib/periods";
import { parseReportQuery, reportSearchParams, reportTypes, type ReportQuery, type ReportType } from "../../lib/reports/query";
import { BUILD_NOTE, isoDate, machineLine, seconds, startDatabase, timed, withResources, type BenchContext } from "./context";
import { getPage } from "./http";
import { runHttp, runSqlSet } from "./load";
import type { RunningServer } from "./server";
import { generateBenchTenant, loginAsOwner, serve, watchBuild } from "./setup";
import { formatCount, formatMs, formatRatio, markdownTable, type LatencySummary } from "./stats";
import { generateStatementTenant, type Tenant } from "./tenant";
import { cellsOf, rowsOf, scanSheet } from "./xlsx-scan";

const TARGET_HTML_P95_MS = 1000;
const dialect = new PgDialect();

type Case = {
  type: ReportType;
  lines: number;
  html?: LatencySummary;
  sql?: LatencySummary;
  excel?: { ms: number; bytes: number; rows: number | undefined; complete: boolean };
  cursor?: { ms: number; rows: number; complete: boolean };
};

/** Reads the report's whole statement through a cursor, as the download does, and drops the rows. */
async function readCursor(pool: pg.Pool, text: string, values: unknown[], limitMs: number): Promise<{ ms: number; rows: number; complete: boolean }> {
  const client = await pool.connect();
  const started = performance.now();
  let rows = 0;
  let complete = true;
  try {
    const stream = client.query(new QueryStream(text, values, { batchSize: 2000 }));
    for await (const _row of stream) {
      rows++;
      if ((rows & 1023) === 0 && performance.now() - started > limitMs) {
        complete = false;
        stream.destroy();
        break;
      }
    }
  } finally {
    client.release(!complete);
  }
  return { ms: performance.now() - started, rows, complete };
}

/** Streams a download to a file; stops at the limit. */
async function download(url: string, cookie: string, file: string, limitMs: number): Promise<{ ms: number; bytes: number; complete: boolean }> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limitMs);
  let complete = true;
  try {
    const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), createWriteStream(file));
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    complete = false;
  } finally {
    clearTimeout(timer);
  }
  return { ms: performance.now() - started, bytes: statSync(file).size, complete };
}

/** The report over the past 12 months, no filter, as the page's URL gives it. */
function pastYear(type: ReportType): ReportQuery {
  const p = parseReportQuery(new URLSearchParams({ type, range: "past-12-months" }), new Date());
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.query;
}

/** Where the reports are measured: the tenant, the server logged in as its owner, raw SQL beside it. */
type Bench = { ctx: BenchContext; tenant: Tenant; server: RunningServer; cookie: string; pool: pg.Pool; dir: string; limitMs: number };

type StatementRun = { ms: number; rowsPerS: number; cells: number };

/**
 * The yardstick, in the same run: the statement benchmark's monthly statement (its account of
 * `--statement-rows` conferences in one month, beside the tenant), downloaded before and after the reports.
 */
async function prepareYardstick(bench: Bench, db: Database): Promise<{ generationMs: number; download: (when: string) => Promise<StatementRun> }> {
  const { options, now, log } = bench.ctx;
  const { server, dir, limitMs } = bench;
  const generation = await timed(log, `Generating the statement's account (${formatCount(options.statementRows)} conferences in one month)`, () =>
    generateStatementTenant(db, { conferences: options.statementRows, now, log }),
  );
  const account = generation.value;
  await db.$client.query("vacuum (analyze) conferences, legs, rooms, users");
  const cookie = await loginAsOwner(server.url, account);
  const url = `${server.url}/download/statement?period=${toUrlPeriod(account.period)}`;
  const statement = async (when: string) => {
    const file = path.join(dir, "statement.xlsx");
    const got = await download(url, cookie, file, limitMs);
    if (!got.complete) throw new Error(`the statement did not finish in ${options.reportExcelLimit} s`);
    const scan = await scanSheet(file, "xl/worksheets/sheet1.xml");
    rmSync(file, { force: true });
    if (scan.rowElements < options.statementRows) throw new Error(`the statement holds ${scan.rowElements} rows for ${options.statementRows} conferences`);
    const header = rowsOf(scan.head).find((r) => cellsOf(r.xml).some((c) => c.text === "DATE"));
    const rowsPerS = (options.statementRows * 1000) / got.ms;
    log(`the statement ${when}: ${formatCount(options.statementRows)} lines in ${seconds(got.ms)}, ${formatCount(Math.round(rowsPerS))} rows/s`);
    return { ms: got.ms, rowsPerS, cells: header ? cellsOf(header.xml).length : Number.NaN };
  };
  return { generationMs: generation.ms, download: statement };
}

/** The page: checked once (its total is there), then timed, beside the statements it sends, raw. */
async function measurePage(bench: Bench, type: ReportType, query: ReportQuery, totals: Query, lines: number): Promise<{ html: LatencySummary; sql: LatencySummary }> {
  const { tenant, server, cookie, pool } = bench;
  const def = reportDefinition(type);
  const page = dialect.sqlToQuery(def.summary ? summaryPageQuery(def, tenant.accountId, query, PAGE_SIZE, 0) : sql`${def.rows(tenant.accountId, query)} limit ${PAGE_SIZE} offset 0`);
  // What the page sends: a summary's lines with its totals in one statement, else its 50 lines ∥ the total.
  const pageQueries = def.summary ? [{ text: page.sql, values: page.params }] : [{ text: page.sql, values: page.params }, { text: totals.sql, values: totals.params }];
  const search = reportSearchParams(query);
  const first = await getPage(`${server.url}/reports?${search}`, cookie);
  if (first.status !== 200 || !first.body.includes('data-testid="report"')) throw new Error(`${type}: the page answered ${first.status}\n${server.output().slice(-2000)}`);
  if (lines > 0 && !first.body.includes('data-testid="total"')) throw new Error(`${type}: no total row on the page`);
  const verifyBody = (body: string) => body.includes('data-testid="report"');
  const html = (await runHttp({ url: `${server.url}/reports?${search}`, cookie, connections: 1, amount: bench.ctx.options.reportRequests, verifyBody })).latency;
  const raw = await runSqlSet(pool, pageQueries, { runs: bench.ctx.options.reportRequests, concurrency: 1 });
  bench.ctx.log(`${type}: ${formatCount(lines)} lines; HTML p50 ${formatMs(html.p50)} ms, p95 ${formatMs(html.p95)} ms; its SQL p50 ${formatMs(raw.p50)} ms, p95 ${formatMs(raw.p95)} ms`);
  return { html, sql: raw };
}

/** The Excel download streamed to a file (its rows counted), then the report's statement read through a cursor. */
async function measureDownload(bench: Bench, type: ReportType, query: ReportQuery, lines: number): Promise<Pick<Case, "excel" | "cursor">> {
  const { tenant, server, cookie, pool, dir, limitMs } = bench;
  const def = reportDefinition(type);
  const whole = dialect.sqlToQuery(def.rows(tenant.accountId, query));
  const file = path.join(dir, `${type}.xlsx`);
  const got = await download(`${server.url}/reports/download?${reportSearchParams(query)}&format=xlsx`, cookie, file, limitMs);
  let rows: number | undefined;
  if (got.complete) {
    const scan = await scanSheet(file, "xl/worksheets/sheet1.xml");
    // Title lines, a blank line, the header and the total row besides the report's lines.
    rows = scan.rowElements;
    if (!scan.lastRow.includes("SUM(") && lines > 0 && def.columns.some((col) => col.sum)) throw new Error(`${type}: the file has no total row`);
  }
  const cursor = await readCursor(pool, whole.sql, whole.params, limitMs);
  rmSync(file, { force: true });
  bench.ctx.log(`${type}: Excel ${got.complete ? "" : "stopped after "}${seconds(got.ms)}, ${formatCount(got.bytes)} bytes${rows ? `, ${formatCount(rows)} rows` : ""}; cursor ${cursor.complete ? "" : "stopped after "}${seconds(cursor.ms)}, ${formatCount(cursor.rows)} rows`);
  return { excel: { ...got, rows }, cursor };
}

/** One report type: its line count (SQL), its page, its download. */
async function measureReport(bench: Bench, type: ReportType): Promise<Case> {
  const query = pastYear(type);
  const totals = dialect.sqlToQuery(totalsQuery(reportDefinition(type), bench.tenant.accountId, query));
  const lines = z.coerce.number().parse((await bench.pool.query(totals.sql, totals.params)).rows[0]?.lines);
  const page = await measurePage(bench, type, query, totals, lines);
  const downloaded = await measureDownload(bench, type, query, lines);
  return { type, lines, ...page, ...downloaded };
}

export function runReports(ctx: BenchContext): Promise<string> {
  const { options, root, log } = ctx;
  return withResources(async (resources) => {
    const builds = watchBuild(resources, root);
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);
    const generation = await generateBenchTenant(db, ctx);
    const tenant = generation.value;
    await timed(log, "VACUUM (ANALYZE)", () => db.$client.query("vacuum (analyze) conferences, legs, report_days, rooms, users, account_members"));
    log(`Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs`);

    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", () => {});
    resources.add("the SQL pool", () => pool.end());
    const { server } = await serve(resources, log, { root, databaseUrl: url });
    const cookie = await loginAsOwner(server.url, tenant);
    const dir = mkdtempSync(path.join(tmpdir(), "portal-reports-bench-"));
    resources.add("the download directory", async () => rmSync(dir, { recursive: true, force: true }));
    const bench: Bench = { ctx, tenant, server, cookie, pool, dir, limitMs: options.reportExcelLimit * 1000 };

    const yardstick = await prepareYardstick(bench, db);
    // Warm-up (the route and the writer loaded): the tenant's current month, a small statement.
    await download(`${server.url}/download/statement?period=${toUrlPeriod(tenant.periods.at(-1)!)}`, cookie, path.join(dir, "warm-up.xlsx"), bench.limitMs);
    const before = await yardstick.download("before the reports");
    const cases: Case[] = [];
    for (const type of reportTypes) cases.push(await measureReport(bench, type));
    const after = await yardstick.download("after the reports");
    const notes = builds.stop() ? [BUILD_NOTE] : [];
    return reportsSection(ctx, { pgVersion, tenant, generationMs: generation.ms, statementGenerationMs: yardstick.generationMs, before, after, cases, notes });
  });
}

type Measured = {
  pgVersion: string;
  tenant: Tenant;
  generationMs: number;
  statementGenerationMs: number;
  before: StatementRun;
  after: StatementRun;
  cases: Case[];
  notes: string[];
};

// The line reports; a summary's file (a line per person, room or month) is a fixed cost, not a rate.
const long = (c: Case) => !reportDefinition(c.type).summary && c.lines > 0 && c.excel!.complete;
const cellsALine = (c: Case) => reportDefinition(c.type).columns.length;

/** A line per report: the page beside its SQL, the Excel download beside the cursor and the statement's rate. */
function reportsTable(cases: Case[], statementRate: number, statementCells: number): string {
  const rate = (rows: number, ms: number) => formatCount(Math.round((rows * 1000) / ms));
  return markdownTable(
    [
      ["Report (12 months)", "lines", "HTML p50 ms", "HTML p95 ms", "its SQL p50 ms", "its SQL p95 ms", "HTML ÷ SQL (p95)", "Excel", "Excel rows/s", "raw SQL (cursor)", "cursor rows/s", "Excel ÷ cursor (time)", "Excel ÷ statement (rows/s)", "cells a line", "÷ statement (cells/s)"],
      ...cases.map((c) => [
        c.type,
        formatCount(c.lines),
        formatMs(c.html!.p50),
        `**${formatMs(c.html!.p95)}**`,
        formatMs(c.sql!.p50),
        formatMs(c.sql!.p95),
        formatRatio(c.html!.p95, c.sql!.p95),
        c.excel!.complete ? seconds(c.excel!.ms) : `> ${seconds(c.excel!.ms)} (stopped)`,
        c.excel!.complete ? rate(c.lines, c.excel!.ms) : "–",
        c.cursor!.complete ? seconds(c.cursor!.ms) : `> ${seconds(c.cursor!.ms)} (stopped)`,
        c.cursor!.complete ? rate(c.cursor!.rows, c.cursor!.ms) : `${rate(c.cursor!.rows, c.cursor!.ms)} (first ${formatCount(c.cursor!.rows)})`,
        c.excel!.complete && c.cursor!.complete ? formatRatio(c.excel!.ms, c.cursor!.ms) : "–",
        long(c) ? `**${formatRatio((c.lines * 1000) / c.excel!.ms, statementRate)}**` : "–",
        String(cellsALine(c)),
        long(c) ? formatRatio((c.lines * cellsALine(c) * 1000) / c.excel!.ms, statementRate * statementCells) : "–",
      ]),
    ],
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

/** The Markdown section for docs/BENCHMARKS.md. */
function reportsSection(ctx: BenchContext, m: Measured): string {
  const { options } = ctx;
  const { tenant, cases, before, after } = m;
  const statementRate = (2 * options.statementRows * 1000) / (before.ms + after.ms);
  const atRate = cases.filter((c) => long(c) && (c.lines * 1000) / c.excel!.ms >= statementRate).map((c) => c.type);
  const met = cases.filter((c) => c.html!.p95 <= TARGET_HTML_P95_MS).map((c) => c.type);
  return [
    `## Reports over 12 months — ${isoDate(ctx.now)}`,
    "",
    `- Machine: ${machineLine(m.pgVersion)}.`,
    `- Command: \`${ctx.command}\` (scale ${options.scale}; ${options.reportRequests} sequential page loads per report; Excel and cursor reads stopped at ${options.reportExcelLimit} s).`,
    `- Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs over 12 months, generated in ${seconds(m.generationMs)}. Range: past 12 months (GMT), no filter.`,
    "- HTML: the report page at concurrency 1 (first page of 50 lines, the whole report's count and total). Its SQL: the statements the page sends, raw, at concurrency 1 — for the summaries (activity, user status, billing history, phone numbers, conference rooms) one statement with the totals as window sums; for the others the 50 lines ∥ the total.",
    "- Excel: the download streamed to a file (rows counted in the file); raw SQL (cursor): the report's statement read to the end through pg-query-stream and dropped, after the download (the ceiling for any streamed file).",
    `- Yardstick, same run: the monthly statement of the statement benchmark (its account of ${formatCount(options.statementRows)} conferences in one month, beside the tenant, generated in ${seconds(m.statementGenerationMs)}; ${before.cells} cells a line), downloaded before the reports (${formatCount(Math.round(before.rowsPerS))} rows/s) and after them (${formatCount(Math.round(after.rowsPerS))} rows/s): **${formatCount(Math.round(statementRate))} rows/s** over both.`,
    "",
    reportsTable(cases, statementRate, before.cells),
    "",
    `Target HTML p95 ≤ ${TARGET_HTML_P95_MS} ms: met by ${met.length} of ${cases.length} (${met.join(", ") || "none"}).`,
    `Target Excel at the statement's rows/s: met by ${atRate.length} of the ${cases.filter(long).length} line reports (${atRate.join(", ") || "none"}).`,
    ...m.notes.map((n) => `\n${n}`),
  ].join("\n");
}
