import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Readable } from "node:stream";
import { sql, type SQL } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { seedDemo } from "@/lib/demo/demo";
import { generateTenant } from "@/scripts/bench/tenant";
import { createAccount, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { ingest } from "@/lib/ingest/ingest";
import { addMonths, periodOf } from "@/lib/periods";
import { legsPartition } from "@/lib/usage/partitions";
import { purgeExpiredUsage } from "@/lib/usage/retention";
import { chartRollups } from "@/lib/usage/chart-usage.testing";

/**
 * The daily rollup the reports read (report_days), each conference's totals (its legs, seconds
 * and charge) and the charts' rollups (room_service_usage, account_service_days) equal the same
 * figures recomputed from the conferences and legs after every kind of write: ingest (new and
 * extended conferences, in chunks), legs written by hand, a conference deleted with its legs, the
 * retention purge, the benchmark tenant's bulk load and the demo seed.
 */
let t: TestDatabase;
let accountId: number;
const now = new Date("2026-11-24T10:00:00Z");

const recomputed = sql`
  select c.account_id, to_char(c.started_at at time zone 'UTC', 'YYYY-MM-DD') as day, c.room_id, c.product, '' as service_type,
         count(*) as conferences, 0 as legs, sum(extract(epoch from c.ended_at - c.started_at)::int) as length_s,
         0 as duration_s, 0 as billable_s, 0 as charge_minor, min(c.started_at) as first, max(c.started_at) as last
  from conferences c group by 1, 2, 3, 4
  union all
  select c.account_id, to_char(c.started_at at time zone 'UTC', 'YYYY-MM-DD'), c.room_id, c.product, l.service_type,
         count(distinct c.id), count(*), 0, sum(l.duration_s), sum(l.billable_s), sum(l.charge_minor), null, null
  from conferences c join legs l on l.account_id = c.account_id and l.conference_id = c.id group by 1, 2, 3, 4, 5`;
const stored = sql`
  select account_id, to_char(day, 'YYYY-MM-DD') as day, room_id, product, service_type, conferences, legs, length_s, duration_s, billable_s, charge_minor,
         first_started_at as first, last_started_at as last
  from report_days`;
const conferenceTotals = {
  recomputed: sql`
    select c.account_id, c.id, count(l.external_id) as legs, coalesce(sum(l.duration_s), 0) as duration_s, coalesce(sum(l.charge_minor), 0) as charge_minor
    from conferences c left join legs l on l.account_id = c.account_id and l.conference_id = c.id group by c.account_id, c.id`,
  stored: sql`select account_id, id, legs, duration_s, charge_minor from conferences`,
};

async function assertExact(when: string) {
  const read = async (q: SQL) =>
    (await t.db.execute<Record<string, unknown>>(q)).rows
      .map((r) => Object.values(r).map((v) => (v instanceof Date ? v.toISOString() : v === null ? "" : String(v))).join("|"))
      .sort();
  const expected = await read(recomputed);
  assert.ok(expected.length > 0, `${when}: there is usage to compare`);
  assert.deepEqual(await read(stored), expected, `report_days after ${when}`);
  assert.deepEqual(await read(conferenceTotals.stored), await read(conferenceTotals.recomputed), `conference totals after ${when}`);
  // The charts' rollups, kept by their own triggers on the same tables.
  const charts = await chartRollups(t.db);
  assert.deepEqual(charts.rooms.stored, charts.rooms.recomputed, `room_service_usage after ${when}`);
  assert.deepEqual(charts.days.stored, charts.days.recomputed, `account_service_days after ${when}`);
}

const leg = (id: string, conference: string, room: string, type: string, start: string, minutes: number) => ({
  leg_id: id,
  conference_id: conference,
  room_number: room,
  service_type: type,
  started_at: start,
  ended_at: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
  caller_name: `Caller ${id}`,
  caller_number: "+33100000000",
  dialed_number: "+33800000000",
});

async function send(records: ReturnType<typeof leg>[], options: { account?: number; chunkLegs?: number; duplicates?: number; now?: Date } = {}) {
  const principal = { accountId: options.account ?? accountId, label: "test" };
  const result = await ingest(t.db, principal, Readable.from(records.map((r) => `${JSON.stringify(r)}\n`)), "ndjson", { now: options.now ?? now, chunkLegs: options.chunkLegs });
  const duplicates = options.duplicates ?? 0;
  assert.ok(result.ok && result.accepted === records.length - duplicates && result.duplicates === duplicates, JSON.stringify(result));
}

before(async () => {
  t = await testDatabase();
  accountId = (await createAccount(t.db, { number: "690001", company: "Rollup SA" })).id;
  await createUser(t.db, { email: "h@rollup.example", name: "H", password: "a long password", account: "690001", role: "owner" });
  await createRoom(t.db, { account: "690001", number: "691001", cardholder: "h@rollup.example" });
  // The months of the legs written by hand below (the ingest makes its own months' partitions).
  await t.db.execute(sql`select legs_create_partitions('2025-09-01', '2026-12-01')`);
  await createRoom(t.db, { account: "690001", number: "691002", cardholder: "h@rollup.example", product: "web" });
  for (const [serviceType, rate] of [["toll", "0.0450"], ["toll-free", "0.0900"], ["voip", "0.0100"], ["dial-out", "0.1200"]] as const) {
    await setTariff(t.db, { account: "690001", serviceType, rate, from: "2026-01-01" });
  }
});
after(() => t.close());

test("after ingest, including a conference extended to an earlier GMT day, the rollup equals the legs", async () => {
  await send([
    leg("a1", "ca", "691001", "toll", "2026-11-02T09:00:00Z", 30),
    leg("a2", "ca", "691001", "toll-free", "2026-11-02T09:05:00Z", 12),
    leg("a3", "ca", "691001", "toll-free", "2026-11-02T09:07:30Z", 7),
    leg("b1", "cb", "691001", "toll", "2026-11-02T15:00:00Z", 3),
    leg("c1", "cc", "691002", "voip", "2026-11-03T23:50:00Z", 20),
  ]);
  await assertExact("a first ingest");
  // The same conference resent with an earlier leg: its start moves to the day before.
  await send([leg("c0", "cc", "691002", "dial-out", "2026-11-02T23:40:00Z", 45), leg("b2", "cb", "691001", "toll", "2026-11-02T15:01:00Z", 9)]);
  await assertExact("a conference moved to an earlier day");
  const { rows } = await t.db.execute<{ day: string }>(sql`select distinct day::text as day from report_days where room_id = (select id from rooms where number = '691002') order by 1`);
  assert.deepEqual(rows.map((r) => r.day), ["2026-11-02"]);
});

test("a batch merged in chunks of 3 legs stores exactly what the same batch stores in one piece", async () => {
  // Two new accounts with the same rooms (69x001, 69x002): one takes the batch in chunks, the other whole.
  const accounts: number[] = [];
  for (const n of ["2", "3"]) {
    accounts.push((await createAccount(t.db, { number: `69000${n}`, company: `Twin ${n} SA` })).id);
    await createRoom(t.db, { account: `69000${n}`, number: `69${n}001`, cardholder: "h@rollup.example" });
    await createRoom(t.db, { account: `69000${n}`, number: `69${n}002`, cardholder: "h@rollup.example", product: "web" });
    for (const [serviceType, rate] of [["toll", "0.0450"], ["toll-free", "0.0900"], ["voip", "0.0100"], ["dial-out", "0.1200"]] as const) {
      await setTariff(t.db, { account: `69000${n}`, serviceType, rate, from: "2026-01-01" });
    }
  }
  const types = ["toll", "toll-free", "voip", "dial-out"];
  const records = Array.from({ length: 24 }, (_, i) => {
    // Conference k9 has legs all through the batch, the latest one starting a day earlier (it moves);
    // leg k-5 comes twice (the second is a duplicate); k2's keypad code comes with its third leg,
    // another with its fourth (the first by line is the conference's).
    const conference = i % 4 === 1 ? "k9" : `k${Math.floor(i / 4)}`;
    const start = i === 21 ? "2026-11-08T22:00:00Z" : `2026-11-${String(10 + (i % 3)).padStart(2, "0")}T${String(8 + (i % 7)).padStart(2, "0")}:${String(i).padStart(2, "0")}:00Z`;
    const room = Number(conference.slice(1)) % 2 ? "692001" : "692002";
    return { ...leg(i === 17 ? "k-5" : `k-${i}`, conference, room, types[i % 4]!, start, 3 + i), ...(i === 10 ? { billing_code: "KEYPAD-7" } : i === 11 ? { billing_code: "LATER-8" } : {}) };
  });
  await send(records, { account: accounts[0], chunkLegs: 3, duplicates: 1 });
  await send(records.map((r) => ({ ...r, room_number: r.room_number.replace("692", "693") })), { account: accounts[1], duplicates: 1 });
  await assertExact("a batch in chunks");
  const figures = async (account: number) => {
    const rows = async (q: SQL) => (await t.db.execute<Record<string, unknown>>(q)).rows.map((r) => JSON.stringify(Object.values(r))).sort();
    return {
      conferences: await rows(sql`select external_id, started_at, ended_at, period, product, billing_code, billing_code_source from conferences where account_id = ${account}`),
      legs: await rows(sql`select l.external_id, c.external_id, l.charge_minor, l.billable_s from legs l join conferences c on c.account_id = l.account_id and c.id = l.conference_id where l.account_id = ${account}`),
      rollups: await rows(sql`select u.period, right(r.number, 3), u.billing_code, u.conferences, u.legs, u.duration_s, u.charge_minor from usage_rollups u join rooms r on r.id = u.room_id where u.account_id = ${account}`),
      rooms: await rows(sql`select u.period, right(r.number, 3), u.conferences, u.legs, u.duration_s, u.charge_minor from room_usage u join rooms r on r.id = u.room_id where u.account_id = ${account}`),
      days: await rows(sql`select d.day, right(r.number, 3), d.product, d.service_type, d.conferences, d.legs, d.length_s, d.duration_s, d.billable_s, d.charge_minor, d.first_started_at, d.last_started_at
                           from report_days d join rooms r on r.id = d.room_id where d.account_id = ${account}`),
    };
  };
  const [chunked, inOnePiece] = [await figures(accounts[0]!), await figures(accounts[1]!)];
  assert.equal(chunked.conferences.length, 7);
  assert.ok(chunked.conferences.some((c) => c.includes("KEYPAD-7")), "the keypad code of a later chunk is the conference's");
  assert.ok(!chunked.conferences.some((c) => c.includes("LATER-8")), "a later line's keypad code is not");
  assert.ok(chunked.conferences.some((c) => c.startsWith('["k9","2026-11-08 22:00:00+00"')), "k9 starts with its leg of a later chunk");
  assert.deepEqual(chunked, inOnePiece);
});

test("a leg must belong to a conference of its account; deleting the conference deletes its legs", async () => {
  // A conference of another account (the twins' above), then one that does not exist.
  const { rows } = await t.db.execute<{ id: string }>(sql`select id from conferences where account_id <> ${accountId} limit 1`);
  const insert = (conferenceId: unknown) =>
    t.db.execute(sql`
      insert into legs (account_id, conference_id, external_id, period, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
      values (${accountId}, ${conferenceId}, 'orphan', '2026-11-01', 'toll', '2026-11-10T09:00:00Z', '2026-11-10T09:01:00Z', 60, 60, 5)`);
  for (const conferenceId of [rows[0]!.id, 987654321]) {
    await assert.rejects(insert(conferenceId), (error: Error & { code?: string; cause?: { code?: string } }) => (error.code ?? error.cause?.code) === "23503");
  }
  const { rows: left } = await t.db.execute(sql`select 1 from legs where external_id = 'orphan'`);
  assert.equal(left.length, 0);
});

test("a conference must be held in a room of its account; a room with conferences is kept", async () => {
  const fk = (error: Error & { code?: string; cause?: { code?: string } }) => (error.code ?? error.cause?.code) === "23503";
  await createAccount(t.db, { number: "690009", company: "Neighbour SA" });
  const neighbour = await createRoom(t.db, { account: "690009", number: "699001", cardholder: "h@rollup.example" });
  const insert = (roomId: unknown) =>
    t.db.execute(sql`
      insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
      values (${accountId}, ${roomId}, 'roomless', '2026-11-10T09:00:00Z', '2026-11-10T10:00:00Z', '2026-11-01')`);
  // Another account's room, then one that does not exist.
  for (const roomId of [neighbour.id, 987654321]) await assert.rejects(insert(roomId), fk);
  const moved = t.db.execute(sql`update conferences set room_id = ${neighbour.id} where account_id = ${accountId} and external_id = 'ca'`);
  await assert.rejects(moved, fk);
  // A room with a conference written by hand (no rollup row refers to it): kept; without, it can go.
  const held = await createRoom(t.db, { account: "690001", number: "691008", cardholder: "h@rollup.example" });
  await insert(held.id);
  const refused = (error: Error & { cause?: { code?: string; message?: string } }) => fk(error) && /room with conferences/.test(error.cause?.message ?? error.message);
  await assert.rejects(t.db.execute(sql`delete from rooms where account_id = ${accountId} and id = ${held.id}`), refused);
  await t.db.execute(sql`delete from conferences where account_id = ${accountId} and external_id = 'roomless'`);
  await t.db.execute(sql`delete from rooms where account_id = ${accountId} and id = ${held.id}`);
  const { rows: left } = await t.db.execute(sql`select 1 from rooms where number = '691008'`);
  assert.equal(left.length, 0);
});

test("legs changed by hand (not by the ingest) keep their conferences' totals and the rollup exact", async () => {
  await send([leg("h1", "ch", "691001", "toll", "2026-11-06T08:00:00Z", 5), leg("h2", "ch", "691001", "voip", "2026-11-06T08:01:00Z", 7), leg("h3", "ci", "691001", "toll", "2026-11-06T10:00:00Z", 2)]);
  const conference = (external: string) => sql`(select id from conferences where account_id = ${accountId} and external_id = ${external})`;
  await t.db.execute(sql`update legs set charge_minor = charge_minor + 100, duration_s = duration_s + 30 where account_id = ${accountId} and external_id = 'h1'`);
  await assertExact("a leg's charge and seconds changed");
  await t.db.execute(sql`update legs set conference_id = ${conference("ci")} where account_id = ${accountId} and external_id = 'h2'`);
  await assertExact("a leg moved to another conference");
  await t.db.execute(sql`delete from legs where account_id = ${accountId} and external_id = 'h3'`);
  await assertExact("a leg deleted");
  const { rows } = await t.db.execute<{ external_id: string; legs: number }>(sql`
    select external_id, legs from conferences where account_id = ${accountId} and external_id in ('ch', 'ci') order by 1`);
  assert.deepEqual(rows.map((r) => [r.external_id, Number(r.legs)]), [["ch", 1], ["ci", 1]]);
});

test("a re-sent leg of a conference straddling two months is a duplicate, months later too", async () => {
  const periods = async () =>
    (await t.db.execute<{ external_id: string; period: string }>(sql`
      select external_id, period::text as period from legs where account_id = ${accountId} and external_id like 's_' order by 1`)).rows.map((r) => `${r.external_id} ${r.period}`);
  // 01:10 on 1 November in Paris: the conference is November's, and so is its leg's partition.
  await send([leg("s2", "cs", "691001", "toll", "2026-11-01T00:10:00Z", 30)]);
  assert.deepEqual(await periods(), ["s2 2026-11-01"]);
  // An earlier leg, 23:30 on 31 October in Paris, moves the conference, and its stored leg, into October.
  await send([leg("s1", "cs", "691001", "voip", "2026-10-31T22:30:00Z", 90)]);
  assert.deepEqual(await periods(), ["s1 2026-10-01", "s2 2026-10-01"]);
  await assertExact("a conference moved into the previous month");
  // Re-sent four months later: alone, both, and beside a new leg (merged as new first, then without the stored).
  const later = new Date("2027-03-15T10:00:00Z");
  await send([leg("s2", "cs", "691001", "toll", "2026-11-01T00:10:00Z", 30)], { now: later, duplicates: 1 });
  await send([leg("s1", "cs", "691001", "voip", "2026-10-31T22:30:00Z", 90), leg("s2", "cs", "691001", "toll", "2026-11-01T00:10:00Z", 30)], { now: later, duplicates: 2 });
  await send([leg("s3", "cs", "691001", "toll", "2026-11-01T00:20:00Z", 5), leg("s2", "cs", "691001", "toll", "2026-11-01T00:10:00Z", 30)], { now: later, duplicates: 1 });
  assert.deepEqual(await periods(), ["s1 2026-10-01", "s2 2026-10-01", "s3 2026-10-01"]);
  await assertExact("re-sent legs");
  // Whoever writes, a leg stays in its conference's month.
  await assert.rejects(
    t.db.execute(sql`update legs set period = '2026-11-01' where account_id = ${accountId} and external_id = 's2'`),
    (error: Error & { cause?: { code?: string } }) => error.cause?.code === "23503",
  );
});

test("a batch of a month whose partition is not made yet makes it and stores its legs there", async () => {
  // Six months ahead: beyond the months made ahead (two), so no partition exists for it.
  const month = addMonths(periodOf(new Date(), "UTC"), 6);
  const name = legsPartition(month);
  const exists = async () => (await t.db.execute(sql`select to_regclass(${name}) is not null as made`)).rows[0]!.made;
  assert.equal(await exists(), false);
  const day = month.slice(0, 8);
  await send([leg("m1", "cm", "691001", "toll", `${day}12T09:00:00Z`, 10), leg("m2", "cm", "691001", "voip", `${day}12T09:02:00Z`, 4)], { now: new Date(`${day}12T12:00:00Z`) });
  assert.equal(await exists(), true);
  const { rows } = await t.db.execute<{ partition: string }>(sql`select distinct tableoid::regclass::text as partition from legs where account_id = ${accountId} and external_id in ('m1', 'm2')`);
  assert.deepEqual(rows, [{ partition: name }]);
  await assertExact("a month made by the ingest");
});

test("a conference deleted with its legs leaves the rollup", async () => {
  await send([leg("d1", "cd", "691001", "toll", "2026-11-05T08:00:00Z", 5), leg("d2", "cd", "691001", "toll", "2026-11-05T08:01:00Z", 5)]);
  await t.db.execute(sql`delete from conferences where account_id = ${accountId} and external_id = 'cd'`);
  await assertExact("a cascading delete");
  const { rows } = await t.db.execute(sql`select 1 from report_days where day = '2026-11-05'`);
  assert.equal(rows.length, 0);
});

test("after the retention purge, the purged months are gone from the rollup and the rest is exact", async () => {
  // Old usage is written directly: the ingest path refuses data this old.
  const { rows } = await t.db.execute<{ id: string }>(sql`
    insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
    select ${accountId}, id, 'old', '2025-09-10T09:00:00Z', '2025-09-10T10:00:00Z', '2025-09-01' from rooms where number = '691001' returning id`);
  await t.db.execute(sql`
    insert into legs (account_id, conference_id, external_id, period, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
    select ${accountId}, ${rows[0]!.id}, 'old-' || g, '2025-09-01', 'toll', '2025-09-10T09:00:00Z', '2025-09-10T09:01:00Z', 60, 60, 9 from generate_series(1, 3) g`);
  await assertExact("usage written by hand");
  const purged = await purgeExpiredUsage(t.db, now);
  assert.equal(purged.length, 1);
  await assertExact("the purge");
  const { rows: old } = await t.db.execute(sql`select 1 from report_days where day < '2026-01-01'`);
  assert.equal(old.length, 0);
});

test("after the benchmark tenant's bulk load (rollup rebuilt once at the end), the rollup equals the legs", async () => {
  const tenant = await generateTenant(t.db, { scale: 0.004, now });
  const { rows } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from report_days where account_id = ${tenant.accountId}`);
  assert.ok(rows[0]!.n > 100, "the tenant has daily rows");
  await assertExact("the tenant's load");
});

test("after the demo seed, the rollup equals the legs", async () => {
  await seedDemo(t.db, now);
  await assertExact("the demo seed");
});
