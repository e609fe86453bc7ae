/**
 * CDR ingest at its largest (`npm run bench -- --only ingest [--ingest-legs N]`): 1,000,000 legs
 * (about 5 a conference, in the previous and the current month) POSTed as one CSV to
 * /api/v1/cdrs, timed to the response (parsing, validation, rating, staging, merge and rollups,
 * one transaction), then the account page polled until it shows the new total. Beside it, in the
 * same run, a raw COPY of the same file into an unindexed table with matching columns. Also the
 * server's peak RSS growth during the ingest, and where the database spent its time (every
 * statement's duration from PostgreSQL's log, on the ingest's connection).
 * Targets: ≥ 100,000 legs/s, ≥ 0.3× the raw COPY rate, visible in the portal ≤ 1 s after the response.
 */
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { from as copyFrom } from "pg-copy-streams";
import { z } from "zod";
import type { Database } from "../../db/client";
import { oneRow } from "../../db/rows";
import type { ServiceType } from "../../db/schema";
import { DEFAULT_TARIFF } from "../../lib/demo/demo";
import { seededRandom } from "../../lib/demo/random";
import { createAccount, createApiKey, createRoom, createUser, setTariff } from "../../lib/admin/support";
import { formatDuration, formatMoney } from "../../lib/format";
import { addMonths, periodBounds, periodOf, toUrlPeriod, type Period } from "../../lib/periods";
import { rateLeg } from "../../lib/rating";
import { isoDate, machineLine, seconds, startDatabase, timed, BUILD_NOTE, withResources, type BenchContext, type Resources, type ServerName } from "./context";
import { getPage, login } from "./http";
import { unpartitionLegs } from "./unpartitioned";
import { mib, processCpuMs, sampleMemory, type MemoryReport } from "./memory";
import { profileServer, profileTables, type ProfileSummary } from "./profile";
import type { RunningServer } from "./server";
import { serve, watchBuild } from "./setup";
import { formatCount, formatMs, formatRatio, markdownTable } from "./stats";

const TARGET_LEGS_PER_S = 100_000;
const TARGET_COPY_RATIO = 0.3;
const TARGET_VISIBLE_MS = 1000;
const ACCOUNT_NUMBER = "700004";
const FIRST_ROOM = 740000;
const ROOMS = 100;
const CARDHOLDERS = 10;
const TIME_ZONE = "Europe/Paris";
const PASSWORD = "Bench-Ingest-1";
const POST_LIMIT_MS = 30 * 60_000;
const VISIBLE_LIMIT_MS = 60_000;
const POLL_INTERVAL_MS = 20;
const INGEST_MAX_BYTES = "1000000000";
/** No leg may end in the future: the current month's conferences start at least this long before now. */
const LATEST_START_BEFORE_NOW_MS = 3 * 3600_000;
const SERVICE_MIX: ServiceType[] = ["toll", "toll", "toll", "toll", "toll", "toll", "toll-free", "toll-free", "voip", "voip", "dial-out", "operator-assisted"];
const NAMES = ["Anne Petit", "Bruno Caron", "Claire Faure", "David Rousseau", "Emma Blanc", "Henri Guerin", "Inès Muller", "Karim Boyer", "Laura Fabre", "Marc Andre"];
const CODES = ["SALES-EU", "RD-42", "FIN", "PROJ-ATLAS", "CLIENT-0042"];
const CSV_HEADER = "leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product";

type Totals = { durationS: number; chargeMinor: number; legs: number; conferences: number };

/**
 * Writes the CSV (README "Sending usage": one leg a row, header first) and returns what the
 * portal must show afterwards, per period: legs rated here with lib/rating.ts and the default
 * tariff, independently of the server.
 */
async function writeCsv(file: string, legs: number, now: Date, seed: number): Promise<Map<Period, Totals>> {
  const r = seededRandom(seed);
  const current = periodOf(now, TIME_ZONE);
  const previous = addMonths(current, -1);
  const windows = [previous, current].map((period) => {
    const { start, end } = periodBounds(period, TIME_ZONE);
    return { period, start: start.getTime(), end: Math.min(end.getTime(), now.getTime() - LATEST_START_BEFORE_NOW_MS) };
  });
  // The current month gets a share of the legs in proportion to its elapsed part (none on its first hours).
  const [prev, cur] = windows as [(typeof windows)[0], (typeof windows)[0]];
  const currentShare = cur.end > cur.start ? Math.min(0.5, (cur.end - cur.start) / (prev.end - prev.start)) : 0;
  const totals = new Map<Period, Totals>(windows.map((w) => [w.period, { durationS: 0, chargeMinor: 0, legs: 0, conferences: 0 }]));
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  };
  await write(CSV_HEADER + "\n");
  let written = 0;
  let conference = 0;
  let buffer: string[] = [];
  // Each round writes at least one leg, so this ends after at most `legs` rounds.
  while (written < legs) {
    conference++;
    const w = r.chance(currentShare) ? cur : prev;
    const startedAt = w.start + Math.floor((r.next() * (w.end - w.start)) / 1000) * 1000;
    const lengthS = r.int(10, 95) * 60 + r.int(0, 59);
    const count = Math.min(r.int(3, 7), legs - written);
    const room = String(FIRST_ROOM + r.int(0, ROOMS - 1));
    const code = r.chance(0.3) ? r.pick(CODES) : "";
    const t = totals.get(w.period)!;
    t.conferences++;
    for (let i = 0; i < count; i++) {
      const serviceType = r.pick(SERVICE_MIX);
      const durationS = r.chance(0.03) ? 0 : Math.max(15, lengthS - r.int(0, Math.floor(lengthS / 2)));
      const joinedAt = startedAt + (i === 0 ? 0 : r.int(0, 240)) * 1000;
      const rated = rateLeg(durationS, DEFAULT_TARIFF[serviceType], "EUR");
      t.durationS += durationS;
      t.chargeMinor += rated.chargeMinor;
      t.legs++;
      written++;
      const caller = serviceType === "voip" ? "" : `+33 ${r.int(1, 6)} ${String(r.int(0, 99_999_999)).padStart(8, "0")}`;
      // No field holds a comma, a quote or a line break, so none needs quoting.
      buffer.push(
        `bi-l${String(written).padStart(9, "0")},bi-c${String(conference).padStart(8, "0")},${room},${serviceType},` +
          `${new Date(joinedAt).toISOString()},${new Date(joinedAt + durationS * 1000).toISOString()},${r.pick(NAMES)},${caller},${serviceType === "toll-free" ? "0 800 91 04 27" : ""},${i === 0 ? code : ""},\n`,
      );
      if (buffer.length >= 10_000) {
        await write(buffer.join(""));
        buffer = [];
      }
    }
  }
  await write(buffer.join(""));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return totals;
}

type Post = { status: number; body: string; ms: number; uploadMs: number; memory: MemoryReport };

/** POSTs the file as the bridge would, sampling the server's memory meanwhile. */
async function postCsv(server: RunningServer, key: string, file: string): Promise<Post> {
  const sampler = sampleMemory(server.pid);
  const started = performance.now();
  let uploadMs = Number.NaN;
  try {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/cdrs`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "text/csv", "content-length": statSync(file).size },
        timeout: POST_LIMIT_MS,
      });
      req.on("timeout", () => req.destroy(new Error(`POST /api/v1/cdrs took longer than ${POST_LIMIT_MS / 60_000} min`)));
      req.on("error", reject);
      req.on("finish", () => (uploadMs = performance.now() - started));
      req.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      });
      createReadStream(file).on("error", reject).pipe(req);
    });
    return { status, body, ms: performance.now() - started, uploadMs, memory: sampler.stop() };
  } catch (error) {
    sampler.stop();
    throw error;
  }
}

/** The unindexed table of the baseline: the CSV's columns, typed as the API reads them. */
const RAW_TABLE = `create table raw_legs (
  leg_id text, conference_id text, room_number text, service_type text, started_at timestamptz, ended_at timestamptz,
  caller_name text, caller_number text, dialed_number text, billing_code text, product text)`;

async function copyCsv(db: Database, file: string): Promise<{ ms: number; rows: number }> {
  const client = await db.$client.connect();
  try {
    await client.query("drop table if exists raw_legs");
    await client.query(RAW_TABLE);
    await client.query("checkpoint");
    const started = performance.now();
    const copy = client.query(copyFrom("copy raw_legs from stdin with (format csv, header true)"));
    await pipeline(createReadStream(file), copy);
    const ms = performance.now() - started;
    return { ms, rows: Number(copy.rowCount) };
  } finally {
    client.release();
  }
}

type StatementTime = { label: string; ms: number; count: number };

/** Labels of the ingest's statements (lib/ingest/ingest.ts), in the order they run. */
const STATEMENT_LABELS: [RegExp, string][] = [
  [/^create temp table ingest_/, "create the staging and work tables"],
  [/^truncate/, "empty the staging and work tables (each chunk)"],
  [/^(copy|insert into) ingest_legs[ (]/, "stage rows (COPY … FROM STDIN, a chunk of 100,000 legs at a time, while the next is read, parsed, validated, rated and grouped by conference)"],
  [/^analyze ingest_(legs|groups)/, "analyse the staged legs and conferences (first chunk)"],
  [/^select pg_advisory_xact_lock/, "lock the batch's accounts"],
  [/^set local/, "settings (jit off, work_mem, daily rollup by the ingest)"],
  [/^(copy|insert into) ingest_groups[ (]/, "stage the chunk's conferences as the read loop grouped them"],
  [/^insert into ingest_conferences/, "the chunk's conferences with the stored ones they extend (new ones get their id, period, product and code)"],
  [/^delete from ingest_legs s using legs/, "drop the legs already stored (duplicates: one probe of the legs' key each)"],
  [/^analyze ingest_conferences/, "analyse the conferences (first chunk)"],
  [/^select line, conference_ext, account_id from ingest_conferences/, "check conference/room conflicts"],
  [/^select account_id, conference_ext from ingest_conferences where extends/, "the conferences extended (their daily-rollup buckets are recomputed)"],
  [/^select c\.id from conferences c join ingest_conferences/, "lock the conferences extended"],
  [/^insert into ingest_report_keys/, "daily-rollup buckets of the conferences extended"],
  [/^with changed as/, "extend stored conferences"],
  [/^insert into conferences/, "insert new conferences with their legs' totals (5 indexes; the room check once per statement)"],
  [/^insert into legs/, "insert legs (3 indexes, one of toll-free legs only; the conference check once per statement)"],
  [/^(with delta as|insert into "?usage_rollups"?)/, "rollups (extended conferences out and in, new ones from the added legs: lib/usage/rollups.ts)"],
  [/^delete from "?(usage_rollups|room_usage)"?/, "rollups (empty buckets)"],
  [/^(copy|insert into) ingest_report_days/, "daily rollup: the new conferences' figures, summed by the read loop"],
  [/^insert into report_days/, "daily rollup: the new conferences' figures added (once)"],
  [/^select report_days_recompute/, "daily rollup: buckets of the conferences extended recomputed (once)"],
  [/^select sum\(i\.legs\) as accepted/, "count accepted and late legs"],
  [/^(begin|commit|savepoint|release savepoint|rollback to savepoint)/, "begin / commit, a savepoint per chunk"],
];

/**
 * Every statement's duration logged by PostgreSQL (log_min_duration_statement = 0) on the
 * connection that staged the rows, between two instants; grouped by what it does.
 */
function ingestStatementTimes(
  logFile: string,
  from: Date,
  to: Date,
): { byLabel: StatementTime[]; totalMs: number; pid: number | undefined; beganAt: Date | undefined; idleMs: number; longestGaps: { ms: number; before: string }[] } {
  const lines = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n") : [];
  const parsed: { at: Date; pid: string; ms: number; text: string; executes: boolean }[] = [];
  const prefix = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+) \[(\d+)\] /;
  let current: (typeof parsed)[number] | undefined;
  for (const line of lines) {
    if (!prefix.test(line)) {
      // A statement's next lines (the ingest's SQL starts on a new line): keep enough to label it.
      if (current && current.text.length < 200) current.text = `${current.text} ${line}`;
      continue;
    }
    current = undefined;
    const m = /^(\S+ \S+ \w+) \[(\d+)\] LOG:  duration: ([\d.]+) ms  (statement|parse|bind|execute)[^:]*: (.*)$/.exec(line);
    if (!m) continue;
    const at = new Date(m[1]!.replace(/ (UTC|GMT)$/, "Z").replace(" ", "T"));
    // The extended protocol logs parse, bind and execute apart: all take time, one runs the statement.
    current = { at, pid: m[2]!, ms: Number(m[3]), text: m[5]!, executes: m[4] === "statement" || m[4] === "execute" };
    parsed.push(current);
  }
  for (const p of parsed) p.text = p.text.trim().replace(/\s+/g, " ").toLowerCase();
  const during = parsed.filter((p) => p.at >= from && p.at <= to);
  const pid = during.find((p) => /^(copy|insert into) ingest_legs/.test(p.text))?.pid;
  const mine = during.filter((p) => p.pid === pid);
  const byLabel = new Map<string, StatementTime>();
  for (const p of mine) {
    const label = STATEMENT_LABELS.find(([pattern]) => pattern.test(p.text))?.[1] ?? `other: ${p.text.slice(0, 50)}`;
    const entry = byLabel.get(label) ?? { label, ms: 0, count: 0 };
    entry.ms += p.ms;
    if (p.executes) entry.count++;
    byLabel.set(label, entry);
  }
  const order = (label: string) => {
    const i = STATEMENT_LABELS.findIndex(([, l]) => l === label);
    return i < 0 ? STATEMENT_LABELS.length : i;
  };
  const list = [...byLabel.values()].sort((a, b) => order(a.label) - order(b.label) || b.ms - a.ms);
  // The connection's idle stretches between its statements (each logged when it ends, with its
  // duration), from the transaction's start: before it the batch is checked with no connection held.
  const began = mine.find((p) => p.text === "begin");
  const spans = mine
    .filter((p) => !began || p.at >= began.at)
    .map((p) => ({ start: p.at.getTime() - p.ms, end: p.at.getTime(), text: p.text }))
    .sort((a, b) => a.start - b.start);
  const gaps: { ms: number; before: string }[] = [];
  let end = spans[0]?.start ?? 0;
  for (const span of spans) {
    if (span.start > end) gaps.push({ ms: span.start - end, before: span.text.slice(0, 40) });
    end = Math.max(end, span.end);
  }
  const idleMs = gaps.reduce((sum, g) => sum + g.ms, 0);
  const longestGaps = gaps.sort((a, b) => b.ms - a.ms).slice(0, 3);
  return { byLabel: list, totalMs: list.reduce((s, e) => s + e.ms, 0), pid: pid === undefined ? undefined : Number(pid), beganAt: began?.at, idleMs, longestGaps };
}

/**
 * The plans auto_explain logged (statement, time, plan with actual rows and times, trigger
 * times), between two instants. The query text is cut to its first words.
 */
function loggedPlans(logFile: string, from: Date, to: Date): { ms: number; plan: string }[] {
  const lines = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n") : [];
  const prefix = /^(\S+ \S+ \w+) \[(\d+)\] /;
  const plans: { at: Date; ms: number; lines: string[] }[] = [];
  let current: (typeof plans)[number] | undefined;
  for (const line of lines) {
    const p = prefix.exec(line);
    if (!p) {
      current?.lines.push(line.replace(/^\t/, ""));
      continue;
    }
    current = undefined;
    const m = /LOG:  duration: ([\d.]+) ms  plan:/.exec(line);
    if (!m) continue;
    current = { at: new Date(p[1]!.replace(/ (UTC|GMT)$/, "Z").replace(" ", "T")), ms: Number(m[1]), lines: [] };
    plans.push(current);
  }
  return plans
    .filter((p) => p.at >= from && p.at <= to)
    .map((p) => {
      const first = p.lines.findIndex((l) => /\((cost|actual)[= ]/.test(l));
      const query = p.lines
        .slice(0, Math.max(0, first))
        .join(" ")
        .replace(/^Query Text:/, "")
        .replace(/\s+/g, " ")
        .trim();
      return { ms: p.ms, plan: [`Query: ${query.slice(0, 160)}${query.length > 160 ? " …" : ""}`, ...p.lines.slice(Math.max(0, first)).filter((l) => l.trim())].join("\n") };
    });
}

/** Logs the plan of every statement slower than `minDuration` with actual times (a profiling aid: it slows them). */
async function setAutoExplain(db: Database, minDuration: string | null): Promise<void> {
  const client = await db.$client.connect();
  try {
    // Loaded here first so that ALTER SYSTEM knows its settings.
    await client.query("load 'auto_explain'");
    const settings: [string, string][] = [
      ["session_preload_libraries", "'auto_explain'"],
      ["auto_explain.log_min_duration", `'${minDuration}'`],
      ["auto_explain.log_analyze", "on"],
      ["auto_explain.log_buffers", "on"],
      ["auto_explain.log_triggers", "on"],
    ];
    for (const [name, value] of settings) await client.query(minDuration === null ? `alter system reset ${name}` : `alter system set ${name} = ${value}`);
    await client.query("select pg_reload_conf()");
  } finally {
    client.release();
  }
}

/** Turns PostgreSQL's log of every statement's duration on or off (for the ingest's request only). */
async function setStatementLog(db: Database, on: boolean): Promise<void> {
  await db.$client.query(on ? "alter system set log_min_duration_statement = 0" : "alter system reset log_min_duration_statement");
  await db.$client.query("select pg_reload_conf()");
  // Backends read the new setting at their next command; give the signal a moment to arrive.
  await sleep(200);
}

/** The account as support creates it (lib/admin/support.ts), with the default tariff, and its API key. */
async function createIngestAccount(db: Database, log: (line: string) => void): Promise<{ owner: string; key: string }> {
  const setup = await timed(log, `Creating account ${ACCOUNT_NUMBER} with ${ROOMS} rooms and an API key`, async () => {
    for (const [serviceType, rate] of Object.entries(DEFAULT_TARIFF) as [ServiceType, (typeof DEFAULT_TARIFF)[ServiceType]][]) {
      await setTariff(db, { serviceType, rate: (rate.ratePerMinuteE4 / 10_000).toFixed(4), increment: rate.incrementS, minimum: rate.minimumS, from: "2000-01-01" });
    }
    await createAccount(db, { number: ACCOUNT_NUMBER, company: "Ingest Benchmark", timeZone: TIME_ZONE });
    const owner = `owner@t${ACCOUNT_NUMBER}.example`;
    await createUser(db, { email: owner, name: "Ingest Owner", password: PASSWORD, account: ACCOUNT_NUMBER, role: "owner" });
    for (let i = 0; i < CARDHOLDERS; i++) await createUser(db, { email: `holder-${i}@t${ACCOUNT_NUMBER}.example`, name: `Holder ${i}`, password: PASSWORD, account: ACCOUNT_NUMBER });
    for (let i = 0; i < ROOMS; i++) {
      await createRoom(db, { account: ACCOUNT_NUMBER, number: String(FIRST_ROOM + i), cardholder: `holder-${i % CARDHOLDERS}@t${ACCOUNT_NUMBER}.example`, ...(i % 5 === 0 ? { autoCode: "AUTO-1" } : {}) });
    }
    const { key } = await createApiKey(db, { account: ACCOUNT_NUMBER });
    return { owner, key };
  });
  return setup.value;
}

type Body = { file: string; bytes: number; ms: number; periods: [Period, Totals][] };

/** The request's body: `--ingest-legs` legs as CSV, and the totals each period with legs must show. */
async function writeBody(ctx: BenchContext, dir: string): Promise<Body> {
  const { options, now, log } = ctx;
  const file = path.join(dir, "legs.csv");
  const generation = await timed(log, `Writing ${formatCount(options.ingestLegs)} legs as CSV`, () => writeCsv(file, options.ingestLegs, now, options.seed ?? 700004));
  const periods = [...generation.value.entries()].filter(([, t]) => t.legs > 0);
  for (const [period, t] of periods) log(`  ${toUrlPeriod(period)}: ${formatCount(t.conferences)} conferences, ${formatCount(t.legs)} legs, ${formatDuration(t.durationS)} / ${formatMoney(t.chargeMinor, "EUR", "fr-FR")}`);
  return { file, bytes: statSync(file).size, ms: generation.ms, periods };
}

const accountPath = (period: Period) => `/account?period=${toUrlPeriod(period)}`;
const totalsTexts = (t: Totals) => [formatDuration(t.durationS), formatMoney(t.chargeMinor, "EUR", "fr-FR")];

/** Polls the account page from the response on, until it shows the period's new total. */
async function waitUntilVisible(server: RunningServer, cookie: string, period: Period, totals: Totals): Promise<{ visibleMs: number; polls: number }> {
  const wanted = totalsTexts(totals);
  const visibleFrom = performance.now();
  let polls = 0;
  while (performance.now() - visibleFrom < VISIBLE_LIMIT_MS) {
    polls++;
    const page = await getPage(server.url + accountPath(period), cookie);
    if (page.status === 200 && wanted.every((text) => page.body.includes(text))) return { visibleMs: performance.now() - visibleFrom, polls };
    await sleep(POLL_INTERVAL_MS);
  }
  return { visibleMs: Number.NaN, polls };
}

type IngestRun = {
  post: Post;
  postStarted: Date;
  serverCpuMs: number;
  backendCpuMs: number;
  visibleMs: number;
  polls: number;
  statements: ReturnType<typeof ingestStatementTimes>;
};

/** The request: POSTed with PostgreSQL logging every statement, then the account pages polled and checked. */
async function measureIngest(ctx: BenchContext, resources: Resources, spec: { db: Database; databaseUrl: string; logFile: string; owner: string; key: string; body: Body }): Promise<IngestRun> {
  const { db, body } = spec;
  const { server, stop } = await serve(resources, ctx.log, { root: ctx.root, databaseUrl: spec.databaseUrl, env: { INGEST_MAX_BYTES } });
  const cookie = await login(server.url, { username: spec.owner, password: PASSWORD, number: ACCOUNT_NUMBER });
  // Warm: the account page (empty) rendered once, so the visibility poll measures the data, not the first compile.
  for (const [period] of body.periods) await getPage(server.url + accountPath(period), cookie);

  await db.$client.query("checkpoint");
  await setStatementLog(db, true);
  const postStarted = new Date();
  ctx.log(`POST /api/v1/cdrs (${formatCount(body.bytes)} bytes)…`);
  const serverCpuBefore = processCpuMs(server.pid) ?? Number.NaN;
  const post = await postCsv(server, spec.key, body.file);
  const postEnded = new Date();
  const serverCpuMs = (processCpuMs(server.pid) ?? Number.NaN) - serverCpuBefore;
  if (post.status !== 200) throw new Error(`POST /api/v1/cdrs answered ${post.status}: ${post.body.slice(0, 1000)}\n${server.output()}`);

  // The time from the response to the account page showing the new total (the previous month's, the larger one).
  const [mainPeriod, mainTotals] = body.periods[0]!;
  const { visibleMs, polls } = await waitUntilVisible(server, cookie, mainPeriod, mainTotals);
  await setStatementLog(db, false);
  if (Number.isNaN(visibleMs)) throw new Error(`${accountPath(mainPeriod)} did not show ${totalsTexts(mainTotals).join(" / ")} within ${VISIBLE_LIMIT_MS / 1000} s`);
  // Every period's page shows its total.
  for (const [period, t] of body.periods) {
    const page = await getPage(server.url + accountPath(period), cookie);
    const texts = totalsTexts(t);
    if (page.status !== 200 || !texts.every((text) => page.body.includes(text))) throw new Error(`${accountPath(period)} does not show ${texts.join(" / ")}`);
  }
  const statements = ingestStatementTimes(spec.logFile, new Date(postStarted.getTime() - 1000), postEnded);
  // The ingest's backend is still in the server's pool until it stops: its CPU time over its life,
  // nearly all of it this batch (the page loads before and after took a few milliseconds).
  const backendCpuMs = statements.pid === undefined ? Number.NaN : (processCpuMs(statements.pid) ?? Number.NaN);
  await stop();
  return { post, postStarted, serverCpuMs, backendCpuMs, visibleMs, polls, statements };
}

type Stored = { legs: number; conferences: number };

/** The answer and the tables hold every leg, every conference and the rated total. */
async function checkStored(db: Database, legs: number, body: Body, post: Post): Promise<Stored> {
  const answer = JSON.parse(post.body) as { accepted: number; duplicates: number; late: number };
  const stored = await oneRow(
    db,
    z.object({ legs: z.coerce.number(), conferences: z.coerce.number(), charge: z.coerce.number() }),
    sql`select (select count(*) from legs l join accounts a on a.id = l.account_id where a.number = ${ACCOUNT_NUMBER}) as legs,
               (select count(*) from conferences c join accounts a on a.id = c.account_id where a.number = ${ACCOUNT_NUMBER}) as conferences,
               (select coalesce(sum(u.charge_minor), 0) from usage_rollups u join accounts a on a.id = u.account_id where a.number = ${ACCOUNT_NUMBER}) as charge`,
  );
  const expectedConferences = body.periods.reduce((s, [, t]) => s + t.conferences, 0);
  const expectedCharge = body.periods.reduce((s, [, t]) => s + t.chargeMinor, 0);
  if (answer.accepted !== legs || answer.duplicates !== 0 || stored.legs !== legs || stored.conferences !== expectedConferences || stored.charge !== expectedCharge) {
    throw new Error(`stored ${stored.legs} legs, ${stored.conferences} conferences, rollups ${stored.charge}; expected ${legs}, ${expectedConferences}, ${expectedCharge} (answer ${post.body})`);
  }
  return stored;
}

/** The baseline: the same file by COPY into an unindexed table. */
async function copyBaseline(db: Database, body: Body, legs: number, log: (line: string) => void): Promise<{ ms: number; rows: number }> {
  const copy = await timed(log, "Baseline: COPY into an unindexed table", () => copyCsv(db, body.file));
  if (copy.value.rows !== legs) throw new Error(`COPY stored ${copy.value.rows} rows, expected ${legs}`);
  log(`COPY: ${formatCount(copy.value.rows)} rows in ${seconds(copy.value.ms)}, ${formatCount(Math.round(legs / (copy.value.ms / 1000)))} rows/s`);
  return copy.value;
}

type IngestProfile = { summary: ProfileSummary; ms: number; plans: { ms: number; plan: string }[] };

/** `--profile`: the same batch again into an emptied account, on a profiled server, its slow statements' plans logged. */
async function profileIngest(ctx: BenchContext, resources: Resources, spec: { db: Database; databaseUrl: string; logFile: string; key: string; body: Body }): Promise<IngestProfile> {
  const { db } = spec;
  await db.$client.query("drop table raw_legs");
  await db.$client.query("truncate legs, conferences, usage_rollups, room_usage");
  await db.$client.query("vacuum (analyze) legs, conferences, usage_rollups, room_usage");
  await db.$client.query("checkpoint");
  await setAutoExplain(db, "500ms");
  const profileStarted = new Date();
  const profiled = await profileServer({
    root: ctx.root,
    databaseUrl: spec.databaseUrl,
    resources,
    env: { INGEST_MAX_BYTES },
    work: async (server) => {
      const run = await postCsv(server, spec.key, spec.body.file);
      if (run.status !== 200) throw new Error(`profiled POST answered ${run.status}: ${run.body.slice(0, 500)}`);
      ctx.log(`Profiled ingest: ${seconds(run.ms)}`);
      return run.ms;
    },
  });
  await setAutoExplain(db, null);
  return { summary: profiled.summary, ms: profiled.value, plans: loggedPlans(spec.logFile, profileStarted, new Date()) };
}

/**
 * The same batch on a second database whose legs are one plain table (scripts/bench/unpartitioned.ts):
 * what the monthly partitions cost the ingest, same code, same run, each on a fresh server.
 */
async function measureUnpartitioned(ctx: BenchContext, resources: Resources, body: Body): Promise<IngestRun> {
  const { db, databaseUrl, logFile } = await startLoggingDatabase(resources, ctx.options.server, "portal-ingest-plain-");
  await timed(ctx.log, "Legs as one plain table (no partitions)", () => unpartitionLegs(db));
  const { owner, key } = await createIngestAccount(db, ctx.log);
  const run = await measureIngest(ctx, resources, { db, databaseUrl, logFile, owner, key, body });
  await checkStored(db, ctx.options.ingestLegs, body, run.post);
  ctx.log(`Ingest, legs unpartitioned: ${seconds(run.post.ms)}, ${formatCount(Math.round(ctx.options.ingestLegs / (run.post.ms / 1000)))} legs/s`);
  return run;
}

/**
 * A throwaway PostgreSQL that writes its log into a directory of its own (removed at the end),
 * where the benchmark reads every statement's duration.
 */
async function startLoggingDatabase(resources: Resources, server: ServerName, prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  // PostgreSQL runs as its own user and writes its log here.
  chmodSync(dir, 0o777);
  resources.add(`the directory ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  const { url: databaseUrl, db, version } = await startDatabase(resources, server, {
    logging_collector: "on",
    log_directory: dir,
    log_filename: "postgresql.log",
    log_line_prefix: "%m [%p] ",
    log_parameter_max_length: "0",
  });
  return { dir, databaseUrl, db, version, logFile: path.join(dir, "postgresql.log") };
}

export function runIngest(ctx: BenchContext): Promise<string> {
  const { options, root, log } = ctx;
  const legs = options.ingestLegs;
  return withResources(async (resources) => {
    const builds = watchBuild(resources, root);
    const { dir, databaseUrl, db, version: pgVersion, logFile } = await startLoggingDatabase(resources, options.server, "portal-ingest-");
    const { owner, key } = await createIngestAccount(db, log);
    const body = await writeBody(ctx, dir);

    const run = await measureIngest(ctx, resources, { db, databaseUrl, logFile, owner, key, body });
    const { post } = run;
    log(
      `Ingest: ${post.status} ${post.body.slice(0, 200)} in ${seconds(post.ms)} (upload done at ${seconds(post.uploadMs)}), ${formatCount(Math.round(legs / (post.ms / 1000)))} legs/s; ` +
        `server RSS ${mib(post.memory.before)} → ${mib(post.memory.peak)} (+${mib(post.memory.growth)}); visible after ${formatMs(run.visibleMs)} ms (${run.polls} polls)`,
    );
    const stored = await checkStored(db, legs, body, post);
    const copy = await copyBaseline(db, body, legs, log);
    const plain = await measureUnpartitioned(ctx, resources, body);
    const profile = options.profile ? await profileIngest(ctx, resources, { db, databaseUrl, logFile, key, body }) : undefined;
    const buildChanged = builds.changed();
    return ingestSection(ctx, { pgVersion, body, run, stored, copy, plain, profile, otherBuild: builds.stop(), buildChanged });
  });
}

type Measured = {
  pgVersion: string;
  body: Body;
  run: IngestRun;
  stored: Stored;
  copy: { ms: number; rows: number };
  /** The same batch with legs as one plain table. */
  plain: IngestRun;
  profile: IngestProfile | undefined;
  otherBuild: boolean;
  buildChanged: boolean;
};

/** The API beside the raw COPY, and the time until the portal shows the new total. */
function ingestTable(legs: number, m: Measured): string {
  const { post, visibleMs, polls } = m.run;
  return markdownTable(
    [
      ["Measure", "time", "legs/s", "notes"],
      [
        "**API**: `POST /api/v1/cdrs` (every row checked as the body arrives; then parse, validate, rate, stage, merge, rollups in one transaction)",
        seconds(post.ms),
        formatCount(Math.round(legs / (post.ms / 1000))),
        `upload finished after ${seconds(post.uploadMs)}; server RSS ${mib(post.memory.before)} → peak ${mib(post.memory.peak)}, growth **${mib(post.memory.growth)}** (VmHWM ${mib(post.memory.hwmBefore)} → ${mib(post.memory.hwmAfter)})`,
      ],
      [
        "The API again, on a second database whose legs are one plain table (same columns, key, indexes and triggers; no monthly partitions)",
        seconds(m.plain.post.ms),
        formatCount(Math.round(legs / (m.plain.post.ms / 1000))),
        `its own fresh server and PostgreSQL, after the partitioned run; CPU: server ${seconds(m.plain.serverCpuMs)}, backend ${seconds(m.plain.backendCpuMs)}`,
      ],
      ["Baseline: `COPY raw_legs FROM STDIN (csv)` into an unindexed table", seconds(m.copy.ms), formatCount(Math.round(legs / (m.copy.ms / 1000))), "same file, pg-copy-streams, typed columns, no index or constraint"],
      ["Response → account page shows the new total", `${formatMs(visibleMs)} ms`, "", `${polls} GET ${accountPath(m.body.periods[0]![0])} (the first already showed it when 1)`],
    ],
    ["l", "r", "r", "l"],
  );
}

/** Where the request's time went: CPU of the server and of the ingest's backend, then the database's statements. */
function timeLines(m: Measured): string[] {
  const { post, postStarted, serverCpuMs, backendCpuMs, statements } = m.run;
  return [
    `CPU time during the request: the server (\`next start\`, all its threads) ${seconds(serverCpuMs)}; the ingest's PostgreSQL backend ${seconds(backendCpuMs)} ` +
      `(over its life in the server's pool: this batch and a few page loads); on ${cpus().length} cores, for ${seconds(post.ms)} of wall time.`,
    "",
    `Database time on the ingest's connection (PostgreSQL's log, log_min_duration_statement = 0 during the request; parse, bind and execute summed): ` +
      `${seconds(statements.totalMs)} of the ${seconds(post.ms)}. The body is first read and every row checked, with no transaction: its \`begin\` came ${statements.beganAt ? seconds(statements.beganAt.getTime() - postStarted.getTime()) : "(not seen)"} after the request started. In the transaction, idle between its statements ${formatMs(statements.idleMs)} ms (waiting for the server; the longest: ${statements.longestGaps.map((g) => `${formatMs(g.ms)} ms before \`${g.before}…\``).join(", ")}). The batch is merged a chunk of 100,000 legs at a time (COPY into the staging table, then the statements below), while the server reads again (from its copy of the body), parses, validates and rates the next chunk.`,
    "",
    markdownTable([["Statement", "count", "ms"], ...statements.byLabel.map((s) => [s.label, String(s.count), formatMs(s.ms)])], ["l", "r", "r"]),
  ];
}

/** `--profile`: the CPU profile of the second ingest and the plans of its slow statements. */
function profileLines(legs: number, profile: IngestProfile): string[] {
  const lines = [
    "",
    `CPU profile of the server (\`--profile\`) during a second ingest of the same file into the emptied account (${seconds(profile.ms)} under the profiler): ` +
      `${seconds(profile.summary.busyMs)} busy of ${seconds(profile.summary.totalMs)} sampled, ≈ ${((profile.summary.busyMs * 1000) / legs).toFixed(1)} µs of CPU per leg.`,
    "",
    ...profileTables(profile.summary, legs / 1000, "per 1,000 legs"),
  ];
  for (const p of profile.plans) {
    lines.push("", `<details><summary>Plan of a statement of ${seconds(p.ms)} during the profiled ingest (auto_explain, actual times: slower than unobserved)</summary>`, "", "```", p.plan, "```", "", "</details>");
  }
  return lines;
}

/** The Markdown section for docs/BENCHMARKS.md. */
function ingestSection(ctx: BenchContext, m: Measured): string {
  const legs = ctx.options.ingestLegs;
  const { post, visibleMs } = m.run;
  const legsPerS = legs / (post.ms / 1000);
  const copyPerS = legs / (m.copy.ms / 1000);
  const ratio = legsPerS / copyPerS;
  const lines = [
    `## CDR ingest, ${formatCount(legs)} legs in one request — ${isoDate(ctx.now)}`,
    "",
    `- Machine: ${machineLine(m.pgVersion)}.`,
    `- Command: \`${ctx.command}\`.`,
    `- Account ${ACCOUNT_NUMBER} created with lib/admin/support.ts: ${ROOMS} rooms (${CARDHOLDERS} cardholders), the default tariff (lib/demo/demo.ts DEFAULT_TARIFF) as the provider's, an API key; empty before the request.`,
    `- Body: one CSV of ${formatCount(legs)} legs (${(m.body.bytes / 2 ** 20).toFixed(0)} MiB, header row, the README's 11 columns; ${m.body.periods.map(([p, t]) => `${toUrlPeriod(p)}: ${formatCount(t.conferences)} conferences, ${formatCount(t.legs)} legs`).join("; ")}), written in ${seconds(m.body.ms)}; ` +
      `POSTed with \`Content-Type: text/csv\` over HTTP/1.1 from the same machine, INGEST_MAX_BYTES=${INGEST_MAX_BYTES}.`,
    `- Checked: the answer ${post.body.trim()}; ${formatCount(m.stored.legs)} legs and ${formatCount(m.stored.conferences)} conferences stored; the rollups' charge and every period's account page show the totals rated independently by the benchmark (lib/rating.ts).`,
    "",
    ingestTable(legs, m),
    "",
    `Ratio API ÷ COPY: ${formatRatio(legsPerS, copyPerS)} (${ratio.toFixed(2)}). Partitioned ÷ plain legs: ${formatRatio(m.plain.post.ms, post.ms)} (target ≥ 0.9×).`,
    "",
    `Targets: ≥ ${formatCount(TARGET_LEGS_PER_S)} legs/s — **${legsPerS >= TARGET_LEGS_PER_S ? "met" : "missed"}** (${formatCount(Math.round(legsPerS))}); ` +
      `≥ ${TARGET_COPY_RATIO}× the raw COPY rate — **${ratio >= TARGET_COPY_RATIO ? "met" : "missed"}** (${ratio.toFixed(2)}×); ` +
      `visible ≤ ${TARGET_VISIBLE_MS / 1000} s after the response — **${visibleMs <= TARGET_VISIBLE_MS ? "met" : "missed"}** (${formatMs(visibleMs)} ms).`,
    "",
    ...timeLines(m),
  ];
  if (m.otherBuild) lines.push("", `- ${BUILD_NOTE}`);
  if (m.buildChanged) lines.push("", "- **The production build changed during the run** (another `next build` in this tree): the API figures may be disturbed; run again.");
  if (m.profile) lines.push(...profileLines(legs, m.profile));
  return lines.join("\n");
}
