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
import { sql } from "drizzle-orm";
import pg from "pg";
import QueryStream from "pg-query-stream";
import { generateStatementTenant, generateTenant, type Tenant } from "./tenant";
import { PAGE_SIZE } from "../../lib/paging";
import { reportDefinition, summaryPageQuery, totalsQuery } from "../../lib/reports/definitions";
import { toUrlPeriod } from "../../lib/periods";
import { parseReportQuery, reportSearchParams, reportTypes, type ReportQuery, type ReportType } from "../../lib/reports/query";
import { freePort } from "../lib/postgres";
import { BUILD_NOTE, isoDate, machineLine, seconds, startDatabase, timed, watchForBuilds, withResources, type BenchContext } from "./context";
import { getPage, login } from "./http";
import { runHttp, runSqlSet } from "./load";
import { startServer } from "./server";
import { formatCount, formatMs, formatRatio, markdownTable, type LatencySummary } from "./stats";
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

export function runReports(ctx: BenchContext): Promise<string> {
  const { options, root, now, command, log } = ctx;
  return withResources(async (resources) => {
    const builds = watchForBuilds();
    resources.add("the build watch", async () => void builds.stop());
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);
    const generation = await timed(log, `Generating the tenant (scale ${options.scale})`, () =>
      generateTenant(db, { scale: options.scale, now, ...(options.seed === undefined ? {} : { seed: options.seed }), log }),
    );
    const tenant: Tenant = generation.value;
    await timed(log, "VACUUM (ANALYZE)", () => db.$client.query("vacuum (analyze) conferences, legs, report_days, rooms, users, account_members"));
    log(`Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs`);

    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", () => {});
    resources.add("the SQL pool", () => pool.end());
    const port = await freePort();
    const server = (await timed(log, "Starting next start", () => startServer({ root, port, databaseUrl: url }))).value;
    resources.add("next start", () => server.stop());
    const cookie = await login(server.url, { username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber });
    const dir = mkdtempSync(path.join(tmpdir(), "portal-reports-bench-"));
    resources.add("the download directory", async () => rmSync(dir, { recursive: true, force: true }));

    const parsed = (type: ReportType): ReportQuery => {
      const p = parseReportQuery(new URLSearchParams({ type, range: "past-12-months" }), new Date());
      if (!p.ok) throw new Error(JSON.stringify(p.errors));
      return p.query;
    };
    const limitMs = options.reportExcelLimit * 1000;
    // The yardstick, in the same run: the statement benchmark's monthly statement (its account of
    // `--statement-rows` conferences in one month, beside the tenant), downloaded before and after the reports.
    const statementGeneration = await timed(log, `Generating the statement's account (${formatCount(options.statementRows)} conferences in one month)`, () =>
      generateStatementTenant(db, { conferences: options.statementRows, now, log }),
    );
    const statementTenant = statementGeneration.value;
    await db.$client.query("vacuum (analyze) conferences, legs, rooms, users");
    const statementCookie = await login(server.url, { username: statementTenant.owner.email, password: statementTenant.owner.password, number: statementTenant.accountNumber });
    const statementUrl = `${server.url}/download/statement?period=${toUrlPeriod(statementTenant.period)}`;
    const statement = async (when: string) => {
      const file = path.join(dir, "statement.xlsx");
      const got = await download(statementUrl, statementCookie, file, limitMs);
      if (!got.complete) throw new Error(`the statement did not finish in ${options.reportExcelLimit} s`);
      const scan = await scanSheet(file, "xl/worksheets/sheet1.xml");
      rmSync(file, { force: true });
      if (scan.rowElements < options.statementRows) throw new Error(`the statement holds ${scan.rowElements} rows for ${options.statementRows} conferences`);
      const header = rowsOf(scan.head).find((r) => cellsOf(r.xml).some((c) => c.text === "DATE"));
      const rowsPerS = (options.statementRows * 1000) / got.ms;
      log(`the statement ${when}: ${formatCount(options.statementRows)} lines in ${seconds(got.ms)}, ${formatCount(Math.round(rowsPerS))} rows/s`);
      return { ms: got.ms, rowsPerS, cells: header ? cellsOf(header.xml).length : Number.NaN };
    };
    // Warm-up (the route and the writer loaded): the tenant's current month, a small statement.
    await download(`${server.url}/download/statement?period=${toUrlPeriod(tenant.periods.at(-1)!)}`, cookie, path.join(dir, "warm-up.xlsx"), limitMs);
    const before = await statement("before the reports");
    const cases: Case[] = [];
    for (const type of reportTypes) {
      const query = parsed(type);
      const def = reportDefinition(type);
      const page = dialect.sqlToQuery(def.summary ? summaryPageQuery(def, tenant.accountId, query, PAGE_SIZE, 0) : sql`${def.rows(tenant.accountId, query)} limit ${PAGE_SIZE} offset 0`);
      const totals = dialect.sqlToQuery(totalsQuery(def, tenant.accountId, query));
      // What the page sends: a summary's lines with its totals in one statement, else its 50 lines ∥ the total.
      const pageQueries = def.summary ? [{ text: page.sql, values: page.params }] : [{ text: page.sql, values: page.params }, { text: totals.sql, values: totals.params }];
      const whole = dialect.sqlToQuery(def.rows(tenant.accountId, query));
      const lines = Number((await pool.query<{ lines: number }>(totals.sql, totals.params)).rows[0]!.lines);
      const c: Case = { type, lines };
      const search = reportSearchParams(query);

      // The page: checked once (its total is there), then timed.
      const first = await getPage(`${server.url}/reports?${search}`, cookie);
      if (first.status !== 200 || !first.body.includes('data-testid="report"')) throw new Error(`${type}: the page answered ${first.status}\n${server.output().slice(-2000)}`);
      if (lines > 0 && !first.body.includes('data-testid="total"')) throw new Error(`${type}: no total row on the page`);
      const verifyBody = (body: string) => body.includes('data-testid="report"');
      c.html = (await runHttp({ url: `${server.url}/reports?${search}`, cookie, connections: 1, amount: options.reportRequests, verifyBody })).latency;
      c.sql = await runSqlSet(pool, pageQueries, { runs: options.reportRequests, concurrency: 1 });
      log(`${type}: ${formatCount(lines)} lines; HTML p50 ${formatMs(c.html.p50)} ms, p95 ${formatMs(c.html.p95)} ms; its SQL p50 ${formatMs(c.sql.p50)} ms, p95 ${formatMs(c.sql.p95)} ms`);

      const file = path.join(dir, `${type}.xlsx`);
      const got = await download(`${server.url}/reports/download?${search}&format=xlsx`, cookie, file, limitMs);
      let rows: number | undefined;
      if (got.complete) {
        const scan = await scanSheet(file, "xl/worksheets/sheet1.xml");
        // Title lines, a blank line, the header and the total row besides the report's lines.
        rows = scan.rowElements;
        if (!scan.lastRow.includes("SUM(") && lines > 0 && def.columns.some((col) => col.sum)) throw new Error(`${type}: the file has no total row`);
      }
      c.excel = { ...got, rows };
      c.cursor = await readCursor(pool, whole.sql, whole.params, limitMs);
      rmSync(file, { force: true });
      log(`${type}: Excel ${got.complete ? "" : "stopped after "}${seconds(got.ms)}, ${formatCount(got.bytes)} bytes${rows ? `, ${formatCount(rows)} rows` : ""}; cursor ${c.cursor.complete ? "" : "stopped after "}${seconds(c.cursor.ms)}, ${formatCount(c.cursor.rows)} rows`);
      cases.push(c);
    }

    const after = await statement("after the reports");
    const statementRate = (2 * options.statementRows * 1000) / (before.ms + after.ms);
    // The line reports; a summary's file (a line per person, room or month) is a fixed cost, not a rate.
    const long = (c: Case) => !reportDefinition(c.type).summary && c.lines > 0 && c.excel!.complete;
    const cellsALine = (c: Case) => reportDefinition(c.type).columns.length;

    const notes: string[] = [];
    if (builds.stop()) notes.push(BUILD_NOTE);
    const rate = (rows: number, ms: number) => formatCount(Math.round((rows * 1000) / ms));
    const table = markdownTable(
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
          long(c) ? formatRatio((c.lines * cellsALine(c) * 1000) / c.excel!.ms, statementRate * before.cells) : "–",
        ]),
      ],
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    );
    const atRate = cases.filter((c) => long(c) && (c.lines * 1000) / c.excel!.ms >= statementRate).map((c) => c.type);
    const met = cases.filter((c) => c.html!.p95 <= TARGET_HTML_P95_MS).map((c) => c.type);
    return [
      `## Reports over 12 months — ${isoDate(now)}`,
      "",
      `- Machine: ${machineLine(pgVersion)}.`,
      `- Command: \`${command}\` (scale ${options.scale}; ${options.reportRequests} sequential page loads per report; Excel and cursor reads stopped at ${options.reportExcelLimit} s).`,
      `- Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs over 12 months, generated in ${seconds(generation.ms)}. Range: past 12 months (GMT), no filter.`,
      "- HTML: the report page at concurrency 1 (first page of 50 lines, the whole report's count and total). Its SQL: the statements the page sends, raw, at concurrency 1 — for the summaries (activity, user status, billing history, phone numbers, conference rooms) one statement with the totals as window sums; for the others the 50 lines ∥ the total.",
      "- Excel: the download streamed to a file (rows counted in the file); raw SQL (cursor): the report's statement read to the end through pg-query-stream and dropped, after the download (the ceiling for any streamed file).",
      `- Yardstick, same run: the monthly statement of the statement benchmark (its account of ${formatCount(options.statementRows)} conferences in one month, beside the tenant, generated in ${seconds(statementGeneration.ms)}; ${before.cells} cells a line), downloaded before the reports (${formatCount(Math.round(before.rowsPerS))} rows/s) and after them (${formatCount(Math.round(after.rowsPerS))} rows/s): **${formatCount(Math.round(statementRate))} rows/s** over both.`,
      "",
      table,
      "",
      `Target HTML p95 ≤ ${TARGET_HTML_P95_MS} ms: met by ${met.length} of ${cases.length} (${met.join(", ") || "none"}).`,
      `Target Excel at the statement's rows/s: met by ${atRate.length} of the ${cases.filter(long).length} line reports (${atRate.join(", ") || "none"}).`,
      ...notes.map((n) => `\n${n}`),
    ].join("\n");
  });
}
