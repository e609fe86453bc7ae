import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Readable } from "node:stream";
import pg from "pg";
import { sql, type SQL } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { demoScopes } from "@/lib/demo/testing";
import { createAccount, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { scopeOf, type AccountScope, type RoomScope } from "@/lib/auth/scope";
import { getCodeUsage, getUnallocatedRooms } from "@/lib/data/code-usage";
import { getConferenceLines } from "@/lib/data/conferences";
import { getRoomUsage } from "@/lib/data/room-usage";
import { seedDemo } from "@/lib/demo/demo";
import { LockedError, NotFoundError } from "@/lib/errors";
import { ingest } from "@/lib/ingest/ingest";
import { rebuildRollups } from "@/lib/usage/rollups";
import { assignBillingCode, assignUnallocated } from "./billing-codes";

/**
 * The month-end clean-up's "select all": the filter read again in the transaction, only this
 * account's and period's unallocated conferences, nothing overwritten that someone else gave a
 * code meanwhile, nothing counted twice, and the summary's figures (rollups, kept by the writes
 * and by triggers) equal to a recomputation from the conferences and their legs afterwards.
 */
const NOW = new Date("2026-11-23T10:00:00Z");
const NOVEMBER = "2026-11-01";
const OCTOBER = "2026-10-01";
let t: TestDatabase;
let owner: AccountScope;
let marilene: RoomScope;
let other: AccountScope;

const all = { unallocated: true as const, roomId: null, from: null, to: null };

async function count(where: SQL): Promise<number> {
  const { rows } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from conferences c join rooms r on r.account_id = c.account_id and r.id = c.room_id where ${where}`);
  return rows[0]!.n;
}

/** Every figure the account summary shows, recomputed from the conferences and their legs, against what it reads. */
async function assertSummaryExact(scope: AccountScope, period: string) {
  const { rows: truth } = await t.db.execute<{ code: string; n: number; d: string; ch: string }>(sql`
    select coalesce(c.billing_code, '') as code, count(distinct c.id)::int as n, sum(l.duration_s)::text as d, sum(l.charge_minor)::text as ch
    from conferences c join legs l on l.account_id = c.account_id and l.conference_id = c.id
    where c.account_id = ${scope.accountId} and c.period = ${period} group by 1 order by 1`);
  const codes = await getCodeUsage(scope, period);
  assert.deepEqual(
    codes.codes.map((c) => ({ code: c.code ?? "", n: c.conferences, d: String(c.durationS), ch: String(c.chargeMinor) })).sort((a, b) => a.code.localeCompare(b.code)),
    truth.map((r) => ({ code: r.code, n: r.n, d: r.d, ch: r.ch })).sort((a, b) => a.code.localeCompare(b.code)),
    "per code",
  );
  const rooms = await getRoomUsage(scope, period, "active");
  assert.equal(String(rooms.total.chargeMinor), String(truth.reduce((s, r) => s + BigInt(r.ch), 0n)), "room total");
  assert.equal(String(rooms.total.durationS), String(truth.reduce((s, r) => s + BigInt(r.d), 0n)), "room duration");
  const unallocated = await getUnallocatedRooms(scope, period);
  const none = truth.find((r) => r.code === "");
  assert.equal(unallocated.conferences, none?.n ?? 0, "unallocated count");
  assert.equal(String(unallocated.chargeMinor), none?.ch ?? "0", "unallocated charge");
  // report_days (kept by triggers) is not by code, but the updates went through them: still exact.
  const { rows: days } = await t.db.execute<{ diff: number }>(sql`
    with truth as (
      select c.account_id, (c.started_at at time zone 'UTC')::date as day, c.room_id, c.product, l.service_type, count(distinct c.id)::int as n, count(*)::int as legs, sum(l.charge_minor)::bigint as ch
      from conferences c join legs l on l.account_id = c.account_id and l.conference_id = c.id group by 1, 2, 3, 4, 5),
    stored as (select account_id, day, room_id, product, service_type, conferences as n, legs, charge_minor as ch from report_days where service_type <> '')
    select count(*)::int as diff from ((select * from truth except select * from stored) union all (select * from stored except select * from truth)) x`);
  assert.equal(days[0]!.diff, 0, "report_days differs from the legs");
}

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
  ({ owner, marilene } = await demoScopes(t.db));
  // Another account, its own owner and unallocated conferences in November.
  const account = await createAccount(t.db, { number: "900001", company: "Other SA" });
  const user = await createUser(t.db, { email: "o@other.example", name: "O", password: "another long one", account: "900001", role: "owner" });
  await createRoom(t.db, { account: "900001", number: "910001", cardholder: "o@other.example" });
  await setTariff(t.db, { account: "900001", serviceType: "toll", rate: "0.0450", from: "2026-01-01" });
  const legs = Array.from({ length: 30 }, (_, i) => ({
    leg_id: `o-${i}`,
    conference_id: `oc-${Math.floor(i / 2)}`,
    room_number: "910001",
    service_type: "toll",
    started_at: new Date(Date.UTC(2026, 10, 2 + Math.floor(i / 2), 9, i)).toISOString(),
    ended_at: new Date(Date.UTC(2026, 10, 2 + Math.floor(i / 2), 9, i + 7)).toISOString(),
    caller_name: `Caller ${i}`,
    caller_number: "+33100000000",
    dialed_number: "+33800000000",
  }));
  const result = await ingest(t.db, { accountId: account.id, label: "test" }, Readable.from(legs.map((l) => `${JSON.stringify(l)}\n`)), "ndjson", { now: NOW });
  assert.ok(result.ok, JSON.stringify(result));
  other = await scopeOf(t.db, { userId: user.id, accountId: account.id, roomId: null });
});
after(() => t.close());

test("a room and days: only that room's unallocated conferences of those days get the code; the list showed exactly them", async () => {
  const room = (await t.db.execute<{ id: string }>(sql`select id from rooms where account_id = ${owner.accountId} and number = '332703'`)).rows[0]!;
  const filter = { unallocated: true as const, roomId: Number(room.id), from: new Date("2026-11-04T23:00:00Z"), to: new Date("2026-11-16T23:00:00Z") };
  const matching = sql`c.account_id = ${owner.accountId} and c.period = ${NOVEMBER} and c.billing_code is null and r.number = '332703' and c.started_at >= '2026-11-04T23:00:00Z' and c.started_at < '2026-11-16T23:00:00Z'`;
  const expected = await count(matching);
  assert.ok(expected > 1, "the demo has unallocated conferences in those days");
  const list = await getConferenceLines(owner, NOVEMBER, filter, { offset: 0, limit: 50 });
  assert.equal(list.conferences, expected, "the page's count");
  const elsewhere = await count(sql`c.account_id = ${owner.accountId} and c.period = ${NOVEMBER} and c.billing_code is null`);

  const result = await assignUnallocated(t.db, owner, NOVEMBER, filter, "ROOM-DAYS");
  assert.equal(result.count, expected);
  assert.equal(await count(matching), 0);
  assert.equal(await count(sql`c.billing_code = 'ROOM-DAYS'`), expected);
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.period = ${NOVEMBER} and c.billing_code is null`), elsewhere - expected, "the others keep no code");
  await assertSummaryExact(owner, NOVEMBER);
});

test("select all: every unallocated conference of the month, across rooms; the summary then shows none, exactly", async () => {
  const before = await getUnallocatedRooms(owner, NOVEMBER);
  assert.ok(before.rooms.length > 1 && before.conferences > 10, JSON.stringify(before));
  const otherBefore = await count(sql`c.account_id = ${other.accountId} and c.billing_code is null`);
  const octoberBefore = await count(sql`c.account_id = ${owner.accountId} and c.period = ${OCTOBER} and c.billing_code is null`);

  const result = await assignUnallocated(t.db, owner, NOVEMBER, all, "MONTH-END");
  assert.equal(result.count, before.conferences);
  assert.deepEqual(await getUnallocatedRooms(owner, NOVEMBER), { rooms: [], conferences: 0, chargeMinor: 0 });
  assert.equal(await count(sql`c.account_id = ${other.accountId} and c.billing_code is null`), otherBefore, "another account's conferences are untouched");
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.period = ${OCTOBER} and c.billing_code is null`), octoberBefore, "another month's are untouched");
  await assertSummaryExact(owner, NOVEMBER);
  const { rows } = await t.db.execute<{ n: number }>(sql`select jsonb_array_length(before->'conferences')::int as n from audit_events where action = 'billing-code.bulk-assigned' and after->>'code' = 'MONTH-END'`);
  assert.deepEqual(rows, [{ n: before.conferences }], "audited once, with its conferences");
  // Nothing left: a second "select all" assigns nothing and changes nothing.
  assert.equal((await assignUnallocated(t.db, owner, NOVEMBER, all, "AGAIN")).count, 0);
});

test("an invoiced month refuses, and a room holder is not let in", async () => {
  const unallocated = await count(sql`c.account_id = ${owner.accountId} and c.period = ${OCTOBER} and c.billing_code is null`);
  assert.ok(unallocated > 0);
  await assert.rejects(assignUnallocated(t.db, owner, OCTOBER, all, "LATE"), LockedError);
  await assert.rejects(assignUnallocated(t.db, marilene as unknown as AccountScope, NOVEMBER, all, "HOLDER"), NotFoundError);
  await assert.rejects(assignUnallocated(t.db, owner, NOVEMBER, all, "bad code!"), { name: "ZodError" });
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.period = ${OCTOBER} and c.billing_code is null`), unallocated);
});

test("at once: two accounts' owners, and one owner's two tabs with overlapping selections — no foreign write, nothing lost or counted twice", async () => {
  // The demo's open month unallocated again, as support would undo it by hand (then rebuilds the rollups).
  await t.db.execute(sql`update conferences set billing_code = null, billing_code_source = null where account_id = ${owner.accountId} and period = ${NOVEMBER} and billing_code in ('MONTH-END', 'ROOM-DAYS')`);
  await rebuildRollups(t.db, owner.accountId);
  const mine = await count(sql`c.account_id = ${owner.accountId} and c.period = ${NOVEMBER} and c.billing_code is null`);
  const theirs = await count(sql`c.account_id = ${other.accountId} and c.billing_code is null`);
  const room = (await t.db.execute<{ id: string }>(sql`select id from rooms where account_id = ${owner.accountId} and number = '332703'`)).rows[0]!;
  const [one] = (await t.db.execute<{ id: string; version: number }>(sql`select id, version from conferences where account_id = ${owner.accountId} and period = ${NOVEMBER} and billing_code is null and room_id <> ${room.id} order by id limit 1`)).rows;

  const results = await Promise.allSettled([
    assignUnallocated(t.db, owner, NOVEMBER, all, "TAB-A"),
    assignUnallocated(t.db, owner, NOVEMBER, { ...all, roomId: Number(room.id) }, "TAB-B"),
    assignUnallocated(t.db, other, NOVEMBER, all, "OTHER"),
    assignBillingCode(t.db, owner, [{ id: Number(one!.id), version: one!.version }], "SINGLE"),
  ]);
  const [a, b, o, single] = results;
  assert.equal(a.status, "fulfilled");
  assert.equal(b.status, "fulfilled");
  assert.equal(o.status, "fulfilled");
  const counted = (a.status === "fulfilled" ? a.value.count : 0) + (b.status === "fulfilled" ? b.value.count : 0);
  const singled = single.status === "fulfilled" ? 1 : 0;
  assert.equal(counted + singled, mine, "each conference counted once");
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.period = ${NOVEMBER} and c.billing_code is null`), 0);
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.billing_code in ('TAB-A', 'TAB-B', 'SINGLE') and c.period = ${NOVEMBER}`), mine);
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.billing_code = 'TAB-A'`), a.status === "fulfilled" ? a.value.count : -1, "the count said is the count made");
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.billing_code = 'TAB-B'`), b.status === "fulfilled" ? b.value.count : -1);
  if (single.status === "fulfilled") assert.equal(await count(sql`c.billing_code = 'SINGLE'`), 1, "not overwritten by select all");
  assert.equal(o.status === "fulfilled" ? o.value.count : -1, theirs);
  assert.equal(await count(sql`c.account_id = ${other.accountId} and c.billing_code <> 'OTHER'`), 0, "no foreign write");
  assert.equal(await count(sql`c.account_id = ${owner.accountId} and c.billing_code = 'OTHER'`), 0, "no foreign write");
  await assertSummaryExact(owner, NOVEMBER);
  await assertSummaryExact(other, NOVEMBER);
});

test("support closes the month while a select all and a single assignment run: both wait, then refuse; nothing changes in the invoiced month", async () => {
  await t.db.execute(sql`update conferences set billing_code = null, billing_code_source = null where account_id = ${owner.accountId} and period = ${NOVEMBER} and billing_code in ('TAB-A', 'TAB-B', 'SINGLE')`);
  await rebuildRollups(t.db, owner.accountId);
  // An open month has no row until something needs one: the closing's row is the first.
  await t.db.execute(sql`delete from billing_periods where account_id = ${owner.accountId} and period = ${NOVEMBER}`);
  const unallocated = sql`c.account_id = ${owner.accountId} and c.period = ${NOVEMBER} and c.billing_code is null`;
  const before = await count(unallocated);
  assert.ok(before > 10);
  const [one] = (await t.db.execute<{ id: string; version: number }>(sql`select id, version from conferences where account_id = ${owner.accountId} and period = ${NOVEMBER} and billing_code is null order by id limit 1`)).rows;

  // Support's closing (as closePeriod writes it), held open while the owner's assignments start.
  const closing = new pg.Client({ connectionString: t.url });
  await closing.connect();
  try {
    await closing.query("begin");
    await closing.query(
      "insert into billing_periods (account_id, period, status, invoiced_at, invoiced_by) values ($1, $2, 'invoiced', now(), 'support') on conflict (account_id, period) do update set status = 'invoiced'",
      [owner.accountId, NOVEMBER],
    );
    const settled: string[] = [];
    const selectAll = assignUnallocated(t.db, owner, NOVEMBER, all, "TOO-LATE").finally(() => settled.push("all"));
    const single = assignBillingCode(t.db, owner, [{ id: Number(one!.id), version: one!.version }], "TOO-LATE").finally(() => settled.push("single"));
    const outcomes = Promise.allSettled([selectAll, single]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(settled, [], "both wait for the closing");
    await closing.query("commit");
    const [a, b] = await outcomes;
    assert.ok(a.status === "rejected" && a.reason instanceof LockedError, "select all refused");
    assert.ok(b.status === "rejected" && b.reason instanceof LockedError, "the single assignment refused");
  } finally {
    await closing.end();
  }
  assert.equal(await count(unallocated), before, "nothing coded in the invoiced month");
  assert.equal(await count(sql`c.billing_code = 'TOO-LATE'`), 0);
  await assertSummaryExact(owner, NOVEMBER);
});
