/**
 * The account summary of a large tenant, measured end to end (`npm run bench -- --only account`).
 *
 * Generates the tenant (scripts/bench/tenant.ts: 2,000 rooms × 12 months ≈ 5 M legs at scale 1), serves
 * the production build against it, logs in over HTTP as a browser does, and loads GET /account for
 * the previous month (active rooms, then all rooms) with autocannon. Beside it, the same figures in
 * raw SQL at the same concurrency: (a) computed from the legs (the ground truth) and (b) read from
 * the rollups as the page does, checked identical. Returns a Markdown section for docs/BENCHMARKS.md.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { z } from "zod";
import type { Database } from "../../db/client";
import { oneRow, rows } from "../../db/rows";
import { formatDuration, formatMoney } from "../../lib/format";
import { PAGE_SIZE } from "../../lib/paging";
import { addMonths, periodOf, toUrlPeriod } from "../../lib/periods";
import { isoDate, machineLine, seconds, startDatabase, timed, BUILD_NOTE, withResources, type BenchContext, type BenchOptions, type Resources } from "./context";
import { getPage } from "./http";
import { runHttp, runSql, type HttpRun } from "./load";
import { profileServer, profileTables, type ProfileSummary } from "./profile";
import { fetchSummary, firstDifference, naiveQuery, rollupQuery, summaryParams, totalOf, type Display, type SummaryRow } from "./queries";
import type { RunningServer } from "./server";
import { generateBenchTenant, loginAsOwner, serve, watchBuild } from "./setup";
import { formatCount, formatMs, formatRatio, markdownTable, type LatencySummary } from "./stats";
import type { Tenant } from "./tenant";

const TARGET_P95_MS = 150;
const TIME_ZONE = "Europe/Paris"; // the tenant's zone (scripts/bench/tenant.ts)

type PageCase = { name: string; path: string; display: Display | null; run?: HttpRun; serial?: LatencySummary };
type SqlCase = { name: string; kind: "naive" | "rollup"; display: Display; runs: number; result?: LatencySummary; serial?: LatencySummary };

function assertPageRun(c: PageCase, expected: number): void {
  const run = c.run!;
  const ok = run.statuses["200"] ?? 0;
  const problems = [
    ok !== expected && `${ok}/${expected} responses were 200 (${JSON.stringify(run.statuses)})`,
    run.mismatches > 0 && `${run.mismatches} responses without "Total"`,
    run.errors > 0 && `${run.errors} connection errors`,
    run.timeouts > 0 && `${run.timeouts} timeouts`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`${c.name}: ${problems.join("; ")}`);
}

type Sizes = { vacuumMs: number; sizes: { name: string; rows: number; bytes: number }[]; rollupRows: number; databaseBytes: number };

/**
 * Insert-driven autovacuum would run soon after a bulk load; run now so that timings do not depend
 * on when it happens to (visibility map for index-only scans, statistics). Then the tables' sizes.
 */
async function vacuumAndMeasure(db: Database, tenant: Tenant, log: (line: string) => void): Promise<Sizes> {
  const vacuum = await timed(log, "VACUUM (ANALYZE)", () => db.$client.query("vacuum (analyze) conferences, legs, usage_rollups, rooms, users"));
  const sizes = await rows(
    db,
    z.object({ name: z.string(), rows: z.coerce.number(), bytes: z.coerce.number() }),
    sql`select c.relname as name, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as bytes
        from pg_class c where c.relname in ('conferences', 'legs', 'usage_rollups', 'rooms', 'users') order by c.relname`,
  );
  const count = z.object({ n: z.coerce.number() });
  const rollupRows = (await oneRow(db, count, sql`select count(*) as n from usage_rollups where account_id = ${tenant.accountId}`)).n;
  const databaseBytes = (await oneRow(db, count, sql`select pg_database_size(current_database()) as n`)).n;
  log(
    `Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.users)} users, ` +
      `${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs, ${formatCount(rollupRows)} rollup rows, ` +
      `database ${(databaseBytes / 2 ** 30).toFixed(2)} GiB`,
  );
  return { vacuumMs: vacuum.ms, sizes, rollupRows, databaseBytes };
}

type Truth = Record<Display, SummaryRow[]>;

/** (a) and (b) must agree before anything is timed; (a) is then what the pages must show. */
async function groundTruth(pool: pg.Pool, params: unknown[], period: string, log: (line: string) => void): Promise<Truth> {
  const truth: Truth = { active: [], all: [] };
  for (const display of ["active", "all"] as const) {
    const naive = await fetchSummary(pool, naiveQuery(display), params);
    const rollup = await fetchSummary(pool, rollupQuery(display), params);
    const difference = firstDifference(naive, rollup);
    if (difference) throw new Error(`(a) and (b) differ for ${display} rooms in ${period}: ${difference}`);
    truth[display] = naive;
  }
  const total = totalOf(truth.active);
  log(`(a) legs and (b) rollups agree for ${toUrlPeriod(period)}: ${truth.active.length} active of ${truth.all.length} rooms, total ${formatDuration(total.durationS)} / ${formatMoney(total.chargeMinor, "EUR", "fr-FR")}`);
  return truth;
}

/** The pages measured; the shell, an unselectable period, has no table. */
function pageCases(period: string): PageCase[] {
  return [
    { name: "page, active rooms", path: `/account?period=${toUrlPeriod(period)}`, display: "active" },
    { name: "page, all rooms", path: `/account?period=${toUrlPeriod(period)}&display=all`, display: "all" },
    // An unselectable period: session check, layout and header, no table. Isolates the fixed cost.
    { name: "page shell (no table)", path: "/account?period=1999-01", display: null },
  ];
}

/** One request each, checked against the SQL: the right rows and total are on the page. */
async function checkPages(server: RunningServer, cookie: string, pages: PageCase[], truth: Truth, log: (line: string) => void): Promise<void> {
  for (const c of pages) {
    const page = await getPage(server.url + c.path, cookie);
    if (page.status !== 200) throw new Error(`${c.path} answered ${page.status}:\n${page.body.slice(0, 500)}\n${server.output()}`);
    if (!c.display) continue;
    const all = truth[c.display];
    const t = totalOf(all);
    // The first page shows the first PAGE_SIZE rooms of the SQL answer, and no other (a row may hold several links); the total is the whole list's.
    const rows = all.slice(0, PAGE_SIZE);
    // Rooms linked by the summary's table (the charts above it link their top 10 rooms too).
    const table = page.body.slice(page.body.indexOf('data-testid="room-usage"'));
    const linked = new Set([...table.matchAll(/href="\/rooms\/(\d{6})[/?"]/g)].map((m) => m[1]));
    const unlinked = rows.filter((r) => !linked.has(r.number)).length;
    const expectedTexts = ["Total", formatDuration(t.durationS), formatMoney(t.chargeMinor, "EUR", "fr-FR")];
    const missing = expectedTexts.filter((text) => !page.body.includes(text));
    if (linked.size !== rows.length || unlinked || missing.length) {
      throw new Error(`${c.path}: ${linked.size} rooms linked for ${rows.length} rows (${unlinked} missing); texts missing: ${JSON.stringify(missing)}`);
    }
    log(`${c.path}: ${rows.length} of ${all.length} rows (first page) and the total ${expectedTexts.slice(1).join(" / ")} on the page (${formatCount(page.bytes)} bytes, ${formatMs(page.ms)} ms cold)`);
  }
}

const verifyBody = (body: string) => body.includes("Total");

/** Each page: the warm-up, the load at `--connections`, then `--serial` requests one at a time. */
async function loadPages(server: RunningServer, cookie: string, pages: PageCase[], options: BenchOptions, log: (line: string) => void): Promise<void> {
  for (const c of pages) {
    const target = { url: server.url + c.path, cookie, connections: options.connections, ...(c.display ? { verifyBody } : {}) };
    if (options.warmup > 0) await runHttp({ ...target, amount: options.warmup });
    c.run = await runHttp({ ...target, amount: options.requests });
    assertPageRun(c, options.requests);
    if (options.serial > 0) c.serial = (await runHttp({ ...target, connections: 1, amount: options.serial })).latency;
    const l = c.run.latency;
    log(`${c.name}: p50 ${formatMs(l.p50)} ms, p95 ${formatMs(l.p95)} ms, p99 ${formatMs(l.p99)} ms, ${l.perSecond.toFixed(1)} req/s, ${formatCount(Math.round(c.run.meanBytes))} bytes`);
  }
}

type AccountProfile = { summary: ProfileSummary; requests: number };

/** `--profile`: the active-rooms page's load again, on a second, CPU-profiled server. */
async function profilePage(ctx: BenchContext, resources: Resources, spec: { databaseUrl: string; tenant: Tenant; page: PageCase }): Promise<AccountProfile> {
  const { options, log } = ctx;
  const profiled = await profileServer({
    root: ctx.root,
    databaseUrl: spec.databaseUrl,
    resources,
    work: async (server) => {
      const target = { url: server.url + spec.page.path, cookie: await loginAsOwner(server.url, spec.tenant), connections: options.connections, verifyBody };
      if (options.warmup > 0) await runHttp({ ...target, amount: options.warmup });
      const run = await runHttp({ ...target, amount: options.requests });
      log(`profiled ${spec.page.name}: p50 ${formatMs(run.latency.p50)} ms, p95 ${formatMs(run.latency.p95)} ms`);
    },
  });
  return { summary: profiled.summary, requests: options.warmup + options.requests };
}

/** (a) and (b) at `--connections`, after a warm-up of a tenth of the runs, then `--serial` runs one at a time. */
async function measureSql(pool: pg.Pool, params: unknown[], options: BenchOptions, log: (line: string) => void): Promise<SqlCase[]> {
  const sqlCases: SqlCase[] = [
    { name: "(a) legs ⋈ conferences, active", kind: "naive", display: "active", runs: options.naiveRuns },
    { name: "(a) legs ⋈ conferences, all", kind: "naive", display: "all", runs: options.naiveRuns },
    { name: "(b) rollups (page query), active", kind: "rollup", display: "active", runs: options.sqlRuns },
    { name: "(b) rollups (page query), all", kind: "rollup", display: "all", runs: options.sqlRuns },
  ];
  for (const c of sqlCases) {
    const text = c.kind === "naive" ? naiveQuery(c.display) : rollupQuery(c.display);
    await runSql(pool, text, params, { runs: Math.min(c.runs, Math.max(options.connections, Math.ceil(c.runs / 10))), concurrency: options.connections });
    c.result = await runSql(pool, text, params, { runs: c.runs, concurrency: options.connections });
    if (options.serial > 0) c.serial = await runSql(pool, text, params, { runs: Math.min(options.serial, c.runs), concurrency: 1 });
    const l = c.result;
    log(`${c.name}: p50 ${formatMs(l.p50)} ms, p95 ${formatMs(l.p95)} ms, p99 ${formatMs(l.p99)} ms, ${l.perSecond.toFixed(1)} q/s`);
  }
  return sqlCases;
}

/** Runs the account-summary benchmark and returns its Markdown section. */
export function runAccount(ctx: BenchContext): Promise<string> {
  const { options, root, now, log } = ctx;
  const period = addMonths(periodOf(now, TIME_ZONE), -1);
  return withResources(async (resources) => {
    const builds = watchBuild(resources, root);
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);
    const generation = await generateBenchTenant(db, ctx);
    const tenant = generation.value;
    const sizes = await vacuumAndMeasure(db, tenant, log);

    const pool = new pg.Pool({ connectionString: url, max: options.connections });
    pool.on("error", () => {});
    resources.add("the SQL pool", () => pool.end());
    const params = summaryParams(tenant.accountId, period);
    const truth = await groundTruth(pool, params, period, log);

    const { server, stop } = await serve(resources, log, { root, databaseUrl: url });
    const cookie = await loginAsOwner(server.url, tenant);
    log(`Logged in as ${tenant.owner.email} with ${tenant.accountNumber}`);
    const pages = pageCases(period);
    await checkPages(server, cookie, pages, truth, log);
    await loadPages(server, cookie, pages, options, log);
    await stop();
    const profile = options.profile ? await profilePage(ctx, resources, { databaseUrl: url, tenant, page: pages[0]! }) : undefined;
    const notes: string[] = [];
    if (builds.changed()) notes.push("**The production build changed during the run** (another `next build` in this tree): the page figures may be disturbed; run again.");

    const sqlCases = await measureSql(pool, params, options, log);
    if (builds.stop()) notes.push(BUILD_NOTE);
    return summary({ ctx, period, pgVersion, tenant, generationMs: generation.ms, sizes, activeRooms: truth.active.length, pages, sqlCases, profile, notes });
  });
}

type SummaryInput = {
  ctx: BenchContext;
  period: string;
  pgVersion: string;
  tenant: Tenant;
  generationMs: number;
  sizes: Sizes;
  activeRooms: number;
  pages: PageCase[];
  sqlCases: SqlCase[];
  profile: AccountProfile | undefined;
  notes: string[];
};

/** Every measure: the pages, then (a) and (b) in SQL. */
function measuresTable(s: SummaryInput): string {
  return markdownTable(
    [
      ["Measure", "c=1 p50 ms", `c=${s.ctx.options.connections} p50 ms`, "p95 ms", "p99 ms", "per s", "runs"],
      ...s.pages.map((p) => [
        p.name + (p.display ? ` (\`${p.path}\`)` : ""),
        formatMs(p.serial?.p50 ?? Number.NaN),
        formatMs(p.run!.latency.p50),
        formatMs(p.run!.latency.p95),
        formatMs(p.run!.latency.p99),
        p.run!.latency.perSecond.toFixed(1),
        String(p.run!.latency.count),
      ]),
      ...s.sqlCases.map((c) => [
        `SQL ${c.name}`,
        formatMs(c.serial?.p50 ?? Number.NaN),
        formatMs(c.result!.p50),
        formatMs(c.result!.p95),
        formatMs(c.result!.p99),
        c.result!.perSecond.toFixed(1),
        String(c.result!.count),
      ]),
    ],
    ["l", "r", "r", "r", "r", "r", "r"],
  );
}

const pageLatency = (s: SummaryInput, display: Display) => s.pages.find((p) => p.display === display)!.run!.latency;
const sqlLatency = (s: SummaryInput, kind: SqlCase["kind"], display: Display) => s.sqlCases.find((c) => c.kind === kind && c.display === display)!.result!;

/** Each page beside (a) and (b) for the same rooms. */
function comparisonTable(s: SummaryInput): string {
  const page = (d: Display) => pageLatency(s, d);
  const sql = (kind: SqlCase["kind"], d: Display) => sqlLatency(s, kind, d);
  return markdownTable(
    [
      ["Rooms shown", "page p50 / p95", "(a) p50 / p95", "(b) p50 / p95", "page ÷ (a) at p95", "page ÷ (b) at p95"],
      ...(["active", "all"] as const).map((d) => [
        d,
        `${formatMs(page(d).p50)} / ${formatMs(page(d).p95)}`,
        `${formatMs(sql("naive", d).p50)} / ${formatMs(sql("naive", d).p95)}`,
        `${formatMs(sql("rollup", d).p50)} / ${formatMs(sql("rollup", d).p95)}`,
        formatRatio(page(d).p95, sql("naive", d).p95),
        formatRatio(page(d).p95, sql("rollup", d).p95),
      ]),
    ],
    ["l", "r", "r", "r", "r", "r"],
  );
}

/** `--profile`: the server's CPU per request, by area and by function. */
function profileLines(profile: AccountProfile, connections: number): string[] {
  const { summary, requests } = profile;
  const perRequest = (ms: number) => formatMs(ms / requests);
  return [
    "",
    `CPU profile of the server (\`--profile\`): ${requests} requests of the active-rooms page at concurrency ${connections}; ` +
      `${formatMs(summary.busyMs)} ms busy of ${formatMs(summary.totalMs)} ms sampled, ≈ ${perRequest(summary.busyMs)} ms of CPU per request.`,
    "",
    ...profileTables(summary, requests, "per request"),
  ];
}

function summary(s: SummaryInput): string {
  const { options, command, now } = s.ctx;
  const { tenant, sizes } = s;
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  const shell = s.pages.find((p) => p.display === null)!.run!.latency;
  const worst = Math.max(pageLatency(s, "active").p95, pageLatency(s, "all").p95);
  const met = worst <= TARGET_P95_MS;
  const lines = [
    `## Account summary, ${formatCount(tenant.counts.rooms)} rooms — ${isoDate(now)}`,
    "",
    `- Machine: ${machineLine(s.pgVersion)}.`,
    `- Command: \`${command}\` (scale ${options.scale}; ${options.warmup} warm-up then ${options.requests} requests per page at concurrency ${options.connections}; SQL at concurrency ${options.connections}, ${options.naiveRuns} runs of (a), ${options.sqlRuns} of (b)).`,
    `- Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.users)} users, ${formatCount(tenant.counts.conferences)} conferences, ` +
      `${formatCount(tenant.counts.legs)} legs, ${formatCount(sizes.rollupRows)} rollup rows over 12 months; database ${gib(sizes.databaseBytes)} ` +
      `(${sizes.sizes.map((r) => `${r.name} ${gib(r.bytes)}`).join(", ")}).`,
    `- Generated in ${seconds(s.generationMs)} (COPY in chunks, rollups rebuilt), then VACUUM (ANALYZE) in ${seconds(sizes.vacuumMs)}.`,
    `- Period measured: ${toUrlPeriod(s.period)} (the previous month), ${formatCount(s.activeRooms)} active rooms. (a) and (b) return identical rows for active and all rooms; every page response was 200 and contained "Total"; the page's rows and total match (a).`,
    "",
    measuresTable(s),
    "",
    comparisonTable(s),
    "",
    `Target: account summary p95 ≤ ${TARGET_P95_MS} ms at concurrency 10 — **${met ? "met" : "missed"}** (worst page p95 ${formatMs(worst)} ms; the page shell without the table: p50 ${formatMs(shell.p50)} / p95 ${formatMs(shell.p95)} ms).`,
  ];
  if (s.notes.length) lines.push("", ...s.notes.map((n) => `- ${n}`));
  if (s.profile) lines.push(...profileLines(s.profile, options.connections));
  return lines.join("\n");
}
