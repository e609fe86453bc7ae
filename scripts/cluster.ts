/**
 * `npm run test:cluster` (also a step of `npm test`): the portal as a provider runs it, every part a
 * real process on loopback — a PostgreSQL primary and its streaming replica (Debian's 15),
 * PgBouncer in transaction mode in front of both, two web servers (`WORKER=0`) behind HAProxy, and
 * two job workers. Under load (two accounts' owners browsing and assigning codes, a room holder,
 * CDR batches, scheduled reports falling due every minute), it kills one web server and one
 * worker with SIGKILL, then stops the replica, and counts:
 *
 * - GETs that failed (beyond HAProxy's one retry): must be 0 — but for those whose answer had begun
 *   when their server was killed (cut mid-body, which no proxy can retry), counted apart;
 * - actions (billing codes) not answered: 0 — an action cut by its server's death is answered by
 *   HAProxy with a 502; the user sends it again, and it is then done or a named conflict;
 * - scheduled reports lost or sent twice: 0 — every run created is delivered once to its address;
 * - CDR batches half written: 0 — each is whole (accepted) or absent (refused, or cut).
 *
 * Bounded: about three minutes. Run with react-server conditions (the data layer is server-only).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import pg from "pg";
import { createDb, type Database } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { createAccount, createApiKey, createRoom, createUser, setTariff } from "../lib/admin/support";
import { scopeOf } from "../lib/auth/scope";
import { createSchedule } from "../lib/data/schedules";
import { addMonths, periodOf, toUrlPeriod } from "../lib/periods";
import { login } from "./bench/http";
import { startServer, type RunningServer } from "./bench/server";
import { buildIfNeeded } from "./lib/build";
import { startHaProxy, startPgBouncer, startWorkerProcess, type HaProxy, type Process } from "./lib/cluster";
import { createDatabase, freePort, startPostgres, startReplica, type TempPostgres } from "./lib/postgres";
import { assignedText, codeForm, conferenceLinks, CONFLICT_TEXT, legsCsv } from "./lib/soak";

/** Scheduled reports per account, each to an address of its own. */
const SCHEDULES = 3;
/** Worker 1 is killed once it holds a run (the minute tick comes up to 35 s late: pg-boss's cron), or at this time into the load. */
const WORKER_KILL_DEADLINE_MS = 90_000;
/** How long every run created may take to be delivered after the load: a killed worker's lease (DELIVERY_LEASE_SECONDS) plus a tick. */
const DRAIN_MS = 100_000;
const LEASE_SECONDS = 15;
/** The primary's and the replica's (a standby may not have fewer connections than its primary). */
const SERVER_SETTINGS = { max_connections: "300" };

const PERIOD = addMonths(periodOf(new Date(), "UTC"), -1);
const Q = `period=${toUrlPeriod(PERIOD)}`;
const PASSWORD = "a long password";

type Party = { number: string; company: string; owner: string; holder: string; rooms: [string, string]; key?: string; cookie?: string; holderCookie?: string };
const A: Party = { number: "650101", company: "Alder Cluster SA", owner: "Olivia Alder", holder: "Hugo Alder", rooms: ["651101", "651102"] };
const B: Party = { number: "650201", company: "Birch Cluster SA", owner: "Oscar Birch", holder: "Hanna Birch", rooms: ["652101", "652102"] };

const counts = {
  gets: 0,
  getsCut: 0,
  failedGets: 0,
  foreign: 0,
  actions: 0,
  assigned: 0,
  conflicts: 0,
  actionsCut: 0,
  actionsUnanswered: 0,
  batches: 0,
  batchesAccepted: 0,
  batchesCut: 0,
  batchesPartial: 0,
  runs: 0,
  reportMails: 0,
  runsLost: 0,
  runsDuplicated: 0,
  replicaTransactions: 0,
};
const problems: string[] = [];
const note = (kind: keyof typeof counts, detail: string) => {
  counts[kind]++;
  if (problems.length < 30) problems.push(`${kind}: ${detail}`);
};

let proxy: HaProxy;
let db: Database;
/** When web server 1 was killed: a GET whose answer had begun then is cut, and no proxy can retry it. */
let webKilledAt = Number.NEGATIVE_INFINITY;
const CUT_WINDOW_MS = 3_000;

/** A GET through HAProxy, as a browser makes it; failed if it does not answer, or answers 5xx. */
async function get(url: string, cookie: string, viewer: string, foreign: string[]): Promise<string> {
  counts.gets++;
  try {
    const response = await fetch(`${proxy.url}${url}`, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    const html = await response.text();
    if (response.status !== 200) note("failedGets", `${response.status} ${url}`);
    else if (!html.includes(viewer)) note("failedGets", `${url} does not name ${viewer}`);
    const seen = foreign.find((f) => html.includes(f));
    if (seen) note("foreign", `${url} for ${viewer} shows ${seen}`);
    return html;
  } catch (error) {
    // Cut mid-answer by the kill (the headers had gone: HAProxy may not retry): what a SIGKILL costs,
    // counted apart; SIGTERM lets answers under way finish (scripts/serve.test.ts).
    if (String(error).includes("terminated") && Date.now() - webKilledAt < CUT_WINDOW_MS) counts.getsCut++;
    else note("failedGets", `${url}: ${String(error)}`);
    return "";
  }
}

/**
 * Assigns a code as the billing-code form posts it. A 502 or a cut connection means the server
 * died under the action: the user sends it again once (done, or a named conflict if the first
 * one had gone through before the death). Anything else unanswered is counted.
 */
async function assign(party: Party, url: string, form: FormData, code: string): Promise<void> {
  counts.actions++;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const body = new FormData();
    for (const [name, value] of form) body.append(name, value);
    body.append("code", code);
    let status = 0;
    let html = "";
    try {
      const response = await fetch(`${proxy.url}${url}`, { method: "POST", body, headers: { cookie: party.cookie! }, redirect: "manual", signal: AbortSignal.timeout(30_000) });
      status = response.status;
      html = await response.text();
    } catch (error) {
      html = `${String(error)} (${String((error as Error).cause)})`;
    }
    if (html.includes(assignedText(code))) return void counts.assigned++;
    if (html.includes(CONFLICT_TEXT)) return void counts.conflicts++;
    if (attempt === 1 && (status === 0 || status === 502 || status === 503)) {
      counts.actionsCut++;
      continue;
    }
    return note("actionsUnanswered", `assigning ${code} at ${url}: ${status} ${html.slice(0, 120)}`);
  }
}

const foreignTo = (other: Party) => [other.company, other.owner, other.holder, other.number, ...other.rooms];

async function owner(party: Party, other: Party, going: () => boolean) {
  const foreign = foreignTo(other);
  for (let round = 0; going(); round++) {
    await get(`/account?${Q}`, party.cookie!, party.owner, foreign);
    await get(`/account?${Q}&sort=code`, party.cookie!, party.owner, foreign);
    await get(`/reports?${Q}`, party.cookie!, party.owner, foreign);
    const room = await get(`/rooms/${party.rooms[round % 2]}?${Q}`, party.cookie!, party.owner, foreign);
    const links = conferenceLinks(room);
    if (!links.length) continue;
    const url = `${links[round % links.length]!}?${Q}`;
    const form = codeForm(await get(url, party.cookie!, party.owner, foreign));
    if (form) await assign(party, url, form, `CL-${round}`);
  }
}

async function holder(party: Party, other: Party, going: () => boolean) {
  const foreign = [...foreignTo(other), party.rooms[1]];
  while (going()) {
    const room = await get(`/rooms/${party.rooms[0]}?${Q}`, party.holderCookie!, party.holder, foreign);
    for (const url of conferenceLinks(room).slice(0, 2)) await get(`${url}?${Q}`, party.holderCookie!, party.holder, foreign);
  }
}

/** CDR batches of 1,000 legs: each one's legs are later found all stored, or none. */
const batches: { party: Party; prefix: string; legs: number; status: number }[] = [];
async function ingestion(party: Party, going: () => boolean) {
  for (let n = 0; going(); n++) {
    const prefix = `${party.number}-cl-${n}`;
    counts.batches++;
    let status = 0;
    try {
      const response = await fetch(`${proxy.url}/api/v1/cdrs`, {
        method: "POST",
        headers: { authorization: `Bearer ${party.key}`, "content-type": "text/csv" },
        body: legsCsv(PERIOD, prefix, party.rooms[0], 100, 10),
        signal: AbortSignal.timeout(60_000),
      });
      status = response.status;
      const body = await response.text();
      if (status === 200 && JSON.parse(body).accepted === 1000) counts.batchesAccepted++;
      else if (status === 502 || status === 503) counts.batchesCut++;
      else note("batchesPartial", `batch ${prefix}: ${status} ${body.slice(0, 200)}`);
    } catch (error) {
      counts.batchesCut++;
      void error;
    }
    batches.push({ party, prefix, legs: 1000, status });
  }
}

async function setUp(party: Party) {
  const account = await createAccount(db, { number: party.number, company: party.company });
  const ownerEmail = `owner@${party.number}.example`;
  const holderEmail = `holder@${party.number}.example`;
  const owner = await createUser(db, { email: ownerEmail, name: party.owner, password: PASSWORD, account: party.number, role: "owner" });
  await createUser(db, { email: holderEmail, name: party.holder, password: PASSWORD, account: party.number });
  await createRoom(db, { account: party.number, number: party.rooms[0], cardholder: holderEmail });
  await createRoom(db, { account: party.number, number: party.rooms[1], cardholder: ownerEmail });
  party.key = (await createApiKey(db, { account: party.number })).key;
  const scope = await scopeOf(db, { userId: owner.id, accountId: account.id, roomId: null });
  for (let i = 1; i <= SCHEDULES; i++) {
    const schedule = { name: `Report ${i}`, reportQuery: "type=usage", frequency: "daily" as const, weekday: null, monthDay: null, timeOfDay: 360, range: "previous-month" as const, rangeFrom: null, rangeTo: null, format: "csv" as const, upload: null, secret: undefined };
    await createSchedule(scope, { ...schedule, emails: [`reports-${i}@${party.number}.example`] }, ENCRYPTION_KEY);
  }
}

const ENCRYPTION_KEY = randomBytes(32).toString("hex");
const AUTH_SECRET = randomBytes(32).toString("hex");

/** The report e-mails in the shared outbox, by address. */
function reportMails(outbox: string): Map<string, number> {
  const byAddress = new Map<string, number>();
  let files: string[] = [];
  try {
    files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
  } catch {
    return byAddress;
  }
  for (const file of files) {
    const text = readFileSync(path.join(outbox, file), "utf8");
    const to = text.match(/^To: (.+)$/m)?.[1]?.trim() ?? "";
    if (/^reports-\d@/.test(to)) byAddress.set(to, (byAddress.get(to) ?? 0) + 1);
  }
  return byAddress;
}

type Cluster = {
  dataDir: string;
  primary: TempPostgres & { port: number };
  replica: TempPostgres & { port: number };
  webs: RunningServer[];
  workers: Process[];
};

/** The database, its replica, PgBouncer, two web servers behind HAProxy and two workers, with the two accounts. */
async function startCluster(root: string, stops: (() => Promise<void>)[]): Promise<Cluster> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "portal-cluster-"));
  stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const primary = await startPostgres({ settings: SERVER_SETTINGS });
  stops.push(primary.stop);
  await createDatabase(primary, "portal");
  process.env.DATABASE_URL = primary.url("portal");
  db = createDb(primary.url("portal"), 4);
  await applyMigrations(db);
  await setTariff(db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  for (const party of [A, B]) await setUp(party);
  const replica = await startReplica(primary, { settings: SERVER_SETTINGS });
  stops.push(replica.stop);
  const bouncer = await startPgBouncer({ portal: { port: primary.port, dbname: "portal" }, portal_replica: { port: replica.port, dbname: "portal" } });
  stops.push(bouncer.close);

  const proxyPort = await freePort();
  const publicUrl = `http://127.0.0.1:${proxyPort}`;
  const shared = {
    DATABASE_URL: bouncer.url("portal"),
    DATABASE_REPLICA_URL: bouncer.url("portal_replica"),
    AUTH_SECRET,
    NEXTAUTH_SECRET: AUTH_SECRET,
    ENCRYPTION_KEY,
    APP_URL: publicUrl,
    NEXTAUTH_URL: publicUrl,
    DATA_DIR: dataDir,
    DEMO: "0",
    LOG_FORMAT: "json",
  };
  const webs: RunningServer[] = [];
  for (let i = 0; i < 2; i++) {
    const web = await startServer({ root, port: await freePort(), databaseUrl: shared.DATABASE_URL, env: { ...shared, WORKER: "0", TRUST_PROXY: "1" } });
    stops.push(web.stop);
    webs.push(web);
  }
  proxy = await startHaProxy(
    webs.map((w, i) => ({ name: `web${i + 1}`, port: Number(new URL(w.url).port) })),
    { port: proxyPort },
  );
  stops.push(proxy.close);
  const workers = [0, 1].map(() => startWorkerProcess(root, { ...shared, DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS) }));
  for (const w of workers) stops.push(() => w.kill("SIGTERM"));
  console.log(`primary :${primary.port}, replica :${replica.port}, PgBouncer in transaction mode :${new URL(bouncer.url("portal")).port}`);
  console.log(`HAProxy ${proxy.url} → web servers ${webs.map((w) => w.url).join(", ")}; workers pid ${workers.map((w) => w.pid).join(", ")}`);
  return { dataDir, primary, replica, webs, workers };
}

/** Transactions the replica has served in the portal's database. */
async function replicaTransactions(replica: TempPostgres): Promise<number> {
  const client = new pg.Client({ connectionString: replica.url("portal") });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("select xact_commit + xact_rollback as n from pg_stat_database where datname = 'portal'");
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/**
 * Worker 1 killed while it holds a scheduled report's run, if it takes one before `deadline`
 * (else then): the run must be taken over by the other worker once its lease runs out.
 */
async function killWorkerHoldingRun(worker: Process, deadline: number): Promise<boolean> {
  const holding = async () => (await db.execute(sql`select 1 from schedule_runs where status = 'running' and locked_by like ${`%:${worker.pid}:%`}`)).rows.length > 0;
  let held = false;
  while (Date.now() < deadline && !(held = await holding())) await sleep(25);
  await worker.kill("SIGKILL");
  return held;
}

async function runLoad(cluster: Cluster): Promise<void> {
  for (const party of [A, B]) {
    party.cookie = await login(proxy.url, { username: `owner@${party.number}.example`, password: PASSWORD, number: party.number });
    party.holderCookie = await login(proxy.url, { username: `holder@${party.number}.example`, password: PASSWORD, number: party.rooms[0] });
    const first = await fetch(`${proxy.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${party.key}`, "content-type": "text/csv" }, body: legsCsv(PERIOD, `${party.number}-first`, party.rooms[0], 20, 3) });
    assert.equal(first.status, 200, await first.text());
  }
  // The schedules fall due now: the workers' next minute tick makes their runs, under the load. Whole
  // seconds, as the portal writes them (the tick advances a schedule by the time it read, in ms).
  await db.execute(sql`update report_schedules set next_run_at = date_trunc('second', now()) where status = 'active'`);
  const started = Date.now();
  const log = (what: string) => console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const [web1, worker1] = [cluster.webs[0]!, cluster.workers[0]!];
  const replicaBefore = await replicaTransactions(cluster.replica);
  // The load goes on until the last failure has been lived with for a while.
  let stopAt = Number.POSITIVE_INFINITY;
  const going = () => Date.now() < stopAt;
  const failures = async () => {
    await sleep(10_000);
    log(`SIGKILL web server 1 (pid ${web1.pid})`);
    webKilledAt = Date.now();
    killGroup(web1.pid);
    const held = await killWorkerHoldingRun(worker1, started + WORKER_KILL_DEADLINE_MS);
    log(`SIGKILL worker 1 (pid ${worker1.pid}), ${held ? "while it held a report's run" : "holding no run"}`);
    await sleep(5_000);
    counts.replicaTransactions = (await replicaTransactions(cluster.replica)) - replicaBefore;
    log(`stop the replica, after ${counts.replicaTransactions} transactions served`);
    await cluster.replica.stop();
    await sleep(10_000);
    stopAt = Date.now();
  };
  await Promise.all([owner(A, B, going), owner(B, A, going), holder(A, B, going), ingestion(A, going), ingestion(B, going), failures()]);
  log("load over; waiting for the scheduled reports under way");
  await db.execute(sql`update report_schedules set next_run_at = now() + interval '1 day' where status = 'active'`);
}

async function main() {
  const root = process.cwd();
  if (!buildIfNeeded(root)) process.exit(1);
  const stops: (() => Promise<void>)[] = [];
  try {
    const cluster = await startCluster(root, stops);
    await runLoad(cluster);
    // Every run made is delivered, by the surviving worker if the killed one held it (its lease, then the next tick).
    const open = async () => Number((await db.execute<{ n: string }>(sql`select count(*) as n from schedule_runs where status in ('pending', 'running')`)).rows[0]!.n);
    for (const end = Date.now() + DRAIN_MS; Date.now() < end && (await open()) > 0; ) await sleep(1_000);
    await checkDeliveries(path.join(cluster.dataDir, "outbox"));
    await checkBatches();
    console.log(`cluster: ${JSON.stringify(counts)}`);
    if (problems.length) console.log(problems.join("\n"));
    assert.deepEqual(problems, [], "no failed GET, unanswered action, lost or doubled report, half batch, foreign row");
    for (const kind of ["assigned", "batchesAccepted", "runs", "gets", "replicaTransactions"] as const) assert.ok(counts[kind] > 0, `no ${kind} under load`);
    console.log("cluster: passed");
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(`stopping: ${String(error)}`));
    await db?.$client.end().catch(() => {});
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

async function checkDeliveries(outbox: string) {
  const { rows } = await db.execute<{ address: string; runs: string; open: string }>(sql`
    select s.emails[1] as address, count(r.id) as runs, count(r.id) filter (where r.status <> 'delivered') as open
    from schedule_runs r join report_schedules s on s.account_id = r.account_id and s.id = r.schedule_id group by 1`);
  const mails = reportMails(outbox);
  for (const row of rows) {
    counts.runs += Number(row.runs);
    const got = mails.get(row.address) ?? 0;
    counts.reportMails += got;
    if (Number(row.open) > 0) note("runsLost", `${row.open} of ${row.runs} runs for ${row.address} not delivered`);
    if (got > Number(row.runs)) note("runsDuplicated", `${got} e-mails for ${row.runs} runs to ${row.address}`);
    if (got < Number(row.runs) - Number(row.open)) note("runsLost", `${got} e-mails for ${row.runs} runs to ${row.address}`);
  }
}

async function checkBatches() {
  for (const batch of batches) {
    const { rows } = await db.execute<{ n: string }>(sql`select count(*) as n from legs where external_id like ${`${batch.prefix}-%`}`);
    const stored = Number(rows[0]!.n);
    if (stored !== 0 && stored !== batch.legs) note("batchesPartial", `${batch.prefix}: ${stored} of ${batch.legs} legs stored`);
    if (batch.status === 200 && stored !== batch.legs) note("batchesPartial", `${batch.prefix}: accepted, but ${stored} of ${batch.legs} legs stored`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
