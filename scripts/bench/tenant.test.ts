import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { scopeOf, type AccountScope } from "@/lib/auth/scope";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getConferenceLines } from "@/lib/data/conferences";
import { getRoomUsage } from "@/lib/data/room-usage";
import { generateTenant, type Tenant } from "./tenant";

/** Every total equals the sum of its lines, in integer minor units, on generated data. */
let t: TestDatabase;
let tenant: Tenant;
let owner: AccountScope;

before(async () => {
  t = await testDatabase();
  tenant = await generateTenant(t.db, { scale: 0.004, now: new Date("2026-11-23T10:00:00Z") });
  const { rows } = await t.db.execute<{ id: string }>(sql`select m.user_id as id from account_members m where m.account_id = ${tenant.accountId} and m.role = 'owner'`);
  owner = await scopeOf(t.db, { userId: Number(rows[0]!.id), accountId: tenant.accountId, roomId: null });
});
after(() => t.close());

test("account, code and room totals add up, every month, and match the legs", async () => {
  assert.equal(tenant.periods.length, 12);
  assert.ok(tenant.counts.legs > 1000);
  for (const period of tenant.periods) {
    const rooms = await getRoomUsage(owner, period, "all");
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    assert.ok(rooms.rows.every((r) => Number.isSafeInteger(r.chargeMinor) && Number.isSafeInteger(r.durationS)), "integer minor units");
    assert.equal(rooms.total.chargeMinor, sum(rooms.rows.map((r) => r.chargeMinor)));
    assert.equal(rooms.total.durationS, sum(rooms.rows.map((r) => r.durationS)));

    // A page of the list: its lines, with the count and the total of the whole list.
    const slice = await getRoomUsage(owner, period, "all", { offset: 2, limit: 3 });
    assert.deepEqual(slice.rows, rooms.rows.slice(2, 5));
    assert.deepEqual([slice.count, slice.total], [rooms.rows.length, rooms.total]);
    const active = await getRoomUsage(owner, period, "active", { offset: 0, limit: 2 });
    assert.equal(active.count, rooms.rows.filter((r) => r.durationS > 0 || r.chargeMinor > 0).length);
    assert.deepEqual(active.total, rooms.total);

    const codes = await getCodeUsage(owner, period);
    assert.equal(codes.total.chargeMinor, rooms.total.chargeMinor, `codes vs rooms in ${period}`);
    for (const code of codes.codes) assert.equal(code.chargeMinor, sum(code.rooms.map((r) => r.chargeMinor)));

    const { rows: legs } = await t.db.execute<{ charge: string | null; duration: string | null }>(sql`
      select sum(l.charge_minor) as charge, sum(l.duration_s) as duration from legs l
      join conferences c on c.account_id = l.account_id and c.id = l.conference_id
      where c.account_id = ${tenant.accountId} and c.period = ${period}`);
    assert.equal(rooms.total.chargeMinor, Number(legs[0]!.charge ?? 0), `legs in ${period}`);
    assert.equal(rooms.total.durationS, Number(legs[0]!.duration ?? 0));

    // A room's conference lines add up to its line on the account page.
    const busiest = [...rooms.rows].sort((a, b) => b.chargeMinor - a.chargeMinor)[0];
    if (busiest && busiest.chargeMinor > 0) {
      const { rows: room } = await t.db.execute<{ id: string }>(sql`select id from rooms where account_id = ${tenant.accountId} and number = ${busiest.number}`);
      const lines = await getConferenceLines(owner, period, { roomId: Number(room[0]!.id) });
      assert.equal(lines.total.chargeMinor, busiest.chargeMinor);
      assert.equal(lines.total.chargeMinor, sum(lines.lines.map((l) => l.chargeMinor)));
      // A page of the room's conferences: those lines only, with the whole month's count and total.
      const paged = await getConferenceLines(owner, period, { roomId: Number(room[0]!.id) }, { offset: 1, limit: 2 });
      assert.deepEqual([...new Set(paged.lines.map((l) => l.conferenceId))], [...new Set(lines.lines.map((l) => l.conferenceId))].slice(1, 3));
      assert.deepEqual([paged.conferences, paged.total], [lines.conferences, lines.total]);
      const code = lines.lines[0]!.billingCode;
      const byCode = await getConferenceLines(owner, period, { billingCode: code }, { offset: 0, limit: 1000 });
      const allByCode = await getConferenceLines(owner, period, { billingCode: code });
      assert.deepEqual([byCode.conferences, byCode.total], [allByCode.conferences, allByCode.total]);
    }
  }
});
