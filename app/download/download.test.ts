import assert from "node:assert/strict";
import { scopeOf } from "@/lib/auth/scope";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { reportLinkToken } from "@/lib/schedules/links";
import { sendNow } from "@/lib/schedules/runs";
import { createSchedule } from "@/lib/data/schedules";
import { freePort } from "../../scripts/lib/postgres";
import { login } from "../../scripts/bench/http";
import { startServer, type RunningServer } from "../../scripts/bench/server";

/** Downloads through real HTTP against the production build. */
let t: TestDatabase;
let server: RunningServer;
let cookie: string;
/** The signed link of a scheduled run's report (the participation report of October, as .xlsx). */
let runLink: string;
const ROWS = 60_000;
const key = randomBytes(32).toString("hex");

before(async () => {
  t = await testDatabase();
  const account = await createAccount(t.db, { number: "650001", company: "Stream SA" });
  const owner = await createUser(t.db, { email: "owner@stream.example", name: "Owner", password: "a long password", account: "650001", role: "owner" });
  await createRoom(t.db, { account: "650001", number: "651111", cardholder: "owner@stream.example" });
  // Many conferences in October, written in bulk: this test is about reading them.
  await t.db.execute(sql`
    insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
    select ${account.id}, r.id, 'c' || g, timestamptz '2026-10-01 08:00+00' + g * interval '20 seconds', timestamptz '2026-10-01 08:10+00' + g * interval '20 seconds', '2026-10-01'
    from rooms r, generate_series(1, ${ROWS}) g where r.number = '651111'`);
  // Their month's partition of legs (the ingest makes its own; these legs are written by hand).
  await t.db.execute(sql`select legs_create_partitions(min(period), max(period)) from conferences`);
  await t.db.execute(sql`
    insert into legs (account_id, conference_id, external_id, period, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
    select account_id, id, 'l' || id, period, 'toll', started_at, ended_at, 600, 600, 90 from conferences`);
  const scope = await scopeOf(t.db, { accountId: account.id, userId: owner.id, roomId: null });
  const schedule = await createSchedule(
    scope,
    { name: "October", reportQuery: "type=participation", frequency: "daily", weekday: null, monthDay: null, timeOfDay: 360, range: "custom", rangeFrom: "2026-10-01", rangeTo: "2026-10-31", format: "xlsx", emails: ["owner@stream.example"], upload: null, secret: undefined },
    key,
  );
  const runId = await sendNow(t.db, { enqueue: async () => {} }, scope, schedule.id);
  runLink = `/reports/file?t=${reportLinkToken(key, account.id, runId)}`;
  // No job worker: the run above is only there for its link, not to be delivered behind the tests' back.
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { ENCRYPTION_KEY: key, WORKER: "0" } });
  cookie = await login(server.url, { username: "owner@stream.example", password: "a long password", number: "650001" });
});
after(async () => {
  await server?.stop();
  await t.close();
});

/** Sessions running a query that contains `text` (a download's, found by words of its SQL). */
const queriesLike = async (text: string) =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like ${`%${text}%`} and state <> 'idle'`)).rows[0]!.n;

const downloads = [
  { what: "statement", path: "/download/statement?period=2026-10", sql: "c.legs as participants" },
  { what: "participation report", path: "/reports/download?type=participation&range=past-12-months&format=xlsx", sql: "l.participant_name, l.caller_number" },
];
for (const { what, path, sql: text } of downloads) {
  test(`a client that goes away stops the ${what}'s query`, async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}${path}`, { headers: { cookie }, signal: controller.signal });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    await reader.read(); // the first bytes: the cursor is open and rows are flowing
    let running = 0;
    for (let i = 0; i < 50 && !running; i++) {
      running = await queriesLike(text);
      if (!running) await sleep(20);
    }
    assert.ok(running > 0, `the ${what}'s query was seen running while the file streamed`);
    controller.abort();
    let left = running;
    for (let i = 0; i < 100 && left; i++) {
      await sleep(50);
      left = await queriesLike(text);
    }
    assert.equal(left, 0, "the cursor was closed when the client left");
  });
}

/** Ends the server sessions running a download's query (found by words of its SQL); how many. */
const terminate = async (text: string) =>
  (
    await t.db.execute<{ n: number }>(
      sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like ${`%${text}%`} and state <> 'idle'`,
    )
  ).rows[0]!.n;

/**
 * Downloads `path` with the real curl (`--fail`; `--compressed` asks for gzip, as browsers do,
 * which Next then compresses for text files). Once the first bytes are out (the status is
 * 200), curl's output is held: the server stops on backpressure mid-file, its query open. That
 * query's session is then ended, and curl's output read on to the end.
 */
async function curlCutMidFile(path: string, text: string, compressed: boolean) {
  const options = ["--fail", "--silent", "--show-error", "--max-time", "60", ...(compressed ? ["--compressed"] : [])];
  const curl = spawn("curl", [...options, "--header", `cookie: ${cookie}`, `${server.url}${path}`], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  curl.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => curl.once("exit", (code) => resolve(code)));
  const firstBytes = new Promise<void>((resolve) =>
    curl.stdout.once("data", () => {
      curl.stdout.pause();
      resolve();
    }),
  );
  let bytes = 0;
  curl.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
  await Promise.race([firstBytes, exited]);
  let killed = 0;
  for (let i = 0; i < 100 && !killed; i++) {
    killed = await terminate(text);
    if (!killed) await sleep(20);
  }
  curl.stdout.resume();
  return { killed, exit: await exited, stderr, bytes };
}

/** The server's log lines that name `filename` (its output is read as it comes: waits up to 5 s for the first). */
async function logLinesNaming(filename: RegExp) {
  const lines = () => server.output().split("\n").filter((line) => filename.test(line));
  for (let i = 0; i < 100 && !lines().length; i++) await sleep(50);
  await sleep(300);
  return lines();
}

const cuts = [
  { what: "statement (.xlsx)", path: () => "/download/statement?period=2026-10", sql: "c.legs as participants", file: /oai-650001-2026-10-statement\.xlsx/, compressed: false },
  { what: "participation report (.csv, gzip)", path: () => "/reports/download?type=participation&range=past-12-months&format=csv", sql: "l.participant_name, l.caller_number", file: /report-650001-participation-[\d_-]+\.csv/, compressed: true },
  { what: "scheduled report's link (.xlsx)", path: () => runLink, sql: "l.participant_name, l.caller_number", file: /report-650001-participation-2026-10-01_2026-10-31\.xlsx/, compressed: false },
];
for (const { what, path, sql: text, file, compressed } of cuts) {
  test(`a ${what} whose query is cut mid-file fails the download (curl --fail exits 18), logged once with its name`, async () => {
    const outcome = await curlCutMidFile(path(), text, compressed);
    assert.equal(outcome.killed, 1, "the download's query was found running and ended");
    assert.ok(outcome.bytes > 0, "the file had started: its status, 200, was sent");
    assert.equal(outcome.exit, 18, `curl reports a cut transfer (exit ${outcome.exit}: ${outcome.stderr.trim()})`);
    assert.match(outcome.stderr, /transfer closed with outstanding read data remaining/);
    const logged = await logLinesNaming(file);
    assert.equal(logged.length, 1, `logged once with the file's name:\n${logged.join("\n")}`);
    assert.match(logged[0]!, /download of .* failed/);
    assert.doesNotMatch(server.output(), /failed to pipe response|unhandledRejection/, "and nothing else logged it again");
  });
}

test("the statement streams every line with the right total", async () => {
  const response = await fetch(`${server.url}/download/statement?period=2026-10`, { headers: { cookie } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-disposition"), 'attachment; filename="oai-650001-2026-10-statement.xlsx"');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheet = workbook.worksheets[0]!;
  const total = sheet.getRow(sheet.rowCount);
  assert.equal(total.getCell(1).value, "Total");
  // Title block (4 lines), a blank line, the header, the lines, the total.
  assert.equal(sheet.rowCount, 4 + 1 + 1 + ROWS + 1);
  assert.equal(Math.round((total.getCell(9).value as { result: number }).result * 100), ROWS * 90);
});
