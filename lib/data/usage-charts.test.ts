import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { serviceTypes, type ServiceType } from "@/db/schema";
import type { AccountScope, RoomScope } from "@/lib/auth/scope";
import { assignBillingCode } from "@/lib/billing-codes";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getConferenceLines } from "@/lib/data/conferences";
import { getRoomUsage } from "@/lib/data/room-usage";
import { seedDemo } from "@/lib/demo/demo";
import { demoScopes } from "@/lib/demo/testing";
import { addMonths, periodOf, selectablePeriods, type Period } from "@/lib/periods";
import { chartRollups } from "@/lib/usage/chart-usage.testing";
import { purgeExpiredUsage } from "@/lib/usage/retention";
import { CHART_MONTHS, getAccountMonths, getAccountMonthToDate, getRoomMonths, getRoomMonthToDate, getTopCodes, getTopRooms } from "./usage-charts";

/**
 * The charts show the tables' own figures: each month of the account's chart is the account
 * summary's total of that period, each month of a room's chart its conference list's total (per
 * service type too), the top rooms and codes are the summary's and the by-code view's lines, and
 * the charts' rollups stay equal to the legs after code changes and the purge.
 */
const NOW = new Date("2026-11-24T10:00:00Z");
const ZONE = "Europe/Paris";
const CURRENT = periodOf(NOW, ZONE);
const MONTHS = Array.from({ length: CHART_MONTHS }, (_, i) => addMonths(CURRENT, i - CHART_MONTHS + 1));
let t: TestDatabase;
let owner: AccountScope;
let marilene: RoomScope;
let rooms: { id: number; number: string }[];

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
  ({ owner, marilene } = await demoScopes(t.db));
  const { rows } = await t.db.execute<{ id: string; number: string }>(sql`select id, number from rooms where account_id = ${owner.accountId} order by number`);
  rooms = rows.map((r) => ({ id: Number(r.id), number: r.number }));
});
after(() => t.close());

/** A room's conference list for a period, summed per service type as the chart stacks it. */
async function roomTable(scope: AccountScope | RoomScope, roomId: number, period: Period) {
  const { lines, total } = await getConferenceLines(scope, period, { roomId });
  const byType = Object.fromEntries(serviceTypes.map((type) => [type, { durationS: 0, chargeMinor: 0 }])) as Record<ServiceType, { durationS: number; chargeMinor: number }>;
  for (const line of lines) {
    byType[line.serviceType as ServiceType].durationS += line.durationS;
    byType[line.serviceType as ServiceType].chargeMinor += line.chargeMinor;
  }
  return { total, byType };
}

test("the demo has usage in every month the charts show, and the account is in Paris", async () => {
  const { rows } = await t.db.execute<{ time_zone: string }>(sql`select time_zone from accounts where id = ${owner.accountId}`);
  assert.equal(rows[0]!.time_zone, ZONE);
  const months = await getAccountMonths(owner, CURRENT);
  assert.deepEqual(months.map((m) => m.period), MONTHS);
  assert.ok(months.filter((m) => m.chargeMinor > 0).length >= 12, "12 months of demo usage");
});

test("each month of the account's chart equals the account summary's total, in charge and time, and per service type the rooms' lists", async () => {
  const months = await getAccountMonths(owner, CURRENT);
  let compared = 0;
  for (const month of months) {
    const summary = await getRoomUsage(owner, month.period, "active");
    assert.deepEqual({ durationS: month.durationS, chargeMinor: month.chargeMinor }, summary.total, `account total ${month.period}`);
    const byType = Object.fromEntries(serviceTypes.map((type) => [type, { durationS: 0, chargeMinor: 0 }])) as Record<ServiceType, { durationS: number; chargeMinor: number }>;
    for (const room of rooms) {
      const table = await roomTable(owner, room.id, month.period);
      for (const type of serviceTypes) {
        byType[type].durationS += table.byType[type].durationS;
        byType[type].chargeMinor += table.byType[type].chargeMinor;
      }
    }
    assert.deepEqual(month.byType, byType, `account per service type ${month.period}`);
    compared += summary.total.chargeMinor > 0 ? 1 : 0;
  }
  assert.ok(compared >= 12);
});

test("each month of a room's chart equals its conference list's total and lines per service type, for its owner and its holder", async () => {
  for (const room of rooms) {
    const months = await getRoomMonths(owner, room.id, CURRENT);
    for (const month of months) {
      const table = await roomTable(owner, room.id, month.period);
      assert.deepEqual({ durationS: month.durationS, chargeMinor: month.chargeMinor }, table.total, `room ${room.number} ${month.period}`);
      assert.deepEqual(month.byType, table.byType, `room ${room.number} ${month.period} per service type`);
    }
  }
  const own = rooms.find((r) => r.id === marilene.roomId)!;
  assert.deepEqual(await getRoomMonths(marilene, own.id, CURRENT), await getRoomMonths(owner, own.id, CURRENT));
  // Another room asked for in a room holder's scope: nothing.
  const other = rooms.find((r) => r.id !== marilene.roomId)!;
  assert.ok((await getRoomMonths(marilene, other.id, CURRENT)).every((m) => m.chargeMinor === 0 && m.durationS === 0));
});

test("the top 10 rooms and codes of every selectable period are the tables' lines with the highest charge, and their shares are of the tables' totals", async () => {
  for (const period of selectablePeriods(ZONE, NOW)) {
    const summary = await getRoomUsage(owner, period, "active");
    const top = await getTopRooms(owner, period);
    const expected = [...summary.rows].sort((a, b) => b.chargeMinor - a.chargeMinor || b.durationS - a.durationS || a.number.localeCompare(b.number)).slice(0, 10);
    assert.deepEqual(top.lines.map((l) => [l.key, l.label, l.durationS, l.chargeMinor]), expected.map((r) => [r.number, r.cardholder, r.durationS, r.chargeMinor]), `top rooms ${period}`);
    assert.deepEqual(top.total, summary.total, `top rooms' total ${period}`);
    assert.equal(top.count, summary.rows.length);

    const codes = await getCodeUsage(owner, period);
    const topCodes = await getTopCodes(owner, period);
    const expectedCodes = [...codes.codes].sort((a, b) => b.chargeMinor - a.chargeMinor || b.durationS - a.durationS || (a.code ?? "").localeCompare(b.code ?? "")).slice(0, 10);
    assert.deepEqual(topCodes.lines.map((l) => [l.key || null, l.durationS, l.chargeMinor]), expectedCodes.map((c) => [c.code, c.durationS, c.chargeMinor]), `top codes ${period}`);
    assert.deepEqual(topCodes.total, { durationS: codes.total.durationS, chargeMinor: codes.total.chargeMinor });
    assert.ok(topCodes.lines.reduce((n, l) => n + l.chargeMinor, 0) <= topCodes.total.chargeMinor);

    // A room's codes: the room holder's by-code figures of her room.
    const room = await getTopCodes(marilene, period, marilene.roomId);
    const own = await roomTable(marilene, marilene.roomId, period);
    assert.equal(room.total.chargeMinor, own.total.chargeMinor, `the room's codes' total ${period}`);
    assert.equal(room.total.durationS, own.total.durationS);
  }
});

test("month to date: the account's equals the sum of its rooms', the current month's equals the summary's total", async () => {
  const account = await getAccountMonthToDate(owner, CURRENT, ZONE, NOW);
  assert.equal(account.day, 24);
  assert.ok(account.elapsed > 0.7 && account.elapsed < 0.8, String(account.elapsed));
  assert.equal(account.current, (await getRoomUsage(owner, CURRENT, "active")).total.chargeMinor);
  assert.equal(account.previousWhole, (await getRoomUsage(owner, addMonths(CURRENT, -1), "active")).total.chargeMinor);
  const sum = { current: 0, previous: 0, previousWhole: 0 };
  for (const room of rooms) {
    const r = await getRoomMonthToDate(owner, room.id, CURRENT, ZONE, NOW);
    sum.current += r.current;
    sum.previous += r.previous;
    sum.previousWhole += r.previousWhole;
  }
  assert.deepEqual(sum, { current: account.current, previous: account.previous, previousWhole: account.previousWhole });
  assert.ok(account.previous > 0 && account.previous < account.previousWhole, "the same days of last month are part of it");
});

test("the charts' rollups stay equal to the legs after codes are changed and old months purged", async () => {
  const exact = async (when: string) => {
    const charts = await chartRollups(t.db);
    assert.ok(charts.rooms.stored.length > 0);
    assert.deepEqual(charts.rooms.stored, charts.rooms.recomputed, `room_service_usage after ${when}`);
    assert.deepEqual(charts.days.stored, charts.days.recomputed, `account_service_days after ${when}`);
  };
  await exact("the demo seed");
  const { rows } = await t.db.execute<{ id: string; version: number }>(sql`
    select id, version from conferences where account_id = ${owner.accountId} and period = ${CURRENT} order by id limit 5`);
  const before = await getAccountMonths(owner, CURRENT);
  await assignBillingCode(t.db, owner, rows.map((r) => ({ id: Number(r.id), version: r.version })), "CHART-TEST");
  await exact("a code change");
  assert.deepEqual(await getAccountMonths(owner, CURRENT), before, "a code change moves no month");
  assert.ok((await getTopCodes(owner, CURRENT)).lines.some((l) => l.key === "CHART-TEST"));

  // A year on, the first months are purged: they leave the charts, the rest is exact.
  const purged = await purgeExpiredUsage(t.db, new Date("2027-02-10T10:00:00Z"));
  assert.ok(purged.length > 0);
  await exact("the purge");
  const { rows: old } = await t.db.execute(sql`select 1 from room_service_usage where period < '2026-02-01' union all select 1 from account_service_days where period < '2026-02-01'`);
  assert.equal(old.length, 0);
});
