/**
 * The monthly statement at its largest (`npm run bench -- --only statement [--statement-rows N]`):
 * an account with 1,000,000 conferences in one month, downloaded over HTTP as the owner
 * (GET /download/statement?period=YYYY-MM: lib/export/oai.ts `statementExport`, exceljs's streaming
 * writer fed by a pg-query-stream cursor). Measures rows per second and the server's peak RSS
 * growth (/proc/<pid>/status every 100 ms, and VmHWM), checks the file (row count, total row =
 * SQL's sum), and, in the same run, child processes that read the same rows with the same SQL and
 * (a) build the sheet in memory with SheetJS, (b) write plain CSV with csv-stringify, (c) only read
 * them. Targets: ≥ 50,000 rows/s, peak growth ≤ 200 MB, faster than SheetJS and at most a third
 * of its memory.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { oneRow } from "../../db/rows";
import { formatMoney } from "../../lib/format";
import { addMonths, toUrlPeriod } from "../../lib/periods";
import { isoDate, machineLine, seconds, startDatabase, timed, BUILD_NOTE, withResources, type BenchContext, type Resources } from "./context";
import { mib, sampleMemory, type MemoryReport } from "./memory";
import { profileServer, profileTables, type ProfileSummary } from "./profile";
import { loginAsOwner, serve, watchBuild } from "./setup";
import type { BaselineResult } from "./statement-sql";
import { formatCount, formatRatio, markdownTable } from "./stats";
import { generateStatementTenant } from "./tenant";
import { cellsOf, rowsOf, scanSheet } from "./xlsx-scan";

const TARGET_ROWS_PER_S = 50_000;
const TARGET_GROWTH_BYTES = 200 * 1024 * 1024;
const DOWNLOAD_LIMIT_MS = 30 * 60_000;
const CHILD_LIMIT_MS = 30 * 60_000;
/** SheetJS holds every cell in memory: room for it to finish rather than die at Node's default heap limit. */
const SHEETJS_HEAP_MB = 16_384;
const TIME_ZONE = "Europe/Paris"; // the tenant's (scripts/bench/tenant.ts)

type Download = { status: number; ms: number; firstByteMs: number; bytes: number; memory: MemoryReport };

/** GETs a URL into a file, sampling the server's memory meanwhile. */
async function download(url: string, cookie: string, file: string, serverPid: number): Promise<Download> {
  const sampler = sampleMemory(serverPid);
  const started = performance.now();
  let memory: MemoryReport | undefined;
  try {
    const response = await fetch(url, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(DOWNLOAD_LIMIT_MS) });
    const firstByteMs = performance.now() - started;
    if (!response.body) throw new Error(`${url}: no body (${response.status})`);
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(file));
    const ms = performance.now() - started;
    memory = sampler.stop();
    return { status: response.status, ms, firstByteMs, bytes: statSync(file).size, memory };
  } finally {
    if (!memory) sampler.stop();
  }
}

type ChildRun = { result: BaselineResult; sampled: MemoryReport; growth: number };

/** A baseline stopped at its time limit: how far it got is its result. */
class ChildStopped extends Error {
  constructor(
    readonly limitMs: number,
    /** Its peak RSS (sampled every 100 ms) minus the RSS it reported before the work, when it did. */
    readonly growth: number | undefined,
    /** Its last progress line (`12.3 s: read 500000 rows`). */
    readonly lastPhase: string | undefined,
  ) {
    super(`stopped after ${limitMs / 60_000} min${lastPhase ? ` (last progress: ${lastPhase})` : ""}`);
  }
}

/** Runs a baseline script in its own Node process and reads the JSON it prints last. */
async function runChild(resources: Resources, root: string, script: string, args: string[], nodeArgs: string[] = [], limitMs = CHILD_LIMIT_MS): Promise<ChildRun> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(root, "scripts", "bench", script), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${script} did not spawn`);
  const kill = resources.add(script, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const sampler = sampleMemory(pid);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString("utf8")).slice(-64 * 1024)));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-16 * 1024)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // The limit's timer is cancelled once the child exits, so it does not keep this process alive.
  const limit = new AbortController();
  const code = await Promise.race([exited, sleep(limitMs, "timeout" as const, { signal: limit.signal }).catch(() => "aborted" as const)]);
  limit.abort();
  const sampled = sampler.stop();
  await kill();
  if (code === "timeout" || code === "aborted") {
    const before = Number(/^rss before (\d+)$/m.exec(stderr)?.[1] ?? Number.NaN);
    const lastPhase = stderr.split("\n").filter((l) => /^\d+\.\d s: /.test(l)).at(-1);
    throw new ChildStopped(limitMs, Number.isNaN(before) ? undefined : sampled.peak - before, lastPhase);
  }
  const last = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`${script} exited with ${code}:\n${stderr}\n${stdout.slice(-2000)}`);
  const result = JSON.parse(last) as BaselineResult;
  return { result, sampled, growth: result.maxRss - result.rssBefore };
}

type Expected = { rows: number; legs: number; chargeMinor: number };

/** The account of `--statement-rows` conferences in one month, and what its statement must hold (from SQL). */
async function prepareAccount(db: Database, ctx: BenchContext) {
  const { options, now, log } = ctx;
  const generation = await timed(log, `Generating an account with ${formatCount(options.statementRows)} conferences in one month`, () =>
    generateStatementTenant(db, { conferences: options.statementRows, now, log }),
  );
  const tenant = generation.value;
  await db.$client.query("vacuum (analyze) conferences, legs, usage_rollups, rooms, users");
  const expected: Expected = await oneRow(
    db,
    z.object({ rows: z.coerce.number(), legs: z.coerce.number(), chargeMinor: z.coerce.number() }),
    sql`select count(distinct c.id) as rows, count(l.id) as legs, coalesce(sum(l.charge_minor), 0) as "chargeMinor"
        from conferences c left join legs l on l.account_id = c.account_id and l.period = c.period and l.conference_id = c.id
        where c.account_id = ${tenant.accountId} and c.period = ${tenant.period}`,
  );
  if (expected.rows !== options.statementRows) throw new Error(`the account has ${expected.rows} conferences in ${tenant.period}, expected ${options.statementRows}`);
  log(`Account ${tenant.accountNumber}: ${formatCount(expected.rows)} conferences, ${formatCount(expected.legs)} legs in ${toUrlPeriod(tenant.period)}, total ${formatMoney(expected.chargeMinor, "EUR", "fr-FR")}`);
  return { tenant, generationMs: generation.ms, expected };
}

type StatementTenant = Awaited<ReturnType<typeof prepareAccount>>["tenant"];
const statementUrl = (baseUrl: string, period: string) => `${baseUrl}/download/statement?period=${toUrlPeriod(period)}`;

/** (1) The portal's download, after a warm-up download of the (empty) current month; the file stays in `file`. */
async function downloadStatement(ctx: BenchContext, resources: Resources, spec: { databaseUrl: string; tenant: StatementTenant; dir: string; file: string; rows: number }): Promise<Download> {
  const { root, log } = ctx;
  const { tenant, rows } = spec;
  const { server, stop } = await serve(resources, log, { root, databaseUrl: spec.databaseUrl });
  const cookie = await loginAsOwner(server.url, tenant);
  // Warm-up on the (empty) current month: route, exceljs and the workbook code are loaded before the baseline RSS is read.
  const warm = await download(statementUrl(server.url, addMonths(tenant.period, 1)), cookie, path.join(spec.dir, "warm-up.xlsx"), server.pid);
  if (warm.status !== 200) throw new Error(`the warm-up download answered ${warm.status}\n${server.output()}`);
  const served = await download(statementUrl(server.url, tenant.period), cookie, spec.file, server.pid);
  if (served.status !== 200) throw new Error(`the statement download answered ${served.status}\n${server.output()}`);
  await stop();
  log(
    `Download: ${formatCount(served.bytes)} bytes in ${seconds(served.ms)} (first byte ${seconds(served.firstByteMs)}), ${formatCount(Math.round(rows / (served.ms / 1000)))} rows/s; ` +
      `server RSS ${mib(served.memory.before)} → peak ${mib(served.memory.peak)} (+${mib(served.memory.growth)}), VmHWM ${mib(served.memory.hwmBefore)} → ${mib(served.memory.hwmAfter)}`,
  );
  return served;
}

type FileCheck = { rowElements: number; dataRows: number; otherRows: number };

/** The file: every conference a row, between the header and the total row, whose charge is SQL's sum. */
async function checkFile(log: (line: string) => void, file: string, expected: Expected): Promise<FileCheck> {
  const { rows, chargeMinor } = expected;
  const check = await timed(log, "Checking the file", () => scanSheet(file, "xl/worksheets/sheet1.xml"));
  const scan = check.value;
  const header = rowsOf(scan.head).find((r) => cellsOf(r.xml).some((c) => c.text === "DATE"));
  const totalCells = cellsOf(scan.lastRow);
  const totalRow = totalCells[0]?.row ?? Number.NaN;
  const fileCharge = totalCells.find((c) => c.column === "I")?.value;
  const dataRows = header ? totalRow - header.row - 1 : Number.NaN;
  const fileChargeMinor = fileCharge === undefined ? Number.NaN : Math.round(fileCharge * 100);
  if (!header || dataRows !== rows || totalCells[0]?.text !== "Total" || fileChargeMinor !== chargeMinor || scan.rowElements < rows + 2) {
    throw new Error(
      `the downloaded statement does not match: header row ${header?.row}, total row ${totalRow} (${totalCells[0]?.text}), ${dataRows} data rows for ${rows}, ` +
        `${scan.rowElements} <row> elements, total charge ${fileChargeMinor} for ${chargeMinor}`,
    );
  }
  const otherRows = scan.rowElements - dataRows;
  log(`File checked in ${seconds(check.ms)}: ${formatCount(scan.rowElements)} rows = ${formatCount(dataRows)} conference rows + ${otherRows} (title, header, total); total charge ${formatMoney(fileChargeMinor, "EUR", "fr-FR")} = SQL's sum`);
  return { rowElements: scan.rowElements, dataRows, otherRows };
}

/** How the SheetJS baseline ended: its run, or stopped at its time limit, or failed. */
type SheetjsOutcome = { run?: ChildRun; error?: string; stopped?: ChildStopped };

/** Runs a baseline script whose output file is removed once it has been measured. */
async function runChildToFile(resources: Resources, root: string, script: string, args: string[], out: string, nodeArgs: string[] = [], limitMs = CHILD_LIMIT_MS): Promise<ChildRun> {
  try {
    return await runChild(resources, root, script, [...args, "--out", out], nodeArgs, limitMs);
  } finally {
    rmSync(out, { force: true });
  }
}

async function sheetjsBaseline(ctx: BenchContext, resources: Resources, common: string[], dir: string): Promise<SheetjsOutcome> {
  const { options, root, log } = ctx;
  try {
    const run = await timed(log, `Baseline: SheetJS (stopped after ${options.sheetjsLimitMinutes} min)`, () =>
      runChildToFile(resources, root, "sheetjs-baseline.ts", [...common, "--zlib"], path.join(dir, "sheetjs.xlsx"), [`--max-old-space-size=${SHEETJS_HEAP_MB}`], options.sheetjsLimitMinutes * 60_000),
    );
    return { run: run.value };
  } catch (error) {
    // Stopped at its time limit, or failed (out of memory, string too long): that is its result.
    let outcome: SheetjsOutcome;
    if (error instanceof ChildStopped) {
      outcome = { stopped: error, error: `did not finish within ${options.sheetjsLimitMinutes} min; stopped${error.lastPhase ? ` at "${error.lastPhase}"` : ""}` };
    } else {
      const text = (error instanceof Error ? error.message : String(error)).split("\n").filter(Boolean);
      const cause = text.find((l) => /error|fatal|allocation failed|heap/i.test(l)) ?? text.at(-1) ?? "";
      const lastPhase = text.filter((l) => /^\d+\.\d s: /.test(l)).at(-1);
      outcome = { error: `${cause.trim()}${lastPhase ? ` (last phase reached: ${lastPhase})` : ""}` };
    }
    log(`SheetJS: ${outcome.error}`);
    return outcome;
  }
}

type Baselines = { list: { name: string; run: ChildRun }[]; readOnly: ChildRun; csv: ChildRun; excel: ChildRun; sheetjs: SheetjsOutcome };

/** (2) The baselines, each in its own process, after the server has gone; each checked against SQL's figures. */
async function runBaselines(ctx: BenchContext, resources: Resources, spec: { databaseUrl: string; tenant: StatementTenant; dir: string; expected: Expected }): Promise<Baselines> {
  const { root, log } = ctx;
  const { dir, expected } = spec;
  const common = ["--url", spec.databaseUrl, "--account", String(spec.tenant.accountId), "--period", spec.tenant.period, "--time-zone", TIME_ZONE];
  const readOnly = (await timed(log, "Baseline: SQL + cursor only", () => runChild(resources, root, "csv-baseline.ts", [...common, "--sink", "none"]))).value;
  const csv = (await timed(log, "Baseline: CSV", () => runChildToFile(resources, root, "csv-baseline.ts", [...common, "--sink", "csv"], path.join(dir, "statement.csv")))).value;
  const excel = (await timed(log, "Decomposition: the portal's workbook writer alone", () => runChildToFile(resources, root, "exceljs-baseline.ts", common, path.join(dir, "exceljs.xlsx")))).value;
  const sheetjs = await sheetjsBaseline(ctx, resources, common, dir);
  const list = [
    { name: "SQL + pg-query-stream only (rows read and dropped)", run: readOnly },
    { name: "plain CSV (csv-stringify to a file)", run: csv },
    { name: "the portal's writer alone (lib/export/workbook.ts to a file; no HTTP, no Next)", run: excel },
    ...(sheetjs.run ? [{ name: "SheetJS 0.18.5 in memory (aoa_to_sheet + XLSX.write, deflated with Node's zlib)", run: sheetjs.run }] : []),
  ];
  for (const b of list) {
    const r = b.run.result;
    if (r.rows !== expected.rows || r.chargeMinor !== expected.chargeMinor) throw new Error(`${b.name}: ${r.rows} rows, total ${r.chargeMinor} — expected ${expected.rows}, ${expected.chargeMinor}`);
    log(`${b.name}: ${seconds(r.ms)}, ${formatCount(Math.round(expected.rows / (r.ms / 1000)))} rows/s, peak RSS growth ${mib(b.run.growth)} (sampled peak ${mib(b.run.sampled.peak)}), ${formatCount(r.bytes)} bytes ${JSON.stringify(r.phases)}`);
  }
  return { list, readOnly, csv, excel, sheetjs };
}

/** `--profile`: the same download from a second, CPU-profiled server. */
async function profileDownload(ctx: BenchContext, resources: Resources, spec: { databaseUrl: string; tenant: StatementTenant; dir: string }): Promise<ProfileSummary> {
  const file = path.join(spec.dir, "profiled.xlsx");
  const profiled = await profileServer({
    root: ctx.root,
    databaseUrl: spec.databaseUrl,
    resources,
    work: async (server) => {
      const cookie = await loginAsOwner(server.url, spec.tenant);
      const run = await download(statementUrl(server.url, spec.tenant.period), cookie, file, server.pid);
      ctx.log(`Profiled download: ${seconds(run.ms)}`);
      rmSync(file, { force: true });
    },
  });
  return profiled.summary;
}

type Measured = {
  pgVersion: string;
  tenant: StatementTenant;
  generationMs: number;
  expected: Expected;
  served: Download;
  file: FileCheck;
  baselines: Baselines;
  profile: ProfileSummary | undefined;
  buildDuringDownload: boolean;
  otherBuild: boolean;
  buildChanged: boolean;
};

export function runStatement(ctx: BenchContext): Promise<string> {
  const { options, root } = ctx;
  return withResources(async (resources) => {
    const builds = watchBuild(resources, root);
    const { url: databaseUrl, db, version: pgVersion } = await startDatabase(resources, options.server);
    const dir = mkdtempSync(path.join(tmpdir(), "portal-statement-"));
    resources.add("the download directory", async () => rmSync(dir, { recursive: true, force: true }));

    const { tenant, generationMs, expected } = await prepareAccount(db, ctx);
    const file = path.join(dir, "statement.xlsx");
    const served = await downloadStatement(ctx, resources, { databaseUrl, tenant, dir, file, rows: expected.rows });
    // Whether the portal's own download (not only the baselines after it) shared the CPU with a build.
    const buildDuringDownload = builds.seen();
    const checked = await checkFile(ctx.log, file, expected);
    rmSync(file, { force: true });
    const baselines = await runBaselines(ctx, resources, { databaseUrl, tenant, dir, expected });
    const profile = options.profile ? await profileDownload(ctx, resources, { databaseUrl, tenant, dir }) : undefined;
    const buildChanged = builds.changed();
    const otherBuild = builds.stop();
    return statementSection(ctx, { pgVersion, tenant, generationMs, expected, served, file: checked, baselines, profile, buildDuringDownload, otherBuild, buildChanged });
  });
}

/** The table of writers: the portal, then each baseline (SheetJS stopped or failed on a row of its own). */
function writersTable(m: Measured): string {
  const { rows } = m.expected;
  const { served } = m;
  const { stopped, error } = m.baselines.sheetjs;
  const rate = (ms: number) => rows / (ms / 1000);
  return markdownTable(
    [
      ["Writer", "time", "rows/s", "peak RSS growth", "output bytes"],
      [
        "**portal** `GET /download/statement` (exceljs streaming, over HTTP)",
        seconds(served.ms),
        formatCount(Math.round(rate(served.ms))),
        `${mib(served.memory.growth)} (RSS ${mib(served.memory.before)} → ${mib(served.memory.peak)}; VmHWM ${mib(served.memory.hwmBefore)} → ${mib(served.memory.hwmAfter)})`,
        formatCount(served.bytes),
      ],
      ...m.baselines.list.map((b) => [b.name, seconds(b.run.result.ms), formatCount(Math.round(rate(b.run.result.ms))), `${mib(b.run.growth)} (RSS ${mib(b.run.result.rssBefore)} → ${mib(b.run.result.maxRss)})`, formatCount(b.run.result.bytes)]),
      ...(stopped
        ? [
            [
              `SheetJS 0.18.5 in memory — ${error}`,
              `> ${seconds(stopped.limitMs)}`,
              `< ${formatCount(Math.round(rows / (stopped.limitMs / 1000)))}`,
              stopped.growth === undefined ? "–" : `≥ ${mib(stopped.growth)} when stopped`,
              "–",
            ],
          ]
        : error
          ? [["SheetJS 0.18.5 in memory", "failed", "–", "–", error.replace(/\|/g, "/")]]
          : []),
    ],
    ["l", "r", "r", "l", "r"],
  );
}

/** The portal against each baseline, as ratios. */
function ratiosTable(m: Measured): string {
  const { rows } = m.expected;
  const { served } = m;
  const { csv, readOnly, excel, sheetjs } = m.baselines;
  const rate = (ms: number) => rows / (ms / 1000);
  const servedRate = rate(served.ms);
  return markdownTable(
    [
      ["Ratio", "value"],
      ["portal ÷ SheetJS, rows/s", sheetjs.run ? formatRatio(servedRate, rate(sheetjs.run.result.ms)) : sheetjs.stopped ? `> ${formatRatio(servedRate, rows / (sheetjs.stopped.limitMs / 1000))}` : "–"],
      [
        "portal ÷ SheetJS, peak memory growth",
        sheetjs.run ? formatRatio(served.memory.growth, sheetjs.run.growth) : sheetjs.stopped?.growth ? `< ${formatRatio(served.memory.growth, sheetjs.stopped.growth)}` : "–",
      ],
      ["portal ÷ CSV, rows/s", formatRatio(servedRate, rate(csv.result.ms))],
      ["portal ÷ SQL + cursor only, rows/s", formatRatio(servedRate, rate(readOnly.result.ms))],
      ["portal ÷ its writer alone, rows/s", formatRatio(servedRate, rate(excel.result.ms))],
    ],
    ["l", "r"],
  );
}

/** The targets: rows/s, memory growth, and against SheetJS (however it ended). */
function targetsLine(m: Measured, sheetjsLimitMinutes: number): string {
  const { served } = m;
  const { run: sheetjs, stopped } = m.baselines.sheetjs;
  const rate = (ms: number) => m.expected.rows / (ms / 1000);
  const servedRate = rate(served.ms);
  const rateMet = servedRate >= TARGET_ROWS_PER_S;
  const memoryMet = served.memory.growth <= TARGET_GROWTH_BYTES;
  return (
    `Targets: ≥ ${formatCount(TARGET_ROWS_PER_S)} rows/s — **${rateMet ? "met" : "missed"}** (${formatCount(Math.round(servedRate))}); ` +
    `peak memory growth ≤ 200 MB — **${memoryMet ? "met" : "missed"}** (${mib(served.memory.growth)}); ` +
    (sheetjs
      ? `faster than SheetJS — **${servedRate > rate(sheetjs.result.ms) ? "met" : "missed"}**; at most a third of its memory — **${served.memory.growth * 3 <= sheetjs.growth ? "met" : "missed"}**.`
      : stopped
        ? `faster than SheetJS — **${served.ms < stopped.limitMs ? "met" : "missed"}** (SheetJS did not finish in ${sheetjsLimitMinutes} min); ` +
          `at most a third of its memory — ${stopped.growth === undefined ? "not measured" : `**${served.memory.growth * 3 <= stopped.growth ? "met" : "missed"}** (against the ${mib(stopped.growth)} it had grown by when stopped, a lower bound of its peak)`}.`
        : "SheetJS comparison: SheetJS did not finish (see the table).")
  );
}

/** The Markdown section for docs/BENCHMARKS.md. */
function statementSection(ctx: BenchContext, m: Measured): string {
  const { tenant, served, file } = m;
  const { rows, chargeMinor } = m.expected;
  const sheetjs = m.baselines.sheetjs.run;
  const lines = [
    `## Monthly statement download, ${formatCount(rows)} conference lines — ${isoDate(ctx.now)}`,
    "",
    `- Machine: ${machineLine(m.pgVersion)}.`,
    `- Command: \`${ctx.command}\`.`,
    `- Account ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(rows)} conferences of one leg each in ${toUrlPeriod(tenant.period)}, rated with the default tariff (total ${formatMoney(chargeMinor, "EUR", "fr-FR")}), generated with COPY in ${seconds(m.generationMs)}.`,
    `- The portal's file was checked: ${formatCount(file.rowElements)} rows in the sheet = ${formatCount(file.dataRows)} conference rows + ${file.otherRows} title, header and total rows; the total row's charge equals SQL's sum. ` +
      `Time to the first byte ${seconds(served.firstByteMs)}. Server memory sampled every 100 ms from /proc/<pid>/status of \`next start\` (${served.memory.samples} samples), after a warm-up download of an empty month.`,
    `- Baselines (and the writer-alone decomposition) run after the download, each in its own Node process reading the same rows with the same SQL through pg-query-stream (batch ${2000}); their peak is the process's getrusage max RSS minus its RSS just before the work. SheetJS ran with --max-old-space-size=${SHEETJS_HEAP_MB} and Node's zlib for its deflate (\`XLSX.CFB.utils.use_zlib\`; its own JavaScript deflate is far slower on large sheets).`,
    "",
    writersTable(m),
    "",
    ratiosTable(m),
    "",
    targetsLine(m, ctx.options.sheetjsLimitMinutes),
  ];
  const sheetPhases = sheetjs ? Object.entries(sheetjs.result.phases).map(([k, ms]) => `${k} ${seconds(ms)}`).join(", ") : "";
  if (sheetPhases) lines.push("", `SheetJS phases: ${sheetPhases}.`);
  if (m.otherBuild) lines.push("", `- ${BUILD_NOTE} ${m.buildDuringDownload ? "It was running during the portal's download." : "It started after the portal's download, during the baselines."}`);
  if (m.buildChanged) lines.push("", "- **The production build changed during the run** (another `next build` in this tree): the portal's figures may be disturbed; run again.");
  if (m.profile) {
    const profile = m.profile;
    lines.push(
      "",
      `CPU profile of the server (\`--profile\`) during a second download: ${seconds(profile.busyMs)} busy of ${seconds(profile.totalMs)} sampled, ≈ ${(profile.busyMs / (rows / 1000)).toFixed(2)} ms of CPU per 1,000 rows.`,
      "",
      ...profileTables(profile, rows / 1000, "per 1,000 rows"),
    );
  }
  return lines.join("\n");
}
