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
import pg from "pg";
import { generateTenant } from "./tenant";
import { formatDuration, formatMoney } from "../../lib/format";
import { PAGE_SIZE } from "../../lib/paging";
import { toUrlPeriod } from "../../lib/periods";
import { freePort } from "../lib/postgres";
import { isoDate, machineLine, seconds, startDatabase, timed, watchForBuilds, BUILD_NOTE, withResources, type BenchContext } from "./context";
import { getPage, login } from "./http";
import { runHttp, runSqlSet, type HttpRun } from "./load";
import { profileServer, profileTables, type ProfileSummary } from "./profile";
import { buildId, startServer } from "./server";
import { formatCount, formatMs, formatRatio, markdownTable, type LatencySummary } from "./stats";

const TARGET_P95_MS = 150;
const ACCOUNT_NUMBER = "700002";
const FIRST_ROOM = 720000;
const MONEY = { currency: "EUR", locale: "fr-FR" }; // the tenant's (scripts/bench/tenant.ts)

/**
 * The room page's SQL, repeated from lib/data/conferences.ts `getConferenceLines` (server-only) for
 * an owner's scope, a room filter and a page slice; keep them in step. Its lines: only the page's
 * conferences ($1 account, $2 period, $3 room id, then $4–$6 the same for the slice, $7 limit, $8 offset)…
 */
const PAGE_LINES_SQL = `
    select c.id, c.version, r.number as room_number, c.started_at, extract(epoch from c.ended_at - c.started_at)::int as length_s,
           l.service_type, count(*)::int as quantity, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor,
           c.billing_code
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    join legs l on l.account_id = c.account_id and l.conference_id = c.id
    where c.account_id = $1 and c.period = $2 and c.room_id = $3
      and c.id in (select c.id from conferences c where c.account_id = $4 and c.period = $5 and c.room_id = $6
                       order by c.started_at, c.id limit $7 offset $8)
    group by c.account_id, c.id, r.number, l.service_type
    order by c.started_at, c.id, l.service_type`;

/** …and, in parallel, the month's count and total from the per-room rollup ($1 account, $2 period, $3 room id). */
const PAGE_TOTAL_SQL = `
        select coalesce(sum(c.conferences), 0)::int as conferences, coalesce(sum(c.duration_s), 0) as duration_s, coalesce(sum(c.charge_minor), 0) as charge_minor
        from room_usage c
        where c.account_id = $1 and c.period = $2
          and c.room_id = $3`;

/**
 * The same figures computed from the legs: every line of the month ($1 account, $2 period, $3 room
 * id). The ground truth of the page's total — and what the page itself ran before it read only its
 * slice (commit 9a240db).
 */
const MONTH_LINES_SQL = `
    select c.id, c.version, r.number as room_number, c.started_at, extract(epoch from c.ended_at - c.started_at)::int as length_s,
           l.service_type, count(*)::int as quantity, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor,
           c.billing_code
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    join legs l on l.account_id = c.account_id and l.conference_id = c.id
    where c.account_id = $1 and c.period = $2 and c.room_id = $3
    group by c.account_id, c.id, r.number, l.service_type
    order by c.started_at, c.id, l.service_type`;

/** The conference page's participants: the legs query of `getConference` ($1 account, $2 conference id, $3 room number). */
const PARTICIPANTS_SQL = `
      select l.participant_name, l.caller_number, l.service_type, l.joined_at, l.left_at, l.duration_s, l.charge_minor, l.late
      from legs l
      join conferences c on c.account_id = l.account_id and c.id = l.conference_id
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      where c.account_id = $1 and c.id = $2 and r.number = $3
      order by l.joined_at, l.id`;

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

const occurrences = (body: string, pattern: RegExp) => body.match(pattern)?.length ?? 0;

export function runDrilldown(ctx: BenchContext): Promise<string> {
  const { options, root, now, command, log } = ctx;
  return withResources(async (resources) => {
    const build = buildId(root);
    const builds = watchForBuilds();
    resources.add("the build watch", async () => void builds.stop());
    const { url, db, version: pgVersion } = await startDatabase(resources, options.server);
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
    const drill = tenant.drilldown;
    if (!drill) throw new Error("the tenant has no drill-down rooms");
    // As in the account benchmark: what autovacuum would do after a bulk load, done before timing.
    await db.$client.query("vacuum (analyze) conferences, legs, usage_rollups, rooms, users");

    const pool = new pg.Pool({ connectionString: url, max: options.connections });
    pool.on("error", () => {});
    resources.add("the SQL pool", () => pool.end());

    // The expected figures, from the legs.
    const linesParams = [tenant.accountId, drill.period, drill.busyRoom.id];
    const participantsParams = [tenant.accountId, drill.largeConference.id, drill.largeConference.room];
    const lines = (await pool.query<{ id: string; duration_s: string; charge_minor: string }>(MONTH_LINES_SQL, linesParams)).rows;
    const participants = (await pool.query<{ duration_s: number; charge_minor: string }>(PARTICIPANTS_SQL, participantsParams)).rows;
    const roomTotal = lines.reduce<Totals>((t, l) => ({ durationS: t.durationS + Number(l.duration_s), chargeMinor: t.chargeMinor + Number(l.charge_minor) }), { durationS: 0, chargeMinor: 0 });
    const conferenceTotal = participants.reduce<Totals>((t, p) => ({ durationS: t.durationS + p.duration_s, chargeMinor: t.chargeMinor + Number(p.charge_minor) }), { durationS: 0, chargeMinor: 0 });
    const conferences = new Set(lines.map((l) => l.id)).size;
    if (conferences !== options.drilldownConferences) throw new Error(`room ${drill.busyRoom.number} has ${conferences} conferences in ${drill.period}, expected ${options.drilldownConferences}`);
    if (participants.length !== options.drilldownLegs) throw new Error(`conference ${drill.largeConference.id} has ${participants.length} legs, expected ${options.drilldownLegs}`);
    // The page's own SQL must give the first page of those lines and their whole total before anything is timed.
    const pageQueries: Query[] = [
      { text: PAGE_LINES_SQL, values: [...linesParams, ...linesParams, PAGE_SIZE, 0] },
      { text: PAGE_TOTAL_SQL, values: linesParams },
    ];
    const pageLines = (await pool.query<{ id: string }>(pageQueries[0]!.text, pageQueries[0]!.values)).rows;
    const firstIds = [...new Set(lines.map((l) => l.id))].slice(0, PAGE_SIZE);
    if (JSON.stringify([...new Set(pageLines.map((l) => l.id))]) !== JSON.stringify(firstIds) || pageLines.length !== lines.filter((l) => firstIds.includes(l.id)).length) {
      throw new Error("the page's lines query does not give the first page of the month's lines");
    }
    const rollup = (await pool.query<{ conferences: number; duration_s: string; charge_minor: string }>(pageQueries[1]!.text, pageQueries[1]!.values)).rows[0];
    if (!rollup || rollup.conferences !== conferences || Number(rollup.duration_s) !== roomTotal.durationS || Number(rollup.charge_minor) !== roomTotal.chargeMinor) {
      throw new Error(`room_usage does not hold the room's total from the legs: ${JSON.stringify(rollup)}`);
    }
    const texts = (t: Totals) => [formatDuration(t.durationS), formatMoney(t.chargeMinor, MONEY.currency, MONEY.locale)];
    log(`Room ${drill.busyRoom.number}: ${conferences} conferences, ${lines.length} lines, total ${texts(roomTotal).join(" / ")}`);
    log(`Conference ${drill.largeConference.id} (room ${drill.largeConference.room}): ${participants.length} participants, total ${texts(conferenceTotal).join(" / ")}`);

    const pages: PageCase[] = [
      {
        name: `room, ${formatCount(conferences)} conferences`,
        path: `/rooms/${drill.busyRoom.number}?period=${toUrlPeriod(drill.period)}`,
        total: roomTotal,
        // The first line of each conference carries class "first" (components/conference-table.tsx).
        firstPage: { count: (body) => occurrences(body, /<tr class="first" data-conference="/g), expected: Math.min(PAGE_SIZE, conferences), of: conferences, unit: "conferences" },
      },
      {
        name: `conference, ${formatCount(participants.length)} participants`,
        path: `/rooms/${drill.largeConference.room}/conferences/${drill.largeConference.id}`,
        total: conferenceTotal,
        // Participant lines are the page's only bare <tr><td> rows (components/participants-table.tsx).
        firstPage: { count: (body) => occurrences(body, /<tr><td/g), expected: Math.min(PAGE_SIZE, participants.length), of: participants.length, unit: "participants" },
      },
      // An unselectable period: session, room lookup, layout and header, no query of conferences. Isolates the fixed cost.
      { name: "room page shell (no table)", path: `/rooms/${drill.busyRoom.number}?period=1999-01` },
    ];
    const sqlCases: SqlCase[] = [
      { name: `room page's queries: its ${PAGE_SIZE} conferences' lines ∥ the month's count and total from \`room_usage\` (\`getConferenceLines\`)`, queries: pageQueries, rows: pageLines.length + 1 },
      { name: "participants (`getConference` legs query)", queries: [{ text: PARTICIPANTS_SQL, values: participantsParams }], rows: participants.length },
      { name: "the room's month from the legs: every line (ground truth of the total)", queries: [{ text: MONTH_LINES_SQL, values: linesParams }], rows: lines.length },
    ];

    // Where the SQL's time goes, for the report: each query's plan with actual times, run once warm.
    const plans: { name: string; plan: string }[] = [];
    for (const c of sqlCases) {
      for (const q of c.queries) {
        await pool.query(q.text, q.values);
        const { rows: planRows } = await pool.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers) ${q.text}`, q.values);
        plans.push({ name: `${c.name}${c.queries.length > 1 ? ` — query ${c.queries.indexOf(q) + 1}` : ""}`, plan: planRows.map((r) => r["QUERY PLAN"]).join("\n") });
      }
    }

    const running = (await timed(log, "Starting next start", () => freePort().then((port) => startServer({ root, port, databaseUrl: url })))).value;
    const stopRunning = resources.add("next start", () => running.stop());
    const credentials = { username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber };
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

    const verifier = (total: Totals) => {
      const [duration, money] = texts(total);
      return (body: string) => body.includes(money!) && body.includes(duration!);
    };
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

    for (const c of sqlCases) {
      await runSqlSet(pool, c.queries, { runs: Math.max(options.connections, Math.ceil(options.sqlRuns / 10)), concurrency: options.connections });
      c.result = await runSqlSet(pool, c.queries, { runs: options.sqlRuns, concurrency: options.connections });
      if (options.serial > 0) c.serial = await runSqlSet(pool, c.queries, { runs: options.serial, concurrency: 1 });
      const l = c.result;
      log(`SQL ${c.name}: p50 ${formatMs(l.p50)} ms, p95 ${formatMs(l.p95)} ms, p99 ${formatMs(l.p99)} ms, ${l.perSecond.toFixed(1)} q/s`);
    }

    const profiles: { page: PageCase; summary: ProfileSummary; requests: number }[] = [];
    if (options.profile) {
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
    }
    const buildChanged = buildId(root) !== build;

    const sections = [
      `## Drill-down pages: a room with ${formatCount(conferences)} conferences, a conference with ${formatCount(participants.length)} participants — ${isoDate(now)}`,
      "",
      `- Machine: ${machineLine(pgVersion)}.`,
      `- Command: \`${command}\` (${options.warmup} warm-up then ${options.requests} requests per page at concurrency ${options.connections}, ${options.serial} at concurrency 1; SQL ${options.sqlRuns} runs at concurrency ${options.connections}).`,
      `- Tenant ${tenant.accountNumber} (owner session): ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.conferences)} conferences, ${formatCount(tenant.counts.legs)} legs over 12 months ` +
        `(background scale ${options.drilldownScale}), generated with COPY in ${seconds(generation.ms)}; period ${toUrlPeriod(drill.period)} (the previous month). ` +
        `Room ${drill.busyRoom.number}: ${formatCount(conferences)} conferences of 2–5 legs (${formatCount(lines.length)} lines, one per conference and service type), total ${texts(roomTotal).join(" / ")}. ` +
        `Conference ${drill.largeConference.id} in room ${drill.largeConference.room}: ${formatCount(participants.length)} legs, total ${texts(conferenceTotal).join(" / ")}.`,
      `- Every response was 200 and each list page's response contained the whole list's total (duration and charge, formatted as the page formats them); the first page shows ${PAGE_SIZE} conferences / ${PAGE_SIZE} participants (lib/paging.ts PAGE_SIZE). ` +
        `The shell is the room page for an unselectable month: session, room, layout, no conference query.`,
      "",
      markdownTable(
        [
          ["Measure", "c=1 p50 ms", `c=${options.connections} p50 ms`, "p95 ms", "p99 ms", "per s", "runs"],
          ...pages.map((c) => [`page: ${c.name} (\`${c.path}\`)`, formatMs(c.serial?.p50 ?? Number.NaN), formatMs(c.run!.latency.p50), formatMs(c.run!.latency.p95), formatMs(c.run!.latency.p99), c.run!.latency.perSecond.toFixed(1), String(c.run!.latency.count)]),
          ...sqlCases.map((c) => [`SQL: ${c.name}, ${formatCount(c.rows)} rows`, formatMs(c.serial?.p50 ?? Number.NaN), formatMs(c.result!.p50), formatMs(c.result!.p95), formatMs(c.result!.p99), c.result!.perSecond.toFixed(1), String(c.result!.count)]),
        ],
        ["l", "r", "r", "r", "r", "r", "r"],
      ),
      "",
      markdownTable(
        [
          ["Page", "page p50 / p95 ms", "its SQL p50 / p95 ms", "page ÷ its SQL at p95", "from the legs p50 / p95 ms", "page ÷ from the legs at p95", `target p95 ≤ ${TARGET_P95_MS} ms`],
          ...[
            { page: pages[0]!, own: sqlCases[0]!, legs: sqlCases[2]! },
            { page: pages[1]!, own: sqlCases[1]!, legs: sqlCases[1]! },
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
    for (const p of plans) sections.push("", `<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the ${p.name} query, warm, concurrency 1</summary>`, "", "```", p.plan, "```", "", "</details>");
    if (builds.stop()) sections.push("", `- ${BUILD_NOTE}`);
    if (buildChanged) sections.push("", "- **The production build changed during the run** (another `next build` in this tree): the page figures may be disturbed; run again.");
    for (const p of profiles) {
      sections.push(
        "",
        `CPU profile of the server (\`--profile\`), ${p.page.name}: ${p.requests} requests at concurrency ${options.connections}; ${formatMs(p.summary.busyMs)} ms busy of ${formatMs(p.summary.totalMs)} ms sampled, ≈ ${formatMs(p.summary.busyMs / p.requests)} ms of CPU per request.`,
        "",
        ...profileTables(p.summary, p.requests, "per request"),
      );
    }
    return sections.join("\n");
  });
}
