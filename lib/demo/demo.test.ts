import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { demoScopes } from "./testing";
import { seedDemo } from "./demo";
import { getRoomUsage } from "@/lib/data/room-usage";
import { findRoom } from "@/lib/data/rooms";
import { getAccountMonthToDate } from "@/lib/data/usage-charts";
import type { AccountScope, RoomScope } from "@/lib/auth/scope";

const NOW = new Date("2026-11-23T10:00:00Z");
let t: TestDatabase;
let owner: AccountScope;
let marilene: RoomScope;

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
  ({ owner, marilene } = await demoScopes(t.db));
});
after(() => t.close());

test("the month before the current one reproduces the seed's account table exactly", async () => {
  const usage = await getRoomUsage(owner, "2026-10-01", "active");
  assert.deepEqual(
    usage.rows.map((r) => [r.number, r.cardholder, r.durationS, r.chargeMinor]),
    [
      ["320026", "Leo", 60, 9],
      ["332703", "Marilene BALLESTER", 85816, 11659],
      ["335848", "Jean-Baptiste Godeau", 10732, 1539],
    ],
  );
  assert.deepEqual(usage.total, { durationS: 96608, chargeMinor: 13207 });
  const [conferences] = (await t.db.execute<{ n: number }>(sql`
    select count(*)::int as n from conferences c join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where r.number = '332703' and c.period = '2026-10-01'`)).rows;
  assert.equal(conferences!.n, 19);
});

test("All rooms shows every room of the account, inactive ones at zero", async () => {
  const usage = await getRoomUsage(owner, "2026-10-01", "all");
  assert.equal(usage.rows.length, 15);
  assert.equal(usage.rows.filter((r) => r.chargeMinor === 0).length, 12);
  assert.deepEqual(usage.total, { durationS: 96608, chargeMinor: 13207 });
});

test("every total equals the sum of its lines, and the rollups equal the legs, for all 12 months", async () => {
  const { rows: periods } = await t.db.execute<{ period: string }>(sql`select distinct period::text as period from conferences order by 1`);
  assert.equal(periods.length, 12);
  for (const { period } of periods) {
    for (const display of ["active", "all"] as const) {
      const usage = await getRoomUsage(owner, period, display);
      assert.equal(usage.total.chargeMinor, usage.rows.reduce((s, r) => s + r.chargeMinor, 0));
      assert.equal(usage.total.durationS, usage.rows.reduce((s, r) => s + r.durationS, 0));
      const { rows: truth } = await t.db.execute<{ number: string; duration_s: string; charge_minor: string }>(sql`
        select r.number, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor
        from legs l join conferences c on c.account_id = l.account_id and c.id = l.conference_id
        join rooms r on r.account_id = c.account_id and r.id = c.room_id
        where c.period = ${period} group by r.number order by r.number`);
      const active = usage.rows.filter((r) => display === "active" || r.durationS > 0 || r.chargeMinor > 0);
      assert.deepEqual(
        active.map((r) => [r.number, r.durationS, r.chargeMinor]),
        truth.map((r) => [r.number, Number(r.duration_s), Number(r.charge_minor)]),
        `rollups of ${period} (${display})`,
      );
    }
  }
});

test("months before the current one are invoiced, the current one is open with unallocated conferences", async () => {
  const { rows } = await t.db.execute<{ period: string; status: string | null; unallocated: number }>(sql`
    select c.period::text as period, b.status, count(*) filter (where c.billing_code is null)::int as unallocated
    from conferences c left join billing_periods b on b.account_id = c.account_id and b.period = c.period
    group by 1, 2 order by 1`);
  for (const row of rows.slice(0, -1)) assert.equal(row.status, "invoiced", row.period);
  const current = rows.at(-1)!;
  assert.equal(current.period, "2026-11-01");
  assert.equal(current.status, null);
  assert.ok(current.unallocated > 0);
  const { rows: types } = await t.db.execute<{ service_type: string }>(sql`select distinct service_type from legs order by 1`);
  assert.deepEqual(types.map((r) => r.service_type), ["dial-out", "operator-assisted", "toll", "toll-free", "voip"]);
});

test("a room holder sees only their room", async () => {
  const usage = await getRoomUsage(marilene, "2026-10-01", "all");
  assert.deepEqual(usage.rows.map((r) => r.number), ["332703"]);
  assert.equal((await findRoom(marilene, "332703"))?.number, "332703");
  assert.equal(await findRoom(marilene, "320026"), undefined);
  assert.equal((await findRoom(owner, "320026"))?.number, "320026");
});

test("the open month holds the days gone by of a typical month: its projection is in the other months' range", async () => {
  const { rows } = await t.db.execute<{ period: string; minor: string }>(sql`select period::text as period, sum(charge_minor) as minor from conferences group by 1 order by 1`);
  // The random months: neither the seed's table (October) nor the open month.
  const months = rows.filter((r) => !["2026-10-01", "2026-11-01"].includes(r.period)).map((r) => Number(r.minor));
  const soFar = await getAccountMonthToDate(owner, "2026-11-01", "Europe/Paris", NOW);
  const projection = soFar.current / soFar.elapsed;
  assert.ok(projection > Math.min(...months) / 2 && projection < Math.max(...months) * 1.5, `projection ${projection} against ${months.join(", ")}`);
  const { rows: late } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from legs where left_at > ${NOW.toISOString()}`);
  assert.equal(late[0]!.n, 0, "every leg has ended by now");
});
