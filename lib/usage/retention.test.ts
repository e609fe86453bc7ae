import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { PARTITIONS_QUEUE, PURGE_QUEUE, startWorker } from "@/lib/jobs/queue";
import { addMonths, periodOf } from "@/lib/periods";
import { createLegPartitions, legsPartition } from "./partitions";
import { purgeExpiredUsage, type Purged } from "./retention";
import { rebuildRollups } from "./rollups";

let t: TestDatabase;
let accountId: number;

/** Stored usage for a month (its partition made first), written directly: the ingest path refuses data this old. */
async function usageIn(period: string, legs: number, account = accountId, room = "631111") {
  const start = `${period}T09:00:00Z`;
  await t.db.execute(sql`select legs_create_partitions(${period}, ${period})`);
  const { rows } = await t.db.execute<{ id: string }>(sql`
    insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
    select ${account}, id, ${`conf-${period}`}, ${start}::timestamptz, ${start}::timestamptz + interval '1 hour', ${period}::date from rooms where number = ${room}
    returning id`);
  for (let i = 0; i < legs; i++) {
    await t.db.execute(sql`
      insert into legs (account_id, conference_id, external_id, period, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
      values (${account}, ${rows[0]!.id}, ${`leg-${period}-${i}`}, ${period}, 'toll', ${start}::timestamptz, ${start}::timestamptz + interval '1 minute', 60, 60, 9)`);
  }
  await rebuildRollups(t.db, account);
}

const months = async () => (await t.db.execute<{ period: string }>(sql`select distinct period::text as period from conferences order by 1`)).rows.map((r) => r.period);
const partitions = async () =>
  (await t.db.execute<{ name: string }>(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'legs'::regclass order by 1`)).rows.map((r) => r.name);
/** An account's stored usage, everywhere it is counted. */
const usageOf = async (account: number) =>
  (
    await t.db.execute(sql`
      select (select count(*) from legs where account_id = ${account}) as legs, (select count(*) from conferences where account_id = ${account}) as conferences,
             (select coalesce(sum(legs), 0) from usage_rollups where account_id = ${account}) as rollups, (select coalesce(sum(legs), 0) from room_usage where account_id = ${account}) as rooms,
             (select coalesce(sum(legs), 0) from room_service_usage where account_id = ${account}) as chart, (select coalesce(sum(legs), 0) from account_service_days where account_id = ${account}) as days,
             (select coalesce(sum(legs), 0) from report_days where account_id = ${account}) as report`)
  ).rows[0];

before(async () => {
  t = await testDatabase();
  accountId = (await createAccount(t.db, { number: "630001", company: "Old Data SA" })).id;
  await createUser(t.db, { email: "h@old.example", name: "H", password: "a long password", account: "630001" });
  await createRoom(t.db, { account: "630001", number: "631111", cardholder: "h@old.example" });
});
after(() => t.close());

test("usage older than the 12 months kept is purged, month by month, and audited", async () => {
  await usageIn("2025-09-01", 3);
  await usageIn("2025-10-01", 2);
  await usageIn("2025-11-01", 1);
  await usageIn("2026-11-01", 4);
  const purged = await purgeExpiredUsage(t.db, new Date("2026-11-23T12:00:00Z"));
  assert.deepEqual(purged, [
    { account: "630001", period: "2025-09-01", conferences: 1, legs: 3 },
    { account: "630001", period: "2025-10-01", conferences: 1, legs: 2 },
  ]);
  assert.deepEqual(await months(), ["2025-11-01", "2026-11-01"]);
  const { rows: rollups } = await t.db.execute<{ period: string }>(sql`select period::text as period from usage_rollups order by 1`);
  assert.deepEqual(rollups.map((r) => r.period), ["2025-11-01", "2026-11-01"]);
  const { rows: audits } = await t.db.execute<{ subject: string }>(sql`select subject from audit_events where action = 'usage.purged' order by id`);
  assert.deepEqual(audits.map((a) => a.subject), ["2025-09", "2025-10"]);
  assert.deepEqual(await purgeExpiredUsage(t.db, new Date("2026-11-23T12:00:00Z")), [], "a second run finds nothing");
  const left = await partitions();
  assert.ok(!left.includes("legs_2025_09") && !left.includes("legs_2025_10"), "the months out of retention for every account are dropped whole");
  assert.ok(left.includes("legs_2025_11") && left.includes("legs_2026_11"), "the months kept keep their partitions");
});

test("a month dropped whole audits each account's share; a month some zones still keep is deleted per account", async () => {
  const other = (await createAccount(t.db, { number: "630002", company: "Far East KK", timeZone: "Pacific/Kiritimati" })).id;
  await createUser(t.db, { email: "k@east.example", name: "K", password: "a long password", account: "630002" });
  await createRoom(t.db, { account: "630002", number: "632222", cardholder: "k@east.example" });
  await usageIn("2025-06-01", 3);
  await usageIn("2025-06-01", 5, other, "632222");
  await usageIn("2025-11-01", 2, other, "632222");
  await usageIn("2026-11-01", 4, other, "632222");
  const before = await usageOf(accountId);
  // 2026-11-30 12:30 UTC: already December at UTC+14 (Kiritimati), still November in Europe: November
  // 2025 is out of retention for the Kiritimati account only.
  const purged = await purgeExpiredUsage(t.db, new Date("2026-11-30T12:30:00Z"));
  assert.deepEqual(purged, [
    { account: "630001", period: "2025-06-01", conferences: 1, legs: 3 },
    { account: "630002", period: "2025-06-01", conferences: 1, legs: 5 },
    { account: "630002", period: "2025-11-01", conferences: 1, legs: 2 },
  ]);
  const left = await partitions();
  assert.ok(!left.includes("legs_2025_06"), "June 2025 dropped whole");
  assert.ok(left.includes("legs_2025_11"), "November 2025 kept: still in retention in Europe");
  const { rows: audits } = await t.db.execute<{ account_id: string; subject: string; after: Purged }>(sql`
    select account_id, subject, after from audit_events where action = 'usage.purged' and subject in ('2025-06', '2025-11') order by id`);
  assert.deepEqual(
    audits.map((a) => [Number(a.account_id), a.subject, a.after.legs]),
    [[accountId, "2025-06", 3], [other, "2025-06", 5], [other, "2025-11", 2]],
  );
  const after = await usageOf(other);
  assert.deepEqual(after, { legs: "4", conferences: "1", rollups: "4", rooms: "4", chart: "4", days: "4", report: "4" }, "the other account's recent month is whole");
  const kept = await usageOf(accountId);
  assert.deepEqual(
    Object.fromEntries(Object.entries(kept!).map(([k, v]) => [k, Number(v)])),
    Object.fromEntries(Object.entries(before!).map(([k, v]) => [k, Number(v) - (k === "conferences" ? 1 : 3)])),
    "the first account lost June 2025's conference and three legs, everywhere they were counted, and nothing else",
  );
});

test("the job worker runs the purge from the queue", async () => {
  await usageIn("2025-08-01", 2);
  const boss = await startWorker(t.db, t.url, () => {});
  try {
    await boss.send(PURGE_QUEUE, {});
    for (let i = 0; i < 100 && (await months()).includes("2025-08-01"); i++) await sleep(200);
    assert.ok(!(await months()).includes("2025-08-01"), "the queued purge ran");
    const { rows } = await t.db.execute<{ cron: string }>(sql`select cron from pgboss.schedule where name = ${PURGE_QUEUE}`);
    assert.deepEqual(rows, [{ cron: "0 3 * * *" }], "scheduled daily");
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
});

test("the months made ahead are the months kept: a purged month is not made again", async () => {
  await createLegPartitions(t.db);
  await purgeExpiredUsage(t.db);
  assert.equal(await createLegPartitions(t.db), 0, "the hourly job makes no month the purge has just dropped");
});

test("the worker's hourly job makes a month ahead that is missing", async () => {
  // Two months ahead: the last month made ahead, with no usage yet.
  const ahead = addMonths(periodOf(new Date(), "UTC"), 2);
  const name = legsPartition(ahead);
  await t.db.execute(sql.raw(`drop table ${name}`));
  assert.ok(!(await partitions()).includes(name));
  const boss = await startWorker(t.db, t.url, () => {});
  try {
    await boss.send(PARTITIONS_QUEUE, {});
    for (let i = 0; i < 100 && !(await partitions()).includes(name); i++) await sleep(200);
    assert.ok((await partitions()).includes(name), "the queued job made the month again");
    const { rows } = await t.db.execute<{ cron: string }>(sql`select cron from pgboss.schedule where name = ${PARTITIONS_QUEUE}`);
    assert.deepEqual(rows, [{ cron: "0 * * * *" }], "scheduled hourly");
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
});
