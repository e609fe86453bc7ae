/**
 * The drill-down pages at their largest (`npm run bench -- --only drilldown`): a room with 2,000
 * conferences in a month (GET /rooms/<room>?period=YYYY-MM, 100 conferences a page, the total of
 * the whole month) and a conference with 300 participants (GET /rooms/<room>/conferences/<id>,
 * 100 participants a page, the total of all), at concurrency 10, beside the raw SQL that produces
 * their figures at the same concurrency. Target: p95 ≤ 150 ms.
 *
 * The two rooms are added to a small background tenant (scripts/bench/tenant.ts, `drilldown` option),
 * in this benchmark's own PostgreSQL.
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Database } from "../../db/client";
import type { AccountScope } from "../../lib/auth/scope";
import { conferenceLinesQuery, conferenceTotalsQuery, participantsQuery } from "../../lib/data/conference-queries";
import { generateTenant, type Tenant } from "./tenant";
import { formatDuration, formatMoney } from "../../lib/format";
import { PAGE_SIZE } from "../../lib/paging";
import { toUrlPeriod } from "../../lib/periods";
import { freePort } from "../lib/postgres";
import { isoDate, machineLine, seconds, startDatabase, timed, watchForBuilds, BUILD_NOTE, withResources, type BenchContext, type Resources } from "./context";
import { getPage, login } from "./http";
import { runHttp, runSqlSet, type HttpRun } from "./load";
import { profileServer, profileTables, type ProfileSummary } from "./profile";
import { buildId, startServer } from "./server";
import { formatCount, formatMs, formatRatio, markdownTable, type LatencySummary } from "./stats";

const TARGET_P95_MS = 150;
const ACCOUNT_NUMBER = "700002";
const FIRST_ROOM = 720000;
const MONEY = { currency: "EUR", locale: "fr-FR" }; // the tenant's (scripts/bench/tenant.ts)

type Totals = { durationS: number; chargeMinor: number };

type PageCase = {
  name: string;
  path: string;
  /** Absent for the page shell, which has no table. */
  total?: Totals;
  /** What the first page must show: its lines (conferences or participants) and the list's size. */
  firstPage?: { count: (body: string) => number; expected: number; of: number; unit: string };
  run?: HttpRun;
  serial?: LatencySummary;
};

type Query = { text: string; values: unknown[] };
/** One query, or the set a page runs in parallel, timed as one unit. */
type SqlCase = { name: string; queries: Query[]; rows: number; result?: LatencySummary; serial?: LatencySummary };

type Drill = NonNullable<Tenant["drilldown"]>;
/** The figures every page and query must show, from the legs. */
type Truth = { conferences: number; lines: number; participants: number; roomTotal: Totals; conferenceTotal: Totals };

const occurrences = (body: string, pattern: RegExp) => body.match(pattern)?.length ?? 0;
const texts = (t: Totals) => [formatDuration(t.durationS), formatMoney(t.chargeMinor, MONEY.currency, MONEY.locale)];

const dialect = new PgDialect();
/** A statement of the portal as the text and values pg runs, outside Drizzle: the SQL baseline. */
const raw = (statement: SQL): Query => {
  const { sql, params } = dialect.sqlToQuery(statement);
  return { text: sql, values: params };
};

/**
 * The pages' own statements (lib/data/conference-queries.ts), for the account owner's scope (the
 * benchmark runs outside any session, hence the cast) and the busy room.
 */
function pageStatements(tenant: Tenant, drill: Drill) {
  const owner = { kind: "account", userId: 0, accountId: tenant.accountId, roomId: null } as unknown as AccountScope;
  const room = { roomId: drill.busyRoom.id };
  return {
    /** The room page: its first page's lines ∥ the month's count and total from the per-room rollup. */
    page: [raw(conferenceLinesQuery(owner, drill.period, room, { offset: 0, limit: PAGE_SIZE })), raw(conferenceTotalsQuery(owner, drill.period, room))],
    /**
     * Every line of the month, computed from the legs: the ground truth of the page's total, and
     * what the page itself ran before it read only its slice (commit 9a240db).
     */
    month: raw(conferenceLinesQuery(owner, drill.period, room)),
    /** The conference page's participants. */
    participants: raw(participantsQuery(owner, drill.largeConference.room, drill.largeConference.id)),
  };
}
type Statements = ReturnType<typeof pageStatements>;

/** The background tenant with the two drill-down rooms, vacuumed as autovacuum would after a bulk load. */
async function prepareTenant({ options, now, log }: BenchContext, db: Database) {
  const generation = await timed(log, `Generating the drill-down tenant (background scale ${options.drilldownScale})`, () =>
    generateTenant(db, {
      scale: options.drilldownScale,
      now,
      accountNumber: ACCOUNT_NUMBER,
      firstRoomNumber: FIRST_ROOM,
      drilldown: { roomConferences: options.drilldownConferences, conferenceLegs: options.drilldownLegs },
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      log,
    }),
  );
  const tenant = generation.value;
  if (!tenant.drilldown) throw new Error("the tenant has no drill-down rooms");
  await db.$client.query("vacuum (analyze) conferences, legs, usage_rollups, rooms, users");
  return { tenant, drill: tenant.drilldown, generationMs: generation.ms };
}

/**
 * The expected figures, from the legs; then the page's own SQL must give the first page of those
 * lines and their whole total before anything is timed.
 */
async function checkFigures({ options, log }: BenchContext, pool: pg.Pool, drill: Drill, q: Statements): Promise<Truth & { pageRows: number }> {
  const lines = (await pool.query<{ id: string; duration_s: string; charge_minor: string }>(q.month.text, q.month.values)).rows;
  const participants = (await pool.query<{ duration_s: number; charge_minor: string }>(q.participants.text, q.participants.values)).rows;
  const roomTotal = lines.reduce<Totals>((t, l) => ({ durationS: t.durationS + Number(l.duration_s), chargeMinor: t.chargeMinor + Number(l.charge_minor) }), { durationS: 0, chargeMinor: 0 });
  const conferenceTotal = participants.reduce<Totals>((t, p) => ({ durationS: t.durationS + p.duration_s, chargeMinor: t.chargeMinor + Number(p.charge_minor) }), { durationS: 0, chargeMinor: 0 });
  const conferences = new Set(lines.map((l) => l.id)).size;
  if (conferences !== options.drilldownConferences) throw new Error(`room ${drill.busyRoom.number} has ${conferences} conferences in ${drill.period}, expected ${options.drilldownConferences}`);
  if (participants.length !== options.drilldownLegs) throw new Error(`conference ${drill.largeConference.id} has ${participants.length} legs, expected ${options.drilldownLegs}`);
  const [linesQuery, totalQuery] = q.page as [Query, Query];
  const pageLines = (await pool.query<{ id: string }>(linesQuery.text, linesQuery.values)).rows;
  const firstIds = [...new Set(lines.map((l) => l.id))].slice(0, PAGE_SIZE);
  if (JSON.stringify([...new Set(pageLines.map((l) => l.id))]) !== JSON.stringify(firstIds) || pageLines.length !== lines.filter((l) => firstIds.includes(l.id)).length) {
    throw new Error("the page's lines query does not give the first page of the month's lines");
  }
  const rollup = (await pool.query<{ conferences: number; duration_s: string; charge_minor: string }>(totalQuery.text, totalQuery.values)).rows[0];
  if (!rollup || rollup.conferences !== conferences || Number(rollup.duration_s) !== roomTotal.durationS || Number(rollup.charge_minor) !== roomTotal.chargeMinor) {
    throw new Error(`room_usage does not hold the room's total from the legs: ${JSON.stringify(rollup)}`);
  }
  log(`Room ${drill.busyRoom.number}: ${conferences} conferences, ${lines.length} lines, total ${texts(roomTotal).join(" / ")}`);
  log(`Conference ${drill.largeConference.id} (room ${drill.largeConference.room}): ${participants.length} participants, total ${texts(conferenceTotal).join(" / ")}`);
  return { conferences, lines: lines.length, participants: participants.length, roomTotal, conferenceTotal, pageRows: pageLines.length };
}

function pageCases(drill: Drill, truth: Truth): PageCase[] {
  return [
    {
      name: `room, ${formatCount(truth.conferences)} conferences`,
      path: `/rooms/${drill.busyRoom.number}?period=${toUrlPeriod(drill.period)}`,
      total: truth.roomTotal,
      // The first line of each conference carries class "first" (components/conference-table.tsx).
      firstPage: { count: (body) => occurrences(body, /<tr class="first" data-conference="/g), expected: Math.min(PAGE_SIZE, truth.conferences), of: truth.conferences, unit: "conferences" },
    },
    {
      name: `conference, ${formatCount(truth.participants)} participants`,
      path: `/rooms/${drill.largeConference.room}/conferences/${drill.largeConference.id}`,
      total: truth.conferenceTotal,
      // Participant lines are the page's only bare <tr><td> rows (components/participants-table.tsx).
      firstPage: { count: (body) => occurrences(body, /<tr><td/g), expected: Math.min(PAGE_SIZE, truth.participants), of: truth.participants, unit: "participants" },
    },
    // An unselectable period: session, room lookup, layout and header, no query of conferences. Isolates the fixed cost.
    { name: "room page shell (no table)", path: `/rooms/${drill.busyRoom.number}?period=1999-01` },
  ];
}

function sqlCases(q: Statements, truth: Truth & { pageRows: number }): SqlCase[] {
  return [
    { name: `room page's queries: its ${PAGE_SIZE} conferences' lines ∥ the month's count and total from \`room_usage\` (\`getConferenceLines\`)`, queries: q.page, rows: truth.pageRows + 1 },
    { name: "participants (`getConference` legs query)", queries: [q.participants], rows: truth.participants },
    { name: "the room's month from the legs: every line (ground truth of the total)", queries: [q.month], rows: truth.lines },
  ];
}

/** Where the SQL's time goes, for the report: each query's plan with actual times, run once warm. */
async function explainPlans(pool: pg.Pool, cases: SqlCase[]): Promise<{ name: string; plan: string }[]> {
  const plans: { name: string; plan: string }[] = [];
  for (const c of cases) {
    for (const q of c.queries) {
      await pool.query(q.text, q.values);
      const { rows: planRows } = await pool.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers) ${q.text}`, q.values);
      plans.push({ name: `${c.name}${c.queries.length > 1 ? ` — query ${c.queries.indexOf(q) + 1}` : ""}`, plan: planRows.map((r) => r["QUERY PLAN"]).join("\n") });
    }
  }
  return plans;
}

const verifier = (total: Totals) => {
  const [duration, money] = texts(total);
  return (body: string) => body.includes(money!) && body.includes(duration!);
};

type Credentials = { username: string; password: string; number: string };

/** Each page once (its first page and total checked), then timed under load; the server is stopped after. */
async function timePages({ options, root, log }: BenchContext, resources: Resources, url: string, credentials: Credentials, pages: PageCase[]): Promise<void> {
  const running = (await timed(log, "Starting next start", () => freePort().then((port) => startServer({ root, port, databaseUrl: url })))).value;
  const stopRunning = resources.add("next start", () => running.stop());
  const cookie = await login(running.url, credentials);
  for (const c of pages) {
    const page = await getPage(running.url + c.path, cookie);
    if (page.status !== 200) throw new Error(`${c.path} answered ${page.status}:\n${page.body.slice(0, 500)}\n${running.output()}`);
    if (!c.total || !c.firstPage) continue;
    const missing = ["Total", ...texts(c.total)].filter((text) => !page.body.includes(text));
    const shown = c.firstPage.count(page.body);
    if (missing.length || shown !== c.firstPage.expected) {
      throw new Error(`${c.path}: ${shown} ${c.firstPage.unit} shown for ${c.firstPage.expected} expected; texts missing: ${JSON.stringify(missing)}`);
    }
    log(`${c.path}: ${shown} of ${c.firstPage.of} ${c.firstPage.unit} (first page), total ${texts(c.total).join(" / ")} (${formatCount(page.bytes)} bytes, ${formatMs(page.ms)} ms cold)`);
  }
  for (const c of pages) {
    const target = { url: running.url + c.path, cookie, connections: options.connections, ...(c.total ? { verifyBody: verifier(c.total) } : {}) };
    if (options.warmup > 0) await runHttp({ ...target, amount: options.warmup });
    c.run = await runHttp({ ...target, amount: options.requests });
    const ok = c.run.statuses["200"] ?? 0;
    if (ok !== options.requests || c.run.mismatches || c.run.errors || c.run.timeouts) {
      throw new Error(`${c.name}: ${ok}/${options.requests} answered 200 (${JSON.stringify(c.run.statuses)}), ${c.run.mismatches} without the total, ${c.run.errors} errors, ${c.run.timeouts} timeouts`);
    }
    if (options.serial > 0) c.serial = (await runHttp({ ...target, connections: 1, amount: options.serial })).latency;
    const l = c.run.latency;
    log(`${c.name}: p50 ${formatMs(l.p50)} ms, p95 ${formatMs(l.p95)} ms, p99 ${formatMs(l.p99)} ms, ${l.perSecond.toFixed(1)} req/s, ${formatCount(Math.round(c.run.meanBytes))} bytes`);
  }
  await stopRunning();
}

/** The baseline: the pages' SQL run raw through pg at the same concurrency, after a warm-up. */
async function timeSql({ options, log }: BenchContext, pool: pg.Pool, cases: SqlCase[]): Promise<void> {
  for (const c of cases) {
    await runSqlSet(pool, c.queries, { runs: Math.max(options.connections, Math.ceil(options.sqlRuns / 10)), concurrency: options.connections });
    c.result = await runSqlSet(pool, c.queries, { runs: options.sqlRuns, concurrency: options.connections });
    if (options.serial > 0) c.serial = await runSqlSet(pool, c.queries, { runs: options.serial, concurrency: 1 });
    const l = c.result;
    log(`SQL ${c.name}: p50 ${formatMs(l.p50)} ms, p95 ${formatMs(l.p95)} ms, p99 ${formatMs(l.p99)} ms, ${l.perSecond.toFixed(1)} q/s`);
  }
}

type Profile = { page: PageCase; summary: ProfileSummary; requests: number };

/** With --profile: each list page again, on a second server under the CPU profiler. */
async function profilePages({ options, root }: BenchContext, resources: Resources, url: string, credentials: Credentials, pages: PageCase[]): Promise<Profile[]> {
  const profiles: Profile[] = [];
  for (const c of pages.filter((p) => p.total)) {
    const requests = options.warmup + options.requests;
    const { summary } = await profileServer({
      root,
      databaseUrl: url,
      resources,
      work: async (server) => {
        const profiledCookie = await login(server.url, credentials);
        await runHttp({ url: server.url + c.path, cookie: profiledCookie, connections: options.connections, amount: requests, verifyBody: verifier(c.total!) });
      },
    });
    profiles.push({ page: c, summary, requests });
  }
  return profiles;
}

type Results = {
  pgVersion: string;
  tenant: Tenant;
  drill: Drill;
  generationMs: number;
  truth: Truth;
  pages: PageCase[];
  sql: SqlCase[];
  plans: { name: string; plan: string }[];
  profiles: Profile[];
  notes: string[];
};

/** The Markdown section for docs/BENCHMARKS.md. */
function report({ options, now, command }: BenchContext, r: Results): string {
  const { tenant, drill, truth, pages } = r;
  const sections = [
    `## Drill-down pages: a room with ${formatCount(truth.conferences)} conferences, a conference with ${formatCount(truth.participants)} participants — ${isoDate(now)}`,
    "",
    `- Machine: ${machineLine(r.pgVersion)}.`,
    `- Command: \`${command}\` (${options.warmup} warm-up then ${options.requests} requests per page at concurrency ${options.connections}, ${options.serial} at concurrency 1; SQL ${options.sqlRuns} runs at concurrency ${options.connections}).`,
    `- Tenant ${tenant.accountNumber} (owner session): ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs over 12 months ` +
      `(background scale ${options.drilldownScale}), generated with COPY in ${seconds(r.generationMs)}; period ${toUrlPeriod(drill.period)} (the previous month). ` +
      `Room ${drill.busyRoom.number}: ${formatCount(truth.conferences)} conferences of 2–5 legs (${formatCount(truth.lines)} lines, one per conference and service type), total ${texts(truth.roomTotal).join(" / ")}. ` +
      `Conference ${drill.largeConference.id} in room ${drill.largeConference.room}: ${formatCount(truth.participants)} legs, total ${texts(truth.conferenceTotal).join(" / ")}.`,
    `- Every response was 200 and each list page's response contained the whole list's total (duration and charge, formatted as the page formats them); the first page shows ${PAGE_SIZE} conferences / ${PAGE_SIZE} participants (lib/paging.ts PAGE_SIZE). ` +
      `The shell is the room page for an unselectable month: session, room, layout, no conference query.`,
    "",
    markdownTable(
      [
        ["Measure", "c=1 p50 ms", `c=${options.connections} p50 ms`, "p95 ms", "p99 ms", "per s", "runs"],
        ...pages.map((c) => [`page: ${c.name} (\`${c.path}\`)`, formatMs(c.serial?.p50 ?? Number.NaN), formatMs(c.run!.latency.p50), formatMs(c.run!.latency.p95), formatMs(c.run!.latency.p99), c.run!.latency.perSecond.toFixed(1), String(c.run!.latency.count)]),
        ...r.sql.map((c) => [`SQL: ${c.name}, ${formatCount(c.rows)} rows`, formatMs(c.serial?.p50 ?? Number.NaN), formatMs(c.result!.p50), formatMs(c.result!.p95), formatMs(c.result!.p99), c.result!.perSecond.toFixed(1), String(c.result!.count)]),
      ],
      ["l", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    markdownTable(
      [
        ["Page", "page p50 / p95 ms", "its SQL p50 / p95 ms", "page ÷ its SQL at p95", "from the legs p50 / p95 ms", "page ÷ from the legs at p95", `target p95 ≤ ${TARGET_P95_MS} ms`],
        ...[
          { page: pages[0]!, own: r.sql[0]!, legs: r.sql[2]! },
          { page: pages[1]!, own: r.sql[1]!, legs: r.sql[1]! },
        ].map(({ page, own, legs }) => {
          const l = page.run!.latency;
          const a = own.result!;
          const b = legs.result!;
          return [page.name, `${formatMs(l.p50)} / ${formatMs(l.p95)}`, `${formatMs(a.p50)} / ${formatMs(a.p95)}`, formatRatio(l.p95, a.p95), `${formatMs(b.p50)} / ${formatMs(b.p95)}`, formatRatio(l.p95, b.p95), l.p95 <= TARGET_P95_MS ? "met" : "**missed**"];
        }),
      ],
      ["l", "r", "r", "r", "r", "r", "l"],
    ),
  ];
  for (const p of r.plans) sections.push("", `<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the ${p.name} query, warm, concurrency 1</summary>`, "", "```", p.plan, "```", "", "</details>");
  for (const note of r.notes) sections.push("", note);
  for (const p of r.profiles) {
    sections.push(
      "",
      `CPU profile of the server (\`--profile\`), ${p.page.name}: ${p.requests} requests at concurrency ${options.connections}; ${formatMs(p.summary.busyMs)} ms busy of ${formatMs(p.summary.totalMs)} ms sampled, ≈ ${formatMs(p.summary.busyMs / p.requests)} ms of CPU per request.`,
      "",
      ...profileTables(p.summary, p.requests, "per request"),
    );
  }
  return sections.join("\n");
}

export function runDrilldown(ctx: BenchContext): Promise<string> {
  const { options, root } = ctx;
  return withResources(async (resources) => {
    const build = buildId(root);
    const builds = watchForBuilds();
    resources.add("the build watch", async () => void builds.stop());
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);
    const { tenant, drill, generationMs } = await prepareTenant(ctx, db);

    const pool = new pg.Pool({ connectionString: url, max: options.connections });
    pool.on("error", () => {});
    resources.add("the SQL pool", () => pool.end());

    const statements = pageStatements(tenant, drill);
    const truth = await checkFigures(ctx, pool, drill, statements);
    const pages = pageCases(drill, truth);
    const sql = sqlCases(statements, truth);
    const plans = await explainPlans(pool, sql);

    const credentials = { username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber };
    await timePages(ctx, resources, url, credentials, pages);
    await timeSql(ctx, pool, sql);
    const profiles = options.profile ? await profilePages(ctx, resources, url, credentials, pages) : [];

    const notes: string[] = [];
    if (builds.stop()) notes.push(`- ${BUILD_NOTE}`);
    if (buildId(root) !== build) notes.push("- **The production build changed during the run** (another `next build` in this tree): the page figures may be disturbed; run again.");
    return report(ctx, { pgVersion, tenant, drill, generationMs, truth, pages, sql, plans, profiles, notes });
  });
}
