import assert from "node:assert/strict";
import { scopeOf } from "@/lib/auth/scope";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { apiKeys, billingPeriods, directoryNumbers, rooms, tariffs, users } from "@/db/schema";
import { ValidationError, NotFoundError } from "@/lib/errors";
import { getRoomUsage } from "@/lib/data/room-usage";
import { findRoom } from "@/lib/data/rooms";
import { closePeriod, createAccount, createApiKey, createRoom, createUser, hashApiKey, setTariff } from "./support";

let t: TestDatabase;

before(async () => {
  t = await testDatabase();
  await createAccount(t.db, { number: "400001", company: "Alpha", timeZone: "Europe/Paris" });
  await createAccount(t.db, { number: "500001", company: "Beta" });
  await createUser(t.db, { email: "a@alpha.example", name: "A", password: "a long password 1", account: "400001", role: "owner" });
  await createUser(t.db, { email: "b@beta.example", name: "B", password: "a long password 2", account: "500001", role: "owner" });
  await createRoom(t.db, { account: "400001", number: "410001", cardholder: "a@alpha.example", autoCode: "OPS-1" });
  await createRoom(t.db, { account: "500001", number: "510001", cardholder: "b@beta.example" });
});
after(() => t.close());

test("account and room numbers share one number space, enforced by the database", async () => {
  await assert.rejects(createRoom(t.db, { account: "400001", number: "500001", cardholder: "a@alpha.example" }), /already used/);
  await assert.rejects(createAccount(t.db, { number: "410001", company: "Clash" }), /already used/);
  // Even a direct insert cannot make a number both: the room row must match a 'room' entry.
  const [account] = await t.db.execute<{ id: number }>(sql`select id from accounts where number = '400001'`).then((r) => r.rows);
  await assert.rejects(
    t.db.execute(sql`insert into rooms (account_id, number, cardholder_id) select ${account!.id}, '500001', id from users limit 1`),
    (e: unknown) => (e as { cause?: { constraint?: string } }).cause?.constraint === "rooms_number_directory_fk",
  );
  const [entry] = await t.db.select().from(directoryNumbers).where(eq(directoryNumbers.number, "410001"));
  assert.equal(entry?.kind, "room");
});

test("bad input is refused with a message naming the field, and nothing is written", async () => {
  const before = await t.db.execute<{ n: number }>(sql`select (select count(*) from accounts) + (select count(*) from users) + (select count(*) from rooms) as n`);
  await assert.rejects(createAccount(t.db, { number: "12345", company: "X" }), (e: unknown) => e instanceof ValidationError && /number: must be 6 digits/.test(e.message));
  await assert.rejects(createAccount(t.db, { number: "600001", company: "X", timeZone: "Mars/Olympus" }), /timeZone: is not an IANA time zone/);
  await assert.rejects(createAccount(t.db, { number: "600001", company: "X", currency: "EURO" }), /currency/);
  await assert.rejects(createUser(t.db, { email: "not-an-email", name: "X" }), /email/);
  await assert.rejects(createUser(t.db, { email: "A@ALPHA.example", name: "Dup" }), /already exists/);
  await assert.rejects(createRoom(t.db, { account: "400001", number: "420001", cardholder: "a@alpha.example", autoCode: "bad code!" }), /autoCode/);
  await assert.rejects(createRoom(t.db, { account: "999999", number: "420001", cardholder: "a@alpha.example" }), NotFoundError);
  const afterCount = await t.db.execute<{ n: number }>(sql`select (select count(*) from accounts) + (select count(*) from users) + (select count(*) from rooms) as n`);
  assert.equal(afterCount.rows[0]!.n, before.rows[0]!.n);
  const [free] = await t.db.select().from(directoryNumbers).where(eq(directoryNumbers.number, "420001"));
  assert.equal(free, undefined, "a refused room leaves its number free");
});

test("a generated password is returned once, only its hash is stored", async () => {
  const user = await createUser(t.db, { email: "gen@alpha.example", name: "Gen" });
  assert.ok(user.generatedPassword && user.generatedPassword.length >= 16);
  const { rows } = await t.db.execute<{ password_hash: string }>(sql`select password_hash from users where email = 'gen@alpha.example'`);
  assert.match(rows[0]!.password_hash, /^\$argon2id\$/);
});

test("an API key is shown once and stored as a hash only", async () => {
  const { key } = await createApiKey(t.db, { account: "400001" });
  const stored = await t.db.select().from(apiKeys);
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.hash, hashApiKey(key));
  assert.ok(!JSON.stringify(stored).includes(key));
  const provider = await createApiKey(t.db, {});
  assert.notEqual(provider.key, key);
  const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.hash, hashApiKey(provider.key)));
  assert.equal(row?.accountId, null);
});

test("closing a period invoices an ended month, once, and is audited", async () => {
  const now = new Date("2026-11-23T12:00:00Z");
  await assert.rejects(closePeriod(t.db, { account: "400001", month: "2026-11" }, now), /has not ended/);
  await assert.rejects(closePeriod(t.db, { account: "400001", month: "2026-13" }, now), /YYYY-MM/);
  await closePeriod(t.db, { account: "400001", month: "2026-10" }, now);
  await assert.rejects(closePeriod(t.db, { account: "400001", month: "2026-10" }, now), /already invoiced/);
  const periods = await t.db.select().from(billingPeriods);
  assert.deepEqual(periods.map((p) => [p.period, p.status]), [["2026-10-01", "invoiced"]]);
  const { rows } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_events where action = 'period.closed'`);
  assert.equal(rows[0]!.n, 1);
});

test("a tariff keeps 4 decimals exactly and applies from a date", async () => {
  await setTariff(t.db, { account: "400001", serviceType: "toll", rate: "0.0875", from: "2026-12-01" });
  await setTariff(t.db, { serviceType: "toll", rate: "1.5", from: "2000-01-01", increment: 6, minimum: 30 });
  await assert.rejects(setTariff(t.db, { serviceType: "toll", rate: "0.00001", from: "2026-12-01" }), /4 decimals/);
  const rows = await t.db.select().from(tariffs).orderBy(tariffs.validFrom);
  assert.deepEqual(rows.map((r) => [r.ratePerMinuteE4, r.incrementS, r.minimumS, r.validFrom]), [
    [15000, 6, 30, "2000-01-01"],
    [875, 60, 60, "2026-12-01"],
  ]);
});

test("each account's owner sees only its own rooms", async () => {
  const ids = await t.db.select({ accountId: rooms.accountId, number: rooms.number }).from(rooms);
  const [owner] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "a@alpha.example"));
  const alpha = await scopeOf(t.db, { userId: owner!.id, accountId: ids.find((r) => r.number === "410001")!.accountId, roomId: null });
  assert.equal((await findRoom(alpha, "410001"))?.autoBillingCode, "OPS-1");
  assert.equal(await findRoom(alpha, "510001"), undefined);
  const usage = await getRoomUsage(alpha, "2026-10-01", "all");
  assert.deepEqual(usage.rows.map((r) => r.number), ["410001"]);
});
