import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { reportSchedules, runDeliveries, scheduleRuns } from "@/db/schema";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { scopeOf, type AccountScope } from "@/lib/auth/scope";
import { startFtp, startSftp, startSmtp } from "@/lib/delivery/testing/servers";
import { DELIVERY_QUEUE, startWorker, type WorkerOptions } from "@/lib/jobs/queue";
import { messages } from "@/lib/i18n/messages";
import { deliveryNote, refreshInterval, runProgress } from "./run-display";
import { DELIVERY_ATTEMPTS, RETRY_BASE_MS } from "./retry";
import { readReportLinkToken } from "./links";
import { renderScheduledReport, scheduleReportQuery } from "./report";
import { claimRun, deliverRun, enqueueDueRuns, sendNow, type DeliverySettings, type RenderReport } from "./runs";
import { cancelSchedule, createSchedule, getScheduleWithHistory, scheduleHistory, updateSchedule } from "@/lib/data/schedules";
import { parseScheduleForm, type ScheduleInput } from "./validate";
import { readUnsubscribeToken, reinstateEmail, unsubscribe } from "./unsubscribe";

let t: TestDatabase;
let scope: AccountScope;
const key = randomBytes(32).toString("hex");

/** A small CSV naming the run's dates, so a test sees which report arrived. */
const csvRender: RenderReport = async ({ query, from, to }) => ({
  filename: `report-${from}_${to}.csv`,
  write: async (output) => {
    output.write(`report,${query}\nfrom,${from}\nto,${to}\n`);
  },
});

before(async () => {
  t = await testDatabase();
  const account = await createAccount(t.db, { number: "640001", company: "Sched SA", locale: "en-GB" });
  const owner = await createUser(t.db, { email: "owner@sched.example", name: "Owner", password: "a long password", account: "640001", role: "owner" });
  scope = await scopeOf(t.db, { accountId: account.id, userId: owner.id, roomId: null });
  // Conferences of October with a leg each, written in bulk, for the participation report.
  await createRoom(t.db, { account: "640001", number: "641111", cardholder: "owner@sched.example" });
  await t.db.execute(sql`
    insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
    select ${account.id}, r.id, 'c' || g, timestamptz '2026-10-01 08:00+00' + g * interval '1 minute', timestamptz '2026-10-01 08:10+00' + g * interval '1 minute', '2026-10-01'
    from rooms r, generate_series(1, 20000) g where r.number = '641111'`);
  // Their month's partition of legs (the ingest makes its own; these legs are written by hand).
  await t.db.execute(sql`select legs_create_partitions(min(period), max(period)) from conferences`);
  await t.db.execute(sql`
    insert into legs (account_id, conference_id, external_id, period, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
    select account_id, id, 'l' || id, period, 'toll', started_at, ended_at, 600, 600, 90 from conferences where account_id = ${account.id}`);
});
after(() => t.close());

const base: ScheduleInput = { name: "Daily usage", reportQuery: "type=usage", frequency: "daily", weekday: null, monthDay: null, timeOfDay: 360, range: "previous-day", rangeFrom: null, rangeTo: null, format: "csv", emails: [], upload: null, secret: undefined };

async function clearSchedules() {
  await t.db.execute(sql`delete from run_deliveries; delete from schedule_runs; delete from report_schedules; delete from email_unsubscribes`);
}

function settings(smtpUrl: string, overrides: Partial<DeliverySettings> = {}): DeliverySettings {
  const queued: { runId: number; at?: Date }[] = [];
  return {
    mail: { smtpUrl, mailFrom: "reports@portal.example", dataDir: "/nonexistent" },
    encryptionKey: key,
    appUrl: "https://portal.example",
    upload: { allowPrivate: true, timeoutMs: 5_000 },
    render: csvRender,
    maxAttempts: 4,
    retryBaseMs: 100,
    leaseMs: 5_000,
    workerId: `test-${randomBytes(2).toString("hex")}`,
    enqueue: async (runId, at) => void queued.push({ runId, at }),
    ...overrides,
  };
}

const runOf = async (id: number) => (await t.db.select().from(scheduleRuns).where(eq(scheduleRuns.id, id)))[0]!;
const deliveriesOf = async (id: number) => t.db.select().from(runDeliveries).where(eq(runDeliveries.runId, id)).orderBy(runDeliveries.destination);

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await check()) return;
  assert.fail(`timed out waiting for ${what}`);
}

async function worker(smtpUrl: string, extra: WorkerOptions = {}): Promise<PgBoss> {
  return startWorker(t.db, t.url, () => {}, { tick: false, pollingIntervalSeconds: 0.5, render: csvRender, encryptionKey: key, appUrl: "https://portal.example", mail: { smtpUrl, mailFrom: "reports@portal.example", dataDir: "/nonexistent" }, upload: { allowPrivate: true, timeoutMs: 5_000 }, retryBaseMs: 200, maxAttempts: 5, leaseMs: 3_000, ...extra });
}

test("SMTP answering 451 twice then 250: retried with growing delays, delivered exactly once", async () => {
  await clearSchedules();
  const smtp = await startSmtp({ failFirst: 2 });
  const boss = await worker(smtp.url);
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["jane@client.example"] }, key);
    const runId = await sendNow(t.db, { enqueue: async (id) => void (await boss.send(DELIVERY_QUEUE, { runId: id })) }, scope, schedule.id);
    await waitFor("the run to end", async () => (await runOf(runId)).status === "delivered");
    assert.equal(smtp.attempts(), 3, "two 451 answers, then accepted");
    assert.equal(smtp.received.length, 1, "one message arrived");
    const [delivery] = await deliveriesOf(runId);
    assert.equal(delivery!.status, "delivered");
    assert.equal(delivery!.attempts, 3);
    const raw = smtp.received[0]!.raw;
    assert.match(raw, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    assert.ok(raw.includes(Buffer.from(`report,type=usage\n`).toString("base64").slice(0, 16)), "the report is attached");
    await sleep(600);
    assert.equal(smtp.received.length, 1, "and nothing more later");
  } finally {
    await boss.stop({ graceful: false, wait: true });
    await smtp.stop();
  }
});

test("a wrong SFTP password is a permanent failure: one attempt, shown in the history, the owner told", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  const sftp = await startSftp({ user: "acct", password: "right-password" });
  try {
    const schedule = await createSchedule(scope, { ...base, upload: { protocol: "sftp", host: "127.0.0.1", port: sftp.port, directory: "/", user: "acct", auth: "password" }, secret: "wrong-password", hostKey: sftp.fingerprint }, key);
    const s = settings(smtp.url);
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "failed");
    const run = await runOf(runId);
    assert.equal(run.attempts, 1, "not retried");
    const [delivery] = await deliveriesOf(runId);
    assert.equal(delivery!.status, "failed");
    assert.match(delivery!.detail, /SFTP 127\.0\.0\.1.*authentication/i);
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), "The SFTP server refused the user name or password. Check them in the schedule.");
    assert.equal(deliveryNote(delivery!, messages.fr.schedules, { lang: "fr", locale: "fr" }), "Le serveur SFTP a refusé le nom d'utilisateur ou le mot de passe. Vérifiez-les dans la programmation.");
    assert.ok(sftp.authAttempts() <= 2, `no retry storm (${sftp.authAttempts()} authentication attempts)`);
    assert.equal(await deliverRun(t.db, s, runId), "skipped", "a closed run is not taken again");
    assert.equal(smtp.received.length, 1, "the owner was told");
    assert.deepEqual(smtp.received[0]!.to, ["owner@sched.example"]);
    assert.match(smtp.received[0]!.raw, /could not be delivered/);
    const told = smtp.received[0]!.raw.replace(/=\r?\n/g, "");
    assert.match(told, /refused the user name or password/, "the owner is told in the customer's words");
    assert.doesNotMatch(told, /getConnection|All configured authentication methods/, "not in the driver's");
  } finally {
    await sftp.stop();
    await smtp.stop();
  }
});

test("two workers racing on the same run deliver it once", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  const a = await worker(smtp.url);
  const b = await worker(smtp.url);
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["one@client.example", "two@client.example"] }, key);
    const runId = await sendNow(t.db, { enqueue: async () => {} }, scope, schedule.id);
    // Both workers get a job for the run, and two more deliveries start here at the same time.
    await Promise.all([a.send(DELIVERY_QUEUE, { runId }), b.send(DELIVERY_QUEUE, { runId }), a.send(DELIVERY_QUEUE, { runId })]);
    const direct = await Promise.all([deliverRun(t.db, settings(smtp.url), runId), deliverRun(t.db, settings(smtp.url), runId)]);
    await waitFor("the run to end", async () => (await runOf(runId)).status === "delivered");
    await sleep(1500);
    assert.equal(smtp.received.length, 2, "one message per address");
    assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), ["one@client.example", "two@client.example"]);
    assert.ok(direct.filter((o) => o === "skipped").length >= 1);
  } finally {
    await a.stop({ graceful: false, wait: true });
    await b.stop({ graceful: false, wait: true });
    await smtp.stop();
  }
});

test("a run held by a worker that died is taken up again once its lease has expired", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["late@client.example"] }, key);
    const runId = await sendNow(t.db, { enqueue: async () => {} }, scope, schedule.id);
    assert.ok(await claimRun(t.db, runId, "worker-that-dies", 400), "a worker takes the run, then is killed");
    const queued: number[] = [];
    await enqueueDueRuns(t.db, { enqueue: async (id) => void queued.push(id) });
    assert.equal(queued.length, 0, "not requeued while its lease runs");
    assert.equal(await deliverRun(t.db, settings(smtp.url), runId), "skipped");
    await sleep(600);
    await enqueueDueRuns(t.db, { enqueue: async (id) => void queued.push(id) });
    assert.deepEqual(queued, [runId], "the minute tick requeues it");
    assert.equal(await deliverRun(t.db, settings(smtp.url), runId), "delivered");
    assert.equal(smtp.received.length, 1);
  } finally {
    await smtp.stop();
  }
});

test("a schedule missed while every worker was down runs once, then at its next time", async () => {
  await clearSchedules();
  const now = new Date("2026-11-24T10:00:00Z");
  const schedule = await createSchedule(scope, { ...base, emails: ["x@client.example"] }, key, new Date("2026-11-20T00:00:00Z"));
  assert.equal(schedule.nextRunAt?.toISOString(), "2026-11-20T06:00:00.000Z");
  const queued: number[] = [];
  const s = { enqueue: async (id: number) => void queued.push(id) };
  const [first, second] = await Promise.all([enqueueDueRuns(t.db, s, now), enqueueDueRuns(t.db, s, now)]);
  assert.equal(first!.length + second!.length, 1, "one run for four missed days, even with two ticks racing");
  const runs = await t.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id));
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.runAt.toISOString(), "2026-11-20T06:00:00.000Z");
  assert.deepEqual([runs[0]!.fromDate, runs[0]!.toDate], ["2026-11-19", "2026-11-19"]);
  const [after] = await t.db.select().from(reportSchedules).where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, schedule.id)));
  assert.equal(after!.nextRunAt?.toISOString(), "2026-11-25T06:00:00.000Z");
  assert.deepEqual(await enqueueDueRuns(t.db, s, now), [], "nothing more is due");
});

test("unsubscribing stops every schedule of the account for that address at once; support reinstates it", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const one = await createSchedule(scope, { ...base, emails: ["Reader@Client.example", "other@client.example"] }, key);
    const two = await createSchedule(scope, { ...base, name: "Weekly", emails: ["reader@client.example"] }, key);
    const s = settings(smtp.url);
    await deliverRun(t.db, s, await sendNow(t.db, s, scope, one.id));
    const mail = smtp.received.find((m) => m.to[0] === "Reader@client.example")!.raw;
    const token = /\/api\/unsubscribe\?t=([\w.-]+)/.exec(mail.replace(/=\r?\n/g, ""))![1]!;
    assert.deepEqual(readUnsubscribeToken(key, token), { accountId: scope.accountId, email: "reader@client.example" });
    assert.equal(readUnsubscribeToken(key, token.slice(0, -2) + (token.endsWith("A") ? "BB" : "AA")), null, "a forged signature is refused");
    assert.equal(readUnsubscribeToken(randomBytes(32).toString("hex"), token), null, "another key's token is refused");
    await unsubscribe(t.db, scope.accountId, "reader@client.example");
    smtp.received.length = 0;
    const runTwo = await sendNow(t.db, s, scope, two.id);
    assert.equal(await deliverRun(t.db, s, runTwo), "failed", "its only address unsubscribed: nobody received it");
    assert.equal(smtp.received.length, 0, "nothing sent to the unsubscribed address");
    assert.equal((await deliveriesOf(runTwo))[0]!.status, "unsubscribed");
    await deliverRun(t.db, s, await sendNow(t.db, s, scope, one.id));
    assert.deepEqual(smtp.received.map((m) => m.to[0]), ["other@client.example"], "the other schedule too; other addresses still receive");

    assert.deepEqual(await reinstateEmail(t.db, { account: "640001", email: "READER@client.example" }), { reinstated: true });
    smtp.received.length = 0;
    await deliverRun(t.db, s, await sendNow(t.db, s, scope, two.id));
    assert.deepEqual(smtp.received.map((m) => m.to[0]), ["reader@client.example"], "a reinstated address receives again");
    const { rows } = await t.db.execute<{ action: string; subject: string }>(sql`select action, subject from audit_events where action like 'email.%' order by id`);
    assert.deepEqual(rows, [{ action: "email.unsubscribed", subject: "reader@client.example" }, { action: "email.reinstated", subject: "reader@client.example" }]);
  } finally {
    await smtp.stop();
  }
});

test("a run of a schedule cancelled before its delivery sends nothing", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["cancel@client.example"] }, key);
    const s = settings(smtp.url);
    const runId = await sendNow(t.db, s, scope, schedule.id);
    await cancelSchedule(scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "skipped", "cancelled with its schedule, it is not taken");
    assert.equal((await runOf(runId)).status, "cancelled");
    assert.deepEqual((await deliveriesOf(runId)).map((d) => [d.destination, d.status]), [["mail:cancel@client.example", "cancelled"]]);
    assert.equal(smtp.received.length, 0);
    await assert.rejects(sendNow(t.db, s, scope, schedule.id), { name: "NotFoundError" }, "and it cannot be sent again");
  } finally {
    await smtp.stop();
  }
});

test("a report above 10 MB is sent as a signed link valid 7 days instead of an attachment", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["big@client.example"] }, key);
    const big: RenderReport = async () => ({ filename: "big.csv", write: async (output) => void output.write(Buffer.alloc(11 * 1024 * 1024, 0x41)) });
    const s = settings(smtp.url, { render: big });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "delivered");
    const raw = smtp.received[0]!.raw.replace(/=\r?\n/g, "").replaceAll("=3D", "=");
    assert.ok(raw.length < 100_000, "no attachment");
    const token = /\/reports\/file\?t=([\w.-]+)/.exec(raw)![1]!;
    assert.deepEqual(readReportLinkToken(key, token), { accountId: scope.accountId, runId });
    assert.equal(readReportLinkToken(key, token, new Date(Date.now() + 8 * 24 * 3600 * 1000)), null, "expired after 7 days");
  } finally {
    await smtp.stop();
  }
});

const form = (fields: Record<string, string>) => ({ name: "Usage", report: "type=usage", frequency: "daily", time: "06:00", range: "previous-day", format: "csv", emails: "a@b.example", ...fields });
const parse = (fields: Record<string, string>) => parseScheduleForm(form(fields), { t: messages.en, locale: "en-GB", now: new Date("2026-11-01T10:00:00Z"), checkReport: (q) => (q === "type=usage" ? q : null) });

test("bad input is refused with a message naming the problem, and nothing is saved", async () => {
  await clearSchedules();
  const errorsOf = (fields: Record<string, string>) => {
    const r = parse(fields);
    assert.equal(r.ok, false, JSON.stringify(fields).slice(0, 80));
    return (r as { errors: Record<string, string[]> }).errors;
  };
  assert.deepEqual(errorsOf({ emails: "a@b.c,d@e.f" }).emails, ["Separate the addresses with spaces, not commas or semicolons: “a@b.c,d@e.f”."]);
  assert.deepEqual(errorsOf({ emails: "good@b.example not-an-address" }).emails, ["“not-an-address” is not a valid e-mail address."]);
  assert.match(errorsOf({ range: "custom", from: "2026-10-01", to: "2026-11-02" }).to![0]!, /must not be in the future\. Today is 01\/11\/2026 \(GMT\): choose 01\/11\/2026 or earlier/);
  assert.equal(parse({ range: "custom", from: "2026-10-01", to: "2026-11-01" }).ok, true, "today is allowed (the seed's example)");
  assert.deepEqual(errorsOf({ protocol: "sftp", host: "localhost; rm -rf /", user: "u", password: "p" }).host, ["“localhost; rm -rf /” is not a host name or an IP address."]);
  const bigKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${"A".repeat(10 * 1024 * 1024)}\n-----END OPENSSH PRIVATE KEY-----`;
  assert.match(errorsOf({ protocol: "sftp", host: "files.example.com", user: "u", auth: "key", privateKey: bigKey }).privateKey![0]!, /This private key is 10\.0 MB/);
  assert.match(errorsOf({ protocol: "sftp", host: "files.example.com", user: "u", auth: "key", privateKey: "ssh-ed25519 AAAA" }).privateKey![0]!, /not a private key/);
  assert.match(errorsOf({ emails: "" }).emails![0]!, /at least one/);
  assert.match(errorsOf({ time: "25:00" }).time![0]!, /HH:MM/);
  assert.match(errorsOf({ frequency: "monthly", monthDay: "31" }).monthDay![0]!, /1 to 28/);
  assert.equal(parse({ frequency: "monthly", monthDay: "last" }).ok, true);

  // Editing: an empty password keeps the stored one only for the same destination.
  const stored = { protocol: "sftp" as const, host: "files.example.com", port: 22, directory: "/", user: "u", auth: "password" as const };
  const edit = (fields: Record<string, string>) => parseScheduleForm(form({ protocol: "sftp", host: "files.example.com", user: "u", password: "", ...fields }), { t: messages.en, locale: "en-GB", now: new Date("2026-11-01T10:00:00Z"), stored, hasStoredSecret: true, checkReport: (q) => q });
  const kept = edit({});
  assert.ok(kept.ok && kept.value.secret === undefined, "the stored password is kept");
  const moved = edit({ host: "elsewhere.example.com" });
  assert.deepEqual(!moved.ok && moved.errors.password, ["The destination changed: enter its password or key again."], "a stored password never follows the report to another host");

  for (let i = 0; i < 10; i++) await createSchedule(scope, { ...base, name: `Report ${i + 1}`, emails: ["a@b.example"] }, key);
  await assert.rejects(createSchedule(scope, { ...base, name: "Eleventh", emails: ["a@b.example"] }, key), { name: "ScheduleLimitError" });
  const { rows } = await t.db.execute<{ n: string }>(sql`select count(*)::text as n from report_schedules where account_id = ${scope.accountId}`);
  assert.equal(rows[0]!.n, "10", "the 11th was not saved");
  const holder = { ...scope, kind: "room", roomId: 1 } as unknown as AccountScope; // forced past the type
  await assert.rejects(createSchedule(holder, { ...base, emails: ["a@b.example"] }, key), { name: "NotFoundError" }, "a room holder has no schedules");
});

test("the real report, built by the report builder's export, is uploaded by FTP under its name, once", async () => {
  await clearSchedules();
  const ftp = await startFtp({ user: "acct", password: "ftp-pass" });
  try {
    const now = new Date();
    assert.equal(scheduleReportQuery("type=user-status&range=last-7-days", now), "type=user-status", "the report's own dates are not kept");
    assert.equal(scheduleReportQuery("type=nonsense", now), null);
    assert.equal(scheduleReportQuery("type=usage&product=spaceship", now), null);
    // A member named like a formula: the scheduled CSV has the same safety as a download.
    await createUser(t.db, { email: "formula@sched.example", name: "=HYPERLINK(\"http://evil.example\",\"Rapport\")", password: "a long password", account: "640001" });
    const schedule = await createSchedule(scope, { ...base, reportQuery: "type=user-status", upload: { protocol: "ftp", host: "127.0.0.1", port: ftp.port, directory: "/", user: "acct", auth: "password" }, secret: "ftp-pass" }, key);
    const s = settings("smtp://127.0.0.1:1", { render: renderScheduledReport });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "delivered");
    const files = readdirSync(ftp.root);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^report-640001-user-status-.*\.csv$/);
    const csv = readFileSync(path.join(ftp.root, files[0]!), "utf8");
    assert.match(csv, /owner@sched\.example/, "the account's users are in it");
    assert.ok(csv.startsWith("\uFEFFName,"), "a UTF-8 byte-order mark, then the header");
    assert.match(csv, /\n"'=HYPERLINK\(""http:\/\/evil\.example"",""Rapport""\)",formula@sched\.example,/, "the formula-looking name quoted");
    assert.equal((await deliveriesOf(runId))[0]!.attempts, 1);
  } finally {
    await ftp.stop();
  }
});

/** October's participation report, as CSV, e-mailed. */
const october: ScheduleInput = { ...base, name: "October", reportQuery: "type=participation", range: "custom", rangeFrom: "2026-10-01", rangeTo: "2026-10-31", emails: ["cut@client.example"] };
const OCTOBER_FILE = /report-640001-participation-2026-10-01_2026-10-31\.csv could not be built/;

/** Ends the server sessions running the participation report's query; how many there were. */
async function cutParticipationQuery(): Promise<number> {
  const { rows } = await t.db.execute<{ n: number }>(
    sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like '%l.participant_name, l.caller_number%' and state <> 'idle'`,
  );
  return rows[0]!.n;
}

/**
 * The real report, its file held at its first bytes until `cut` has run: the report's query is
 * then open, part-way through its rows (the writer waits for room, the cursor for the writer).
 */
function heldAtFirstBytes(cut: () => Promise<void>): RenderReport {
  return async (request) => {
    const report = await renderScheduledReport(request);
    return {
      filename: report.filename,
      write: async (output) => {
        let held: Promise<void> | undefined;
        const gate = new Writable({
          write(chunk: Buffer, _encoding, done) {
            (held ??= cut()).then(() => output.write(chunk, () => done()), done);
          },
        });
        await report.write(gate);
      },
    };
  };
}

test("a report whose query is cut mid-build is retried; the history says so in the customer's words, then it is delivered", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  const log: string[] = [];
  try {
    const schedule = await createSchedule(scope, october, key);
    let cut = 0;
    const s = settings(smtp.url, { render: heldAtFirstBytes(async () => void (cut = await cutParticipationQuery())), log: (line) => log.push(line) });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "retrying");
    assert.equal(cut, 1, "the report's query was found mid-read and its session ended");
    assert.deepEqual(
      { status: (await runOf(runId)).status, attempts: (await runOf(runId)).attempts },
      { status: "pending", attempts: 1 },
      "the run waits for its next attempt",
    );
    const [delivery] = (await scheduleHistory(scope, schedule.id))[0]!.deliveries;
    assert.equal(delivery!.status, "pending");
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), "The report could not be built: the database was interrupted. It will be tried again automatically.");
    assert.equal(deliveryNote(delivery!, messages.fr.schedules, { lang: "fr", locale: "fr" }), "Le rapport n'a pas pu être généré : la base de données a été interrompue. Une nouvelle tentative aura lieu automatiquement.");
    assert.match(delivery!.detail, /terminating connection/, "the driver's text is kept for support, not shown");
    assert.equal(log.filter((line) => OCTOBER_FILE.test(line)).length, 1, `logged once with the file's name:\n${log.join("\n")}`);
    assert.equal(smtp.received.length, 0, "nothing sent, not even a short file");

    await sleep(150);
    assert.equal(await deliverRun(t.db, settings(smtp.url, { render: renderScheduledReport }), runId), "delivered", "the next attempt builds it");
    assert.equal(smtp.received.length, 1);
    assert.deepEqual(smtp.received[0]!.to, ["cut@client.example"]);
    assert.equal((await deliveriesOf(runId))[0]!.attempts, 2);
  } finally {
    await smtp.stop();
  }
});

test("a report cut mid-build on its last attempt: the history and the owner's e-mail say it will not be tried again", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, october, key);
    const s = settings(smtp.url, { maxAttempts: 1, render: heldAtFirstBytes(async () => void (await cutParticipationQuery())) });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "failed");
    const [delivery] = (await scheduleHistory(scope, schedule.id))[0]!.deliveries;
    assert.equal(delivery!.status, "failed");
    const said = "The report could not be built: the database was interrupted. It will not be tried again (1 attempt).";
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), said);
    assert.equal(deliveryNote(delivery!, messages.fr.schedules, { lang: "fr", locale: "fr" }), "Le rapport n'a pas pu être généré : la base de données a été interrompue. Il n'y aura pas d'autre tentative (1 tentative).");
    assert.deepEqual(smtp.received.map((m) => m.to[0]), ["owner@sched.example"], "only the owner is told");
    const mail = smtp.received[0]!.raw.replace(/=\r?\n/g, "");
    assert.ok(mail.includes(`cut@client.example: ${said}`), mail);
    assert.doesNotMatch(mail, /terminating connection|administrator command/, "and not in the driver's words");
  } finally {
    await smtp.stop();
  }
});

test("a report that fails mid-build for a fault of its own is retried too, and the history does not blame the database", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["odd@client.example"] }, key);
    const broken: RenderReport = async () => ({
      filename: "broken.csv",
      write: async (output) => {
        output.write("DATE,ROOM\n");
        throw new RangeError("CHARGES: NaN is not a number a spreadsheet can hold");
      },
    });
    const s = settings(smtp.url, { render: broken });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "retrying");
    const [delivery] = (await scheduleHistory(scope, schedule.id))[0]!.deliveries;
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), "The report could not be built because of an error on our side. It will be tried again automatically.");
    assert.equal(smtp.received.length, 0);
  } finally {
    await smtp.stop();
  }
});

test("an SFTP server showing another key than the accepted one gets nothing; the history and the owner's e-mail say what to check", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  const genuine = await startSftp({ user: "acct", password: "s3cret" });
  const impostor = await startSftp({ user: "acct", password: "s3cret" });
  try {
    // The destination's address now answers with another server (a moved DNS name, a man in the middle).
    const upload = { protocol: "sftp" as const, host: "127.0.0.1", port: impostor.port, directory: "/", user: "acct", auth: "password" as const };
    const schedule = await createSchedule(scope, { ...base, upload, secret: "s3cret", hostKey: genuine.fingerprint }, key);
    const s = settings(smtp.url);
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "failed", "not retried: waiting will not change the key");
    assert.equal(impostor.authAttempts(), 0);
    assert.deepEqual(impostor.passwords, [], "the password never reached the other server");
    assert.deepEqual(readdirSync(impostor.root), []);
    const [delivery] = (await scheduleHistory(scope, schedule.id))[0]!.deliveries;
    assert.equal(delivery!.status, "failed");
    assert.deepEqual(delivery!.details, { problem: "host-key-changed", offered: impostor.fingerprint, expected: genuine.fingerprint });
    const said = `The SFTP server showed the key ${impostor.fingerprint} instead of the accepted ${genuine.fingerprint}: nothing was sent. If the server's administrator confirms that its key changed, open the schedule, run Test upload and accept the new key.`;
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), said);
    assert.equal(
      deliveryNote(delivery!, messages.fr.schedules, { lang: "fr", locale: "fr" }),
      `Le serveur SFTP a présenté la clé ${impostor.fingerprint} au lieu de la clé acceptée ${genuine.fingerprint} : rien n'a été envoyé. Si l'administrateur du serveur confirme que sa clé a changé, ouvrez la programmation, lancez Tester le dépôt et acceptez la nouvelle clé.`,
    );
    assert.deepEqual(smtp.received.map((m) => m.to[0]), ["owner@sched.example"]);
    assert.ok(smtp.received[0]!.raw.replace(/=\r?\n/g, "").includes(impostor.fingerprint), "the owner's e-mail names the key shown");
  } finally {
    await genuine.stop();
    await impostor.stop();
    await smtp.stop();
  }
});

test("an SFTP schedule saved before host keys were pinned is not delivered, nor connected to, until its key is accepted", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  const sftp = await startSftp({ user: "acct", password: "s3cret" });
  try {
    const upload = { protocol: "sftp" as const, host: "127.0.0.1", port: sftp.port, directory: "/", user: "acct", auth: "password" as const };
    const schedule = await createSchedule(scope, { ...base, upload, secret: "s3cret" }, key);
    const s = settings(smtp.url);
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "failed");
    assert.equal(sftp.connections(), 0, "no connection without an accepted key");
    const [delivery] = (await scheduleHistory(scope, schedule.id))[0]!.deliveries;
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), "No server key has been accepted for this SFTP destination: nothing was sent. Open the schedule, run Test upload and accept the server's key.");

    // The owner accepts the key (Test upload showed it): delivered.
    await t.db.update(reportSchedules).set({ uploadHostKey: sftp.fingerprint }).where(eq(reportSchedules.id, schedule.id));
    const again = await sendNow(t.db, s, scope, schedule.id, new Date(Date.now() + 1000));
    assert.equal(await deliverRun(t.db, s, again), "delivered");
    assert.deepEqual(sftp.passwords, ["s3cret"]);
  } finally {
    await sftp.stop();
    await smtp.stop();
  }
});

test("a schedule whose filters name another account's cardholder fails at once, and the history says to edit it", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    await createAccount(t.db, { number: "640002", company: "Elsewhere SA" });
    const stranger = await createUser(t.db, { email: "stranger@elsewhere.example", name: "Stranger", password: "a long password", account: "640002", role: "owner" });
    await createRoom(t.db, { account: "640002", number: "642222", cardholder: "stranger@elsewhere.example" });
    // Written as older code let it be saved: the form now refuses it.
    const [row] = await t.db
      .insert(reportSchedules)
      .values({ accountId: scope.accountId, ownerId: scope.userId, name: "Foreign", reportQuery: `type=activity&cardholder=${stranger.id}`, frequency: "daily", timeOfDay: 0, range: "previous-day", format: "csv", emails: ["a@client.example"] })
      .returning();
    const s = settings(smtp.url, { render: renderScheduledReport });
    const runId = await sendNow(t.db, s, scope, row!.id);
    assert.equal(await deliverRun(t.db, s, runId), "failed", "not retried as if it were transient");
    assert.equal((await runOf(runId)).attempts, 1);
    const [delivery] = (await scheduleHistory(scope, row!.id))[0]!.deliveries;
    assert.match(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), /^The report could not be built: its filters name people or groups that are no longer in the account\. Edit the schedule/);
  } finally {
    await smtp.stop();
  }
});

test("a run that skipped an unsubscribed address is Partly delivered, and the history says why", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["gone@client.example", "stays@client.example"] }, key);
    await unsubscribe(t.db, scope.accountId, "gone@client.example");
    const s = settings(smtp.url);
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "partial");
    assert.equal((await runOf(runId)).status, "partial");
    assert.deepEqual(smtp.received.map((m) => m.to[0]), ["stays@client.example"]);
    const [gone, stays] = (await scheduleHistory(scope, schedule.id))[0]!.deliveries;
    assert.deepEqual([gone!.status, stays!.status], ["unsubscribed", "delivered"]);
    assert.equal(deliveryNote(gone!, messages.en.schedules, { lang: "en", locale: "en" }), "This address unsubscribed from the account's reports: nothing was sent to it.");
    assert.equal(deliveryNote(gone!, messages.fr.schedules, { lang: "fr", locale: "fr" }), "Cette adresse s'est désinscrite des rapports du compte : rien ne lui a été envoyé.");
    assert.equal(smtp.received.length, 1, "an unsubscription is no failure to e-mail the owner about");
  } finally {
    await smtp.stop();
  }
});

test("a run that breaks off unexpectedly on its last attempt closes as Failed with no destination left waiting", async () => {
  await clearSchedules();
  const smtp = await startSmtp({ failFirst: 1 });
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["busy@client.example"] }, key);
    // The worker breaks off just after the server's "try again later" is recorded (here its log throws once).
    let broken = false;
    const log = () => {
      if (broken) return;
      broken = true;
      throw new Error("the worker broke off");
    };
    const s = settings(smtp.url, { maxAttempts: 1, log });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "failed");
    const [run] = await scheduleHistory(scope, schedule.id);
    assert.equal(run!.status, "failed");
    const [delivery] = run!.deliveries;
    assert.equal(delivery!.status, "failed", "not left Waiting under a closed run");
    assert.match(delivery!.detail, /451.* — gave up after 1 attempts$/);
    assert.doesNotMatch(deliveryNote(delivery!, messages.en.schedules, { lang: "en", locale: "en" }), /automatically/, "no promise of a retry that will not come");
    assert.equal(refreshInterval([run!], new Date()), null, "nothing left open for the page to wait for");
  } finally {
    await smtp.stop();
  }
});

test("a waiting run says that it is retried automatically, when (GMT) and which attempt of how many", async () => {
  await clearSchedules();
  const smtp = await startSmtp({ failFirst: 1 });
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["later@client.example"] }, key);
    // The job runner's own schedule: attempts and first delay as in production.
    const s = settings(smtp.url, { maxAttempts: DELIVERY_ATTEMPTS, retryBaseMs: RETRY_BASE_MS });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    const [queued] = await scheduleHistory(scope, schedule.id);
    assert.equal(runProgress(queued!, messages.en.schedules, { lang: "en", locale: "en-GB", now: new Date() }), "About to be sent.");
    const tried = Date.now();
    assert.equal(await deliverRun(t.db, s, runId), "retrying");
    const [run] = await scheduleHistory(scope, schedule.id);
    assert.equal(run!.status, "pending");
    const delay = run!.nextAttemptAt!.getTime() - tried;
    assert.ok(delay >= 59_000 && delay <= 62_000, `retried after a minute (${delay} ms)`);
    const hhmm = run!.nextAttemptAt!.toISOString().slice(11, 16);
    const now = new Date(run!.nextAttemptAt!.getTime() - 30_000);
    assert.equal(runProgress(run!, messages.en.schedules, { lang: "en", locale: "en-GB", now }), `Retrying automatically at ${hhmm} GMT (attempt 2 of 6).`);
    assert.equal(runProgress(run!, messages.fr.schedules, { lang: "fr", locale: "fr-FR", now }), `Nouvelle tentative automatique à ${hhmm} GMT (tentative 2 sur 6).`);
    const dayBefore = new Date(run!.nextAttemptAt!.getTime() - 86_400_000);
    const date = new Intl.DateTimeFormat("fr-FR", { timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric" }).format(run!.nextAttemptAt!);
    assert.equal(runProgress(run!, messages.fr.schedules, { lang: "fr", locale: "fr-FR", now: dayBefore }), `Nouvelle tentative automatique à ${date} ${hhmm} GMT (tentative 2 sur 6).`, "another day: with its date, in the account's style");
    const [delivery] = run!.deliveries;
    assert.equal(deliveryNote(delivery!, messages.en.schedules, { nextAttemptAt: run!.nextAttemptAt, lang: "en", locale: "en-GB", now }), `The recipient's mail server asked us to try again later. We will try again automatically at ${hhmm} GMT.`);
    assert.match(delivery!.detail, /451/, "the server's answer is kept for the folded technical detail");
    assert.equal(refreshInterval([run!], now), 31_000, "the page looks again just after the retry is due");
    assert.equal(refreshInterval([{ ...run!, status: "running" }], now), 2_000, "and every 2 s while it is sent");
    assert.equal(refreshInterval([{ ...run!, status: "delivered" }], now), null, "not at all once nothing is open");
  } finally {
    await smtp.stop();
  }
});

test("cancelling a schedule cancels its waiting run and every destination not served; its history stays readable", async () => {
  await clearSchedules();
  const smtp = await startSmtp({ failFirst: 1 });
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["first@client.example", "second@client.example"] }, key);
    const s = settings(smtp.url);
    const tried = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, tried), "retrying", "the first address got 451, the second its report");
    const never = await sendNow(t.db, s, scope, schedule.id, new Date(Date.now() + 1000));
    await cancelSchedule(scope, schedule.id);

    const [view, runs] = await getScheduleWithHistory(scope, schedule.id);
    assert.equal(view.status, "cancelled", "its page is still found");
    const byRun = new Map(runs.map((r) => [r.id, r]));
    assert.equal(byRun.get(tried)!.status, "cancelled");
    assert.deepEqual(byRun.get(tried)!.deliveries.map((d) => [d.destination, d.status]), [["mail:first@client.example", "cancelled"], ["mail:second@client.example", "delivered"]]);
    assert.equal(byRun.get(never)!.status, "cancelled");
    assert.deepEqual(byRun.get(never)!.deliveries.map((d) => d.status), ["cancelled", "cancelled"], "a run never tried names its destinations, cancelled");
    const cancelled = byRun.get(tried)!.deliveries[0]!;
    assert.equal(deliveryNote(cancelled, messages.en.schedules, { lang: "en", locale: "en" }), "Cancelled with the schedule: not sent.");
    assert.equal(deliveryNote(cancelled, messages.fr.schedules, { lang: "fr", locale: "fr" }), "Annulé avec la programmation : non envoyé.");
    assert.equal(runProgress(byRun.get(tried)!, messages.en.schedules, { lang: "en", locale: "en-GB", now: new Date() }), "Cancelled with the schedule.");

    await sleep(150);
    assert.equal(await deliverRun(t.db, s, tried), "skipped", "no worker takes it up again");
    const queued: number[] = [];
    await enqueueDueRuns(t.db, { enqueue: async (id) => void queued.push(id) }, new Date(Date.now() + 86_400_000 * 2));
    assert.deepEqual(queued, [], "nor does the minute tick, even when the schedule would have been due");
    assert.equal(smtp.received.length, 1, "only what was sent before the cancellation");
    await assert.rejects(sendNow(t.db, s, scope, schedule.id), { name: "NotFoundError" });
    await assert.rejects(updateSchedule(scope, schedule.id, { ...base, emails: ["x@client.example"] }, key), { name: "NotFoundError" });
    await assert.rejects(cancelSchedule(scope, schedule.id), { name: "NotFoundError" });
    for (let i = 0; i < 10; i++) await createSchedule(scope, { ...base, name: `Active ${i + 1}`, emails: ["a@b.example"] }, key);
    await assert.rejects(createSchedule(scope, { ...base, name: "Eleventh", emails: ["a@b.example"] }, key), { name: "ScheduleLimitError" }, "ten active: the cancelled one did not count");
  } finally {
    await smtp.stop();
  }
});

test("a schedule cancelled while a worker sends its run: nothing more is sent, the run ends cancelled, the owner is not told of a failure", async () => {
  await clearSchedules();
  const smtp = await startSmtp();
  try {
    const schedule = await createSchedule(scope, { ...base, emails: ["one@client.example", "two@client.example"] }, key);
    let cancelled!: Promise<void>;
    // The report is built while the owner cancels: the worker holds the run, then loses it.
    const render: RenderReport = async (request) => {
      cancelled = cancelSchedule(scope, schedule.id);
      await cancelled;
      return csvRender(request);
    };
    const s = settings(smtp.url, { render });
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "cancelled");
    await cancelled;
    assert.equal(smtp.received.length, 0, "nothing sent after the cancellation, not even to the owner");
    assert.equal((await runOf(runId)).status, "cancelled");
    assert.deepEqual((await deliveriesOf(runId)).map((d) => d.status), ["cancelled", "cancelled"]);
  } finally {
    await smtp.stop();
  }
});

test("runs left Failed with their destinations Waiting by a cancellation before this fix read as cancelled after migration 0015", async () => {
  await clearSchedules();
  const schedule = await createSchedule(scope, { ...base, emails: ["old@client.example"] }, key);
  const s = { enqueue: async () => {} };
  const never = await sendNow(t.db, s, scope, schedule.id);
  const waited = await sendNow(t.db, s, scope, schedule.id, new Date(Date.now() + 1000));
  const sent = await sendNow(t.db, s, scope, schedule.id, new Date(Date.now() + 2000));
  // As the old code left them: the schedule cancelled, then each run closed "failed" by the worker.
  await t.db.update(reportSchedules).set({ status: "cancelled", nextRunAt: null, updatedAt: new Date() }).where(eq(reportSchedules.id, schedule.id));
  await t.db.update(scheduleRuns).set({ status: "failed", finishedAt: new Date(Date.now() + 5000) }).where(eq(scheduleRuns.scheduleId, schedule.id));
  await t.db.insert(runDeliveries).values([
    { accountId: scope.accountId, runId: waited, destination: "mail:old@client.example", status: "pending", attempts: 1, detail: "SMTP to old@client.example: 451 try again later" },
    { accountId: scope.accountId, runId: sent, destination: "mail:old@client.example", status: "failed", attempts: 1, detail: "SMTP to old@client.example: 550 no such user" },
  ]);
  const migration = readFileSync(path.join(import.meta.dirname, "../../db/migrations/0015_cancelled_runs.sql"), "utf8");
  for (const statement of migration.split("--> statement-breakpoint")) await t.db.execute(sql.raw(statement));
  assert.deepEqual([(await runOf(never)).status, (await runOf(waited)).status, (await runOf(sent)).status], ["cancelled", "cancelled", "failed"], "a run that really failed stays so");
  assert.deepEqual((await deliveriesOf(waited)).map((d) => [d.status, d.details?.problem]), [["cancelled", "cancelled"]]);
  assert.equal((await deliveriesOf(sent))[0]!.status, "failed");
});
