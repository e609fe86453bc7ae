import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { PURGE_QUEUE, startWorker } from "@/lib/jobs/queue";
import { purgeExpiredUsage } from "./retention";
import { rebuildRollups } from "./rollups";

let t: TestDatabase;
let accountId: number;

/** Stored usage for a month, written directly: the ingest path refuses data this old. */
async function usageIn(period: string, legs: number) {
  const start = `${period}T09:00:00Z`;
  const { rows } = await t.db.execute<{ id: string }>(sql`
    insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
    select ${accountId}, id, ${`conf-${period}`}, ${start}::timestamptz, ${start}::timestamptz + interval '1 hour', ${period}::date from rooms where number = '631111'
    returning id`);
  for (let i = 0; i < legs; i++) {
    await t.db.execute(sql`
      insert into legs (account_id, conference_id, external_id, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
      values (${accountId}, ${rows[0]!.id}, ${`leg-${period}-${i}`}, 'toll', ${start}::timestamptz, ${start}::timestamptz + interval '1 minute', 60, 60, 9)`);
  }
  await rebuildRollups(t.db, accountId);
}

const months = async () => (await t.db.execute<{ period: string }>(sql`select distinct period::text as period from conferences order by 1`)).rows.map((r) => r.period);

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
