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
import { generateStatementTenant } from "./tenant";
import { formatMoney } from "../../lib/format";
import { addMonths, toUrlPeriod } from "../../lib/periods";
import { freePort } from "../lib/postgres";
import { isoDate, machineLine, seconds, startDatabase, timed, watchForBuilds, BUILD_NOTE, withResources, type BenchContext, type Resources } from "./context";
import { login } from "./http";
import { mib, sampleMemory, type MemoryReport } from "./memory";
import { profileServer, profileTables, type ProfileSummary } from "./profile";
import { buildId, startServer } from "./server";
import type { BaselineResult } from "./statement-sql";
import { formatCount, formatRatio, markdownTable } from "./stats";
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

export function runStatement(ctx: BenchContext): Promise<string> {
  const { options, root, now, command, log } = ctx;
  return withResources(async (resources) => {
    const build = buildId(root);
    const builds = watchForBuilds();
    resources.add("the build watch", async () => void builds.stop());
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);
    const dir = mkdtempSync(path.join(tmpdir(), "portal-statement-"));
    resources.add("the download directory", async () => rmSync(dir, { recursive: true, force: true }));

    const generation = await timed(log, `Generating an account with ${formatCount(options.statementRows)} conferences in one month`, () =>
      generateStatementTenant(db, { conferences: options.statementRows, now, log }),
    );
    const tenant = generation.value;
    await db.$client.query("vacuum (analyze) conferences, legs, usage_rollups, rooms, users");
    const expected = (
      await db.$client.query<{ conferences: string; legs: string; charge: string }>(
        `select count(distinct c.id) as conferences, count(l.id) as legs, coalesce(sum(l.charge_minor), 0) as charge
         from conferences c left join legs l on l.account_id = c.account_id and l.conference_id = c.id
         where c.account_id = $1 and c.period = $2`,
        [tenant.accountId, tenant.period],
      )
    ).rows[0]!;
    const rows = Number(expected.conferences);
    const chargeMinor = Number(expected.charge);
    if (rows !== options.statementRows) throw new Error(`the account has ${rows} conferences in ${tenant.period}, expected ${options.statementRows}`);
    log(`Account ${tenant.accountNumber}: ${formatCount(rows)} conferences, ${formatCount(Number(expected.legs))} legs in ${toUrlPeriod(tenant.period)}, total ${formatMoney(chargeMinor, "EUR", "fr-FR")}`);

    // (1) The portal's download.
    const running = (await timed(log, "Starting next start", () => freePort().then((port) => startServer({ root, port, databaseUrl: url })))).value;
    const stopRunning = resources.add("next start", () => running.stop());
    const credentials = { username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber };
    const cookie = await login(running.url, credentials);
    const statementUrl = (period: string) => `${running.url}/download/statement?period=${toUrlPeriod(period)}`;
    // Warm-up on the (empty) current month: route, exceljs and the workbook code are loaded before the baseline RSS is read.
    const warm = await download(statementUrl(addMonths(tenant.period, 1)), cookie, path.join(dir, "warm-up.xlsx"), running.pid);
    if (warm.status !== 200) throw new Error(`the warm-up download answered ${warm.status}\n${running.output()}`);
    const file = path.join(dir, "statement.xlsx");
    const served = await download(statementUrl(tenant.period), cookie, file, running.pid);
    if (served.status !== 200) throw new Error(`the statement download answered ${served.status}\n${running.output()}`);
    await stopRunning();
    // Whether the portal's own download (not only the baselines after it) shared the CPU with a build.
    const buildDuringDownload = builds.seen();
    const servedRate = rows / (served.ms / 1000);
    log(
      `Download: ${formatCount(served.bytes)} bytes in ${seconds(served.ms)} (first byte ${seconds(served.firstByteMs)}), ${formatCount(Math.round(servedRate))} rows/s; ` +
        `server RSS ${mib(served.memory.before)} → peak ${mib(served.memory.peak)} (+${mib(served.memory.growth)}), VmHWM ${mib(served.memory.hwmBefore)} → ${mib(served.memory.hwmAfter)}`,
    );

    // The file: every conference a row, between the header and the total row, whose charge is SQL's sum.
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
    rmSync(file, { force: true });

    // (2) The baselines, each in its own process, after the server has gone.
    const common = ["--url", url, "--account", String(tenant.accountId), "--period", tenant.period, "--time-zone", TIME_ZONE];
    const baselines: { name: string; run: ChildRun }[] = [];
    const readOnly = await timed(log, "Baseline: SQL + cursor only", () => runChild(resources, root, "csv-baseline.ts", [...common, "--sink", "none"]));
    baselines.push({ name: "SQL + pg-query-stream only (rows read and dropped)", run: readOnly.value });
    const csvFile = path.join(dir, "statement.csv");
    const csv = await timed(log, "Baseline: CSV", () => runChild(resources, root, "csv-baseline.ts", [...common, "--sink", "csv", "--out", csvFile]));
    rmSync(csvFile, { force: true });
    baselines.push({ name: "plain CSV (csv-stringify to a file)", run: csv.value });
    const excelFile = path.join(dir, "exceljs.xlsx");
    const excel = await timed(log, "Decomposition: the portal's workbook writer alone", () => runChild(resources, root, "exceljs-baseline.ts", [...common, "--out", excelFile]));
    rmSync(excelFile, { force: true });
    baselines.push({ name: "the portal's writer alone (lib/export/workbook.ts to a file; no HTTP, no Next)", run: excel.value });
    const sheetFile = path.join(dir, "sheetjs.xlsx");
    let sheetjs: ChildRun | undefined;
    let sheetjsError: string | undefined;
    let sheetjsStopped: ChildStopped | undefined;
    const sheetjsLimitMs = options.sheetjsLimitMinutes * 60_000;
    try {
      sheetjs = (
        await timed(log, `Baseline: SheetJS (stopped after ${options.sheetjsLimitMinutes} min)`, () =>
          runChild(resources, root, "sheetjs-baseline.ts", [...common, "--out", sheetFile, "--zlib"], [`--max-old-space-size=${SHEETJS_HEAP_MB}`], sheetjsLimitMs),
        )
      ).value;
      baselines.push({ name: "SheetJS 0.18.5 in memory (aoa_to_sheet + XLSX.write, deflated with Node's zlib)", run: sheetjs });
    } catch (error) {
      // Stopped at its time limit, or failed (out of memory, string too long): that is its result.
      if (error instanceof ChildStopped) {
        sheetjsStopped = error;
        sheetjsError = `did not finish within ${options.sheetjsLimitMinutes} min; stopped${error.lastPhase ? ` at "${error.lastPhase}"` : ""}`;
      } else {
        const text = (error instanceof Error ? error.message : String(error)).split("\n").filter(Boolean);
        const cause = text.find((l) => /error|fatal|allocation failed|heap/i.test(l)) ?? text.at(-1) ?? "";
        const lastPhase = text.filter((l) => /^\d+\.\d s: /.test(l)).at(-1);
        sheetjsError = `${cause.trim()}${lastPhase ? ` (last phase reached: ${lastPhase})` : ""}`;
      }
      log(`SheetJS: ${sheetjsError}`);
    } finally {
      rmSync(sheetFile, { force: true });
    }
    for (const b of baselines) {
      const r = b.run.result;
      if (r.rows !== rows || r.chargeMinor !== chargeMinor) throw new Error(`${b.name}: ${r.rows} rows, total ${r.chargeMinor} — expected ${rows}, ${chargeMinor}`);
      log(`${b.name}: ${seconds(r.ms)}, ${formatCount(Math.round(rows / (r.ms / 1000)))} rows/s, peak RSS growth ${mib(b.run.growth)} (sampled peak ${mib(b.run.sampled.peak)}), ${formatCount(r.bytes)} bytes ${JSON.stringify(r.phases)}`);
    }

    let profile: ProfileSummary | undefined;
    if (options.profile) {
      const profiled = await profileServer({
        root,
        databaseUrl: url,
        resources,
        work: async (server) => {
          const profiledCookie = await login(server.url, credentials);
          const run = await download(`${server.url}/download/statement?period=${toUrlPeriod(tenant.period)}`, profiledCookie, path.join(dir, "profiled.xlsx"), server.pid);
          log(`Profiled download: ${seconds(run.ms)}`);
          rmSync(path.join(dir, "profiled.xlsx"), { force: true });
        },
      });
      profile = profiled.summary;
    }
    const buildChanged = buildId(root) !== build;

    // The report.
    const rate = (ms: number) => rows / (ms / 1000);
    const sheetRate = sheetjs ? rate(sheetjs.result.ms) : Number.NaN;
    const rateMet = servedRate >= TARGET_ROWS_PER_S;
    const memoryMet = served.memory.growth <= TARGET_GROWTH_BYTES;
    const table = markdownTable(
      [
        ["Writer", "time", "rows/s", "peak RSS growth", "output bytes"],
        [
          "**portal** `GET /download/statement` (exceljs streaming, over HTTP)",
          seconds(served.ms),
          formatCount(Math.round(servedRate)),
          `${mib(served.memory.growth)} (RSS ${mib(served.memory.before)} → ${mib(served.memory.peak)}; VmHWM ${mib(served.memory.hwmBefore)} → ${mib(served.memory.hwmAfter)})`,
          formatCount(served.bytes),
        ],
        ...baselines.map((b) => [b.name, seconds(b.run.result.ms), formatCount(Math.round(rate(b.run.result.ms))), `${mib(b.run.growth)} (RSS ${mib(b.run.result.rssBefore)} → ${mib(b.run.result.maxRss)})`, formatCount(b.run.result.bytes)]),
        ...(sheetjsStopped
          ? [
              [
                `SheetJS 0.18.5 in memory — ${sheetjsError}`,
                `> ${seconds(sheetjsStopped.limitMs)}`,
                `< ${formatCount(Math.round(rows / (sheetjsStopped.limitMs / 1000)))}`,
                sheetjsStopped.growth === undefined ? "–" : `≥ ${mib(sheetjsStopped.growth)} when stopped`,
                "–",
              ],
            ]
          : sheetjsError
            ? [["SheetJS 0.18.5 in memory", "failed", "–", "–", sheetjsError.replace(/\|/g, "/")]]
            : []),
      ],
      ["l", "r", "r", "l", "r"],
    );
    const sheetPhases = sheetjs ? Object.entries(sheetjs.result.phases).map(([k, ms]) => `${k} ${seconds(ms)}`).join(", ") : "";
    const lines = [
      `## Monthly statement download, ${formatCount(rows)} conference lines — ${isoDate(now)}`,
      "",
      `- Machine: ${machineLine(pgVersion)}.`,
      `- Command: \`${command}\`.`,
      `- Account ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(rows)} conferences of one leg each in ${toUrlPeriod(tenant.period)}, rated with the default tariff (total ${formatMoney(chargeMinor, "EUR", "fr-FR")}), generated with COPY in ${seconds(generation.ms)}.`,
      `- The portal's file was checked: ${formatCount(scan.rowElements)} rows in the sheet = ${formatCount(dataRows)} conference rows + ${otherRows} title, header and total rows; the total row's charge equals SQL's sum. ` +
        `Time to the first byte ${seconds(served.firstByteMs)}. Server memory sampled every 100 ms from /proc/<pid>/status of \`next start\` (${served.memory.samples} samples), after a warm-up download of an empty month.`,
      `- Baselines (and the writer-alone decomposition) run after the download, each in its own Node process reading the same rows with the same SQL through pg-query-stream (batch ${2000}); their peak is the process's getrusage max RSS minus its RSS just before the work. SheetJS ran with --max-old-space-size=${SHEETJS_HEAP_MB} and Node's zlib for its deflate (\`XLSX.CFB.utils.use_zlib\`; its own JavaScript deflate is far slower on large sheets).`,
      "",
      table,
      "",
      markdownTable(
        [
          ["Ratio", "value"],
          ["portal ÷ SheetJS, rows/s", sheetjs ? formatRatio(servedRate, sheetRate) : sheetjsStopped ? `> ${formatRatio(servedRate, rows / (sheetjsStopped.limitMs / 1000))}` : "–"],
          [
            "portal ÷ SheetJS, peak memory growth",
            sheetjs ? formatRatio(served.memory.growth, sheetjs.growth) : sheetjsStopped?.growth ? `< ${formatRatio(served.memory.growth, sheetjsStopped.growth)}` : "–",
          ],
          ["portal ÷ CSV, rows/s", formatRatio(servedRate, rate(csv.value.result.ms))],
          ["portal ÷ SQL + cursor only, rows/s", formatRatio(servedRate, rate(readOnly.value.result.ms))],
          ["portal ÷ its writer alone, rows/s", formatRatio(servedRate, rate(excel.value.result.ms))],
        ],
        ["l", "r"],
      ),
      "",
      `Targets: ≥ ${formatCount(TARGET_ROWS_PER_S)} rows/s — **${rateMet ? "met" : "missed"}** (${formatCount(Math.round(servedRate))}); ` +
        `peak memory growth ≤ 200 MB — **${memoryMet ? "met" : "missed"}** (${mib(served.memory.growth)}); ` +
        (sheetjs
          ? `faster than SheetJS — **${servedRate > sheetRate ? "met" : "missed"}**; at most a third of its memory — **${served.memory.growth * 3 <= sheetjs.growth ? "met" : "missed"}**.`
          : sheetjsStopped
            ? `faster than SheetJS — **${served.ms < sheetjsStopped.limitMs ? "met" : "missed"}** (SheetJS did not finish in ${options.sheetjsLimitMinutes} min); ` +
              `at most a third of its memory — ${sheetjsStopped.growth === undefined ? "not measured" : `**${served.memory.growth * 3 <= sheetjsStopped.growth ? "met" : "missed"}** (against the ${mib(sheetjsStopped.growth)} it had grown by when stopped, a lower bound of its peak)`}.`
            : "SheetJS comparison: SheetJS did not finish (see the table)."),
    ];
    if (sheetPhases) lines.push("", `SheetJS phases: ${sheetPhases}.`);
    if (builds.stop()) {
      lines.push(
        "",
        `- ${BUILD_NOTE} ${buildDuringDownload ? "It was running during the portal's download." : "It started after the portal's download, during the baselines."}`,
      );
    }
    if (buildChanged) lines.push("", "- **The production build changed during the run** (another `next build` in this tree): the portal's figures may be disturbed; run again.");
    if (profile) {
      lines.push(
        "",
        `CPU profile of the server (\`--profile\`) during a second download: ${seconds(profile.busyMs)} busy of ${seconds(profile.totalMs)} sampled, ≈ ${(profile.busyMs / (rows / 1000)).toFixed(2)} ms of CPU per 1,000 rows.`,
        "",
        ...profileTables(profile, rows / 1000, "per 1,000 rows"),
      );
    }
    return lines.join("\n");
  });
}
