/**
 * The usage API paging through a very large month (`npm run bench -- --only api [--api-conferences N]`,
 * default 200,000; 1,000,000 for the full size): GET /api/v1/usage/conferences?period=YYYY-MM,
 * 1,000 conferences a page, cursor after cursor, one request at a time as a client would page,
 * beside the same keyset query straight on pg (lib/usage-api/queries.ts `conferencesPageQuery`,
 * the rows as pg parses them, nothing else) in the same run. Checks that every conference comes once and
 * that they add up to the month's total. Target: the API at ≥ 0.5× the SQL's rows/s.
 */
import { createHash, randomBytes } from "node:crypto";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Pool } from "pg";
import { periodBounds, toUrlPeriod } from "../../lib/periods";
import { conferencesPageJsonQuery, conferencesPageQuery, type Position } from "../../lib/usage-api/queries";
import { isoDate, machineLine, seconds, startDatabase, timed, BUILD_NOTE, withResources, type BenchContext } from "./context";
import { serveBound } from "./api-bound";
import { serve, watchBuild } from "./setup";
import { formatCount, formatRatio, markdownTable } from "./stats";
import { generateStatementTenant } from "./tenant";

const PAGE = 1000;
const TARGET_RATIO = 0.5;
const TIME_ZONE = "Europe/Paris"; // the tenant's (scripts/bench/tenant.ts)
const dialect = new PgDialect();

type Pass = { rows: number; pages: number; chargeMinor: number; distinct: boolean; ms: number; bytes: number };
const rate = (p: Pass) => (p.rows / p.ms) * 1000;

/** A usage API key of the tenant's owner, written as the portal writes one (only its hash kept). */
async function makeKey(pool: Pool, accountId: number): Promise<string> {
  const key = `cpr_${accountId}_${randomBytes(32).toString("base64url")}`;
  await pool.query(
    `insert into usage_api_keys (account_id, name, prefix, hash, created_by)
     select $1, 'bench', $2, $3, m.user_id from account_members m where m.account_id = $1 and m.role = 'owner' limit 1`,
    [accountId, key.slice(0, 20), createHash("sha256").update(key).digest("hex")],
  );
  return key;
}

/**
 * Every page of the month through the API, one request after the other; `identity` asks for the
 * answers uncompressed (fetch asks for gzip, as most clients do, and Next compresses).
 */
async function pageApi(baseUrl: string, key: string, period: string, identity = false): Promise<Pass> {
  const seen = new Set<number>();
  const pass: Pass = { rows: 0, pages: 0, chargeMinor: 0, distinct: true, ms: 0, bytes: 0 };
  const started = performance.now();
  let cursor: string | null = null;
  do {
    const url = `${baseUrl}/api/v1/usage/conferences?period=${toUrlPeriod(period)}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${key}`, ...(identity ? { "accept-encoding": "identity" } : {}) } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${text.slice(0, 300)}`);
    const page = JSON.parse(text) as { data: { id: number; charge_minor: number }[]; next_cursor: string | null };
    pass.bytes += text.length;
    pass.pages++;
    for (const c of page.data) {
      if (seen.has(c.id)) pass.distinct = false;
      seen.add(c.id);
      pass.chargeMinor += c.charge_minor;
    }
    pass.rows += page.data.length;
    cursor = page.next_cursor;
  } while (cursor);
  pass.ms = performance.now() - started;
  return pass;
}

/**
 * The same pages with the same keyset query straight on pg: the baseline, its rows as pg parses
 * them. `json`: the API's own statement instead, each conference written as JSON by PostgreSQL.
 */
async function pageSql(pool: Pool, accountId: number, period: string, json = false): Promise<Pass> {
  const range = periodBounds(period, TIME_ZONE);
  const pass: Pass = { rows: 0, pages: 0, chargeMinor: 0, distinct: true, ms: 0, bytes: 0 };
  const started = performance.now();
  let after: Position | undefined;
  for (;;) {
    const query = dialect.sqlToQuery((json ? conferencesPageJsonQuery : conferencesPageQuery)({ id: accountId, currency: "EUR" }, range, after, PAGE));
    const { rows } = await pool.query<{ id: string; charge_minor?: string; json?: string; started_at: string }>(query.sql, query.params);
    const page = rows.slice(0, PAGE);
    pass.pages++;
    pass.rows += page.length;
    for (const r of page) pass.chargeMinor += Number(r.charge_minor ?? (JSON.parse(r.json!) as { charge_minor: number }).charge_minor);
    const last = page.at(-1);
    if (rows.length <= PAGE || !last) break;
    after = { at: last.started_at, id: Number(last.id) };
  }
  pass.ms = performance.now() - started;
  return pass;
}

type Run = { api: Pass; identity: Pass; bound: Pass; sql: Pass; json: Pass };

/** Each pass's figures: the API (compressed as asked by fetch, and not), its bound, the SQL. */
function passTable(runs: Run[]): string {
  return markdownTable(
    [
      ["Pass", "API rows/s", "API time", "JSON per page", "API uncompressed rows/s", "node:http + pg alone, rows/s", "SQL rows/s (same keyset query on pg)", "SQL time", "the API's JSON statement on pg, rows/s", "API ÷ SQL"],
      ...runs.map((r, i) => [
        String(i + 1),
        formatCount(Math.round(rate(r.api))),
        seconds(r.api.ms),
        `${formatCount(Math.round(r.api.bytes / r.api.pages / 1024))} KiB`,
        formatCount(Math.round(rate(r.identity))),
        formatCount(Math.round(rate(r.bound))),
        formatCount(Math.round(rate(r.sql))),
        seconds(r.sql.ms),
        formatCount(Math.round(rate(r.json))),
        formatRatio(rate(r.api), rate(r.sql)),
      ]),
    ],
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

export function runApi(ctx: BenchContext): Promise<string> {
  const { options, root, log, now } = ctx;
  return withResources(async (resources) => {
    const builds = watchBuild(resources, root);
    const { url: databaseUrl, db, version } = await startDatabase(resources, options.server);
    const generation = await timed(log, `Generating an account with ${formatCount(options.apiConferences)} conferences in one month`, () =>
      generateStatementTenant(db, { conferences: options.apiConferences, now, log, accountNumber: "700004", firstRoomNumber: 740000 }),
    );
    const tenant = generation.value;
    await db.$client.query("vacuum (analyze) conferences, rooms");
    const total = await db.$client.query<{ n: string; charge: string }>("select count(*) as n, coalesce(sum(charge_minor), 0) as charge from conferences where account_id = $1 and period = $2", [tenant.accountId, tenant.period]);
    const expected = { rows: Number(total.rows[0]!.n), chargeMinor: Number(total.rows[0]!.charge) };
    const key = await makeKey(db.$client, tenant.accountId);
    const { server } = await serve(resources, log, { root, databaseUrl, env: { WORKER: "0", USAGE_API_REQUESTS_PER_MINUTE: "1000000000" } });
    const boundUrl = await serveBound(resources, db.$client, { id: tenant.accountId, currency: "EUR", timeZone: TIME_ZONE });

    // A pass of each to warm the caches, then the API and the SQL alternately, twice.
    await pageSql(db.$client, tenant.accountId, tenant.period);
    await pageApi(server.url, key, tenant.period);
    await pageApi(boundUrl, key, tenant.period, true);
    const runs: Run[] = [];
    for (let i = 0; i < 2; i++) {
      const api = (await timed(log, `API pass ${i + 1}`, () => pageApi(server.url, key, tenant.period))).value;
      const identity = (await timed(log, `API pass ${i + 1}, uncompressed`, () => pageApi(server.url, key, tenant.period, true))).value;
      const bound = (await timed(log, `Bound pass ${i + 1}: node:http and pg alone`, () => pageApi(boundUrl, key, tenant.period, true))).value;
      const sqlPass = (await timed(log, `SQL pass ${i + 1}`, () => pageSql(db.$client, tenant.accountId, tenant.period))).value;
      const json = (await timed(log, `SQL pass ${i + 1}, the API's JSON statement`, () => pageSql(db.$client, tenant.accountId, tenant.period, true))).value;
      for (const [name, pass] of [["API", api], ["API uncompressed", identity], ["bound", bound], ["SQL", sqlPass], ["SQL JSON", json]] as const) {
        if (pass.rows !== expected.rows || pass.chargeMinor !== expected.chargeMinor || !pass.distinct) throw new Error(`${name} pass read ${pass.rows} rows (${pass.chargeMinor}), distinct ${pass.distinct}; expected ${expected.rows} (${expected.chargeMinor})`);
      }
      runs.push({ api, identity, bound, sql: sqlPass, json });
      log(`  API ${formatCount(Math.round(rate(api)))} rows/s (uncompressed ${formatCount(Math.round(rate(identity)))}, bound ${formatCount(Math.round(rate(bound)))}), SQL ${formatCount(Math.round(rate(sqlPass)))} rows/s (JSON statement ${formatCount(Math.round(rate(json)))}): ${formatRatio(rate(api), rate(sqlPass))}`);
    }
    const otherBuild = builds.stop() || builds.changed();
    const ratios = runs.map((r) => rate(r.api) / rate(r.sql));
    const lines = [
      `### Usage API, ${formatCount(expected.rows)} conferences in a month (\`api\`) — ${isoDate(now)}`,
      "",
      `\`${ctx.command}\`; ${machineLine(version)}. The account generated in ${seconds(generation.ms)}; ${formatCount(runs[0]!.api.pages)} pages of ${formatCount(PAGE)}, one request at a time, every conference once and their sum equal to SQL's, in each pass.`,
      "",
      passTable(runs),
      "",
      `Target API ≥ ${TARGET_RATIO}× SQL: **${ratios.every((r) => r >= TARGET_RATIO) ? "met" : "missed"}** (${ratios.map((r) => formatRatio(r, 1)).join(", ")}).`,
      ...(otherBuild ? ["", BUILD_NOTE] : []),
    ];
    return lines.join("\n");
  });
}
