/**
 * The account summary of a large tenant, measured end to end (`npm run bench -- --only account`).
 *
 * Generates the tenant (scripts/bench/tenant.ts: 2,000 rooms × 12 months ≈ 5 M legs at scale 1), serves
 * the production build against it, logs in over HTTP as a browser does, and loads GET /account for
 * the previous month (active rooms, then all rooms) with autocannon. Beside it, the same figures in
 * raw SQL at the same concurrency: (a) computed from the legs (the ground truth) and (b) read from
 * the rollups as the page does, checked identical. Returns a Markdown section for docs/BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { generateTenant, type Tenant } from "./tenant";
import { formatDuration, formatMoney } from "../../lib/format";
import { PAGE_SIZE } from "../../lib/paging";
import { addMonths, periodOf, toUrlPeriod } from "../../lib/periods";
import { freePort } from "../lib/postgres";
import { isoDate, machineLine, seconds, startDatabase, timed, watchForBuilds, BUILD_NOTE, withResources, type BenchContext, type BenchOptions } from "./context";
import { getPage, login } from "./http";
import { runHttp, runSql, type HttpRun } from "./load";
import { newestProfile, summarizeProfile, type ProfileSummary } from "./profile";
import { fetchSummary, firstDifference, naiveQuery, rollupQuery, summaryParams, totalOf, type Display } from "./queries";
import { buildId, startServer } from "./server";
import { formatCount, formatMs, formatRatio, markdownTable, type LatencySummary } from "./stats";

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

/** Runs the account-summary benchmark and returns its Markdown section. */
export function runAccount(ctx: BenchContext): Promise<string> {
  const { options, root, now, command, log } = ctx;
  const period = addMonths(periodOf(now, TIME_ZONE), -1);
  return withResources(async (resources) => {
    const build = buildId(root);
    const builds = watchForBuilds();
    resources.add("the build watch", async () => void builds.stop());
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);

    const generation = await timed(log, `Generating the tenant (scale ${options.scale})`, () =>
      generateTenant(db, { scale: options.scale, now, ...(options.seed === undefined ? {} : { seed: options.seed }), log }),
    );
    const tenant: Tenant = generation.value;
    // Insert-driven autovacuum would do this soon after a bulk load; done now so that timings do
    // not depend on when it happens to run (visibility map for index-only scans, statistics).
    const vacuum = await timed(log, "VACUUM (ANALYZE)", () => db.$client.query("vacuum (analyze) conferences, legs, usage_rollups, rooms, users"));
    const sizes = (
      await db.$client.query<{ name: string; rows: string; bytes: string }>(
        `select c.relname as name, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as bytes
         from pg_class c where c.relname in ('conferences', 'legs', 'usage_rollups', 'rooms', 'users') order by c.relname`,
      )
    ).rows;
    const rollupRows = Number((await db.$client.query<{ n: string }>("select count(*) as n from usage_rollups where account_id = $1", [tenant.accountId])).rows[0]?.n ?? 0);
    const databaseBytes = Number((await db.$client.query<{ b: string }>("select pg_database_size(current_database()) as b")).rows[0]?.b ?? 0);
    log(
      `Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.users)} users, ` +
        `${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs, ${formatCount(rollupRows)} rollup rows, ` +
        `database ${(databaseBytes / 2 ** 30).toFixed(2)} GiB`,
    );

    // (a) and (b) must agree before anything is timed.
    const pool = new pg.Pool({ connectionString: url, max: options.connections });
    pool.on("error", () => {});
    resources.add("the SQL pool", () => pool.end());
    const params = summaryParams(tenant.accountId, period);
    const truth: Record<Display, Awaited<ReturnType<typeof fetchSummary>>> = { active: [], all: [] };
    for (const display of ["active", "all"] as const) {
      const naive = await fetchSummary(pool, naiveQuery(display), params);
      const rollup = await fetchSummary(pool, rollupQuery(display), params);
      const difference = firstDifference(naive, rollup);
      if (difference) throw new Error(`(a) and (b) differ for ${display} rooms in ${period}: ${difference}`);
      truth[display] = naive;
    }
    const activeRooms = truth.active.length;
    const total = totalOf(truth.active);
    log(`(a) legs and (b) rollups agree for ${toUrlPeriod(period)}: ${activeRooms} active of ${truth.all.length} rooms, total ${formatDuration(total.durationS)} / ${formatMoney(total.chargeMinor, "EUR", "fr-FR")}`);

    const port = await freePort();
    const running = (await timed(log, "Starting next start", () => startServer({ root, port, databaseUrl: url }))).value;
    const stopRunning = resources.add("next start", () => running.stop());
    const cookie = await login(running.url, { username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber });
    log(`Logged in as ${tenant.owner.email} with ${tenant.accountNumber}`);

    const pages: PageCase[] = [
      { name: "page, active rooms", path: `/account?period=${toUrlPeriod(period)}`, display: "active" },
      { name: "page, all rooms", path: `/account?period=${toUrlPeriod(period)}&display=all`, display: "all" },
      // An unselectable period: session check, layout and header, no table. Isolates the fixed cost.
      { name: "page shell (no table)", path: "/account?period=1999-01", display: null },
    ];
    // One request each, checked against the SQL: the right rows and total are on the page.
    for (const c of pages) {
      const page = await getPage(running.url + c.path, cookie);
      if (page.status !== 200) throw new Error(`${c.path} answered ${page.status}:\n${page.body.slice(0, 500)}\n${running.output()}`);
      if (c.display) {
        const all = truth[c.display];
        const t = totalOf(all);
        // The first page shows the first PAGE_SIZE rooms of the SQL answer, and no other (a row may hold several links); the total is the whole list's.
        const rows = all.slice(0, PAGE_SIZE);
        const linked = new Set([...page.body.matchAll(/href="\/rooms\/(\d{6})[/?"]/g)].map((m) => m[1]));
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
    for (const c of pages) {
      const target = { url: running.url + c.path, cookie, connections: options.connections, ...(c.display ? { verifyBody } : {}) };
      if (options.warmup > 0) await runHttp({ ...target, amount: options.warmup });
      c.run = await runHttp({ ...target, amount: options.requests });
      assertPageRun(c, options.requests);
      if (options.serial > 0) c.serial = (await runHttp({ ...target, connections: 1, amount: options.serial })).latency;
      const l = c.run.latency;
      log(`${c.name}: p50 ${formatMs(l.p50)} ms, p95 ${formatMs(l.p95)} ms, p99 ${formatMs(l.p99)} ms, ${l.perSecond.toFixed(1)} req/s, ${formatCount(Math.round(c.run.meanBytes))} bytes`);
    }
    await stopRunning();
    const notes: string[] = [];
    const buildChanged = () => {
      const note = "**The production build changed during the run** (another `next build` in this tree): the page figures may be disturbed; run again.";
      if (buildId(root) !== build && !notes.includes(note)) notes.push(note);
    };
    buildChanged();

    let profile: { summary: ProfileSummary; requests: number } | undefined;
    if (options.profile) {
      const dir = mkdtempSync(path.join(tmpdir(), "portal-cpuprof-"));
      try {
        const profiled = await startServer({ root, port: await freePort(), databaseUrl: url, nodeOptions: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
        const stopProfiled = resources.add("next start (profiled)", () => profiled.stop());
        const profiledCookie = await login(profiled.url, { username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber });
        const target = { url: profiled.url + pages[0]!.path, cookie: profiledCookie, connections: options.connections, verifyBody };
        if (options.warmup > 0) await runHttp({ ...target, amount: options.warmup });
        const run = await runHttp({ ...target, amount: options.requests });
        log(`profiled ${pages[0]!.name}: p50 ${formatMs(run.latency.p50)} ms, p95 ${formatMs(run.latency.p95)} ms`);
        // A graceful stop: next start exits on SIGTERM and Node writes the profile on exit.
        await stopProfiled();
        const file = newestProfile(dir);
        if (!file) throw new Error(`no CPU profile written in ${dir}:\n${profiled.output()}`);
        profile = { summary: summarizeProfile(file), requests: options.warmup + options.requests };
        buildChanged();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

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

    if (builds.stop()) notes.push(BUILD_NOTE);
    return summary({ options, command, now, period, pgVersion, tenant, generationMs: generation.ms, vacuumMs: vacuum.ms, sizes, rollupRows, databaseBytes, activeRooms, pages, sqlCases, profile, notes });
  });
}

type SummaryInput = {
  options: BenchOptions;
  command: string;
  now: Date;
  period: string;
  pgVersion: string;
  tenant: Tenant;
  generationMs: number;
  vacuumMs: number;
  sizes: { name: string; rows: string; bytes: string }[];
  rollupRows: number;
  databaseBytes: number;
  activeRooms: number;
  pages: PageCase[];
  sqlCases: SqlCase[];
  profile: { summary: ProfileSummary; requests: number } | undefined;
  notes: string[];
};

function summary(s: SummaryInput): string {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  const page = (display: Display) => s.pages.find((p) => p.display === display)!.run!.latency;
  const sql = (kind: SqlCase["kind"], display: Display) => s.sqlCases.find((c) => c.kind === kind && c.display === display)!.result!;
  const shell = s.pages.find((p) => p.display === null)!.run!.latency;
  const worst = Math.max(page("active").p95, page("all").p95);
  const met = worst <= TARGET_P95_MS;

  const lines = [
    `## Account summary, ${formatCount(s.tenant.counts.rooms)} rooms — ${isoDate(s.now)}`,
    "",
    `- Machine: ${machineLine(s.pgVersion)}.`,
    `- Command: \`${s.command}\` (scale ${s.options.scale}; ${s.options.warmup} warm-up then ${s.options.requests} requests per page at concurrency ${s.options.connections}; SQL at concurrency ${s.options.connections}, ${s.options.naiveRuns} runs of (a), ${s.options.sqlRuns} of (b)).`,
    `- Tenant ${s.tenant.accountNumber}: ${formatCount(s.tenant.counts.rooms)} rooms, ${formatCount(s.tenant.counts.users)} users, ${formatCount(s.tenant.counts.conferences)} conferences, ` +
      `${formatCount(s.tenant.counts.legs)} legs, ${formatCount(s.rollupRows)} rollup rows over 12 months; database ${gib(s.databaseBytes)} ` +
      `(${s.sizes.map((r) => `${r.name} ${gib(Number(r.bytes))}`).join(", ")}).`,
    `- Generated in ${seconds(s.generationMs)} (COPY in chunks, rollups rebuilt), then VACUUM (ANALYZE) in ${seconds(s.vacuumMs)}.`,
    `- Period measured: ${toUrlPeriod(s.period)} (the previous month), ${formatCount(s.activeRooms)} active rooms. (a) and (b) return identical rows for active and all rooms; every page response was 200 and contained "Total"; the page's rows and total match (a).`,
    "",
    markdownTable(
      [
        ["Measure", "c=1 p50 ms", `c=${s.options.connections} p50 ms`, "p95 ms", "p99 ms", "per s", "runs"],
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
    ),
    "",
    markdownTable(
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
    ),
    "",
    `Target: account summary p95 ≤ ${TARGET_P95_MS} ms at concurrency 10 — **${met ? "met" : "missed"}** (worst page p95 ${formatMs(worst)} ms; the page shell without the table: p50 ${formatMs(shell.p50)} / p95 ${formatMs(shell.p95)} ms).`,
  ];
  if (s.notes.length) lines.push("", ...s.notes.map((n) => `- ${n}`));
  if (s.profile) {
    const { summary, requests } = s.profile;
    const perRequest = (ms: number) => formatMs(ms / requests);
    lines.push(
      "",
      `CPU profile of the server (\`--profile\`): ${requests} requests of the active-rooms page at concurrency ${s.options.connections}; ` +
        `${formatMs(summary.busyMs)} ms busy of ${formatMs(summary.totalMs)} ms sampled, ≈ ${perRequest(summary.busyMs)} ms of CPU per request.`,
      "",
      markdownTable(
        [["Area (self time)", "ms per request", "share of busy"], ...summary.areas.filter((a) => a.area !== "idle").map((a) => [a.area, perRequest(a.ms), `${((a.ms / summary.busyMs) * 100).toFixed(1)} %`])],
        ["l", "r", "r"],
      ),
      "",
      markdownTable(
        [["Function (self time)", "source", "ms per request"], ...summary.functions.slice(0, 15).map((f) => [`\`${f.name}\``, f.source, perRequest(f.ms)])],
        ["l", "l", "r"],
      ),
    );
  }
  return lines.join("\n");
}

