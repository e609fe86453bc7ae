import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { loginAttempts, users } from "@/db/schema";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { login, MAX_FAILURES_PER_USERNAME } from "./login";

let t: TestDatabase;
const PASSWORD = "correct horse battery";
const address = "127.0.0.1";

before(async () => {
  t = await testDatabase();
  await createAccount(t.db, { number: "100001", company: "First" });
  await createAccount(t.db, { number: "200001", company: "Second" });
  await createUser(t.db, { email: "Owner@First.example", name: "Owner One", password: PASSWORD, account: "100001", role: "owner" });
  await createUser(t.db, { email: "holder@first.example", name: "Holder", password: PASSWORD, account: "100001" });
  await createUser(t.db, { email: "owner@second.example", name: "Owner Two", password: PASSWORD, account: "200001", role: "owner" });
  await createRoom(t.db, { account: "100001", number: "110001", cardholder: "holder@first.example" });
  await createRoom(t.db, { account: "200001", number: "210001", cardholder: "owner@second.example" });
});
after(() => t.close());

test("an owner logs in with the account number, a cardholder with the room number", async () => {
  const owner = await login(t.db, { username: "owner@first.example", password: PASSWORD, number: "100001", address });
  assert.ok(owner.ok && owner.scope.roomId === null);
  const holder = await login(t.db, { username: " HOLDER@first.example ", password: PASSWORD, number: "11 000 1", address });
  assert.ok(holder.ok && holder.scope.roomId !== null);
  const [user] = await t.db.select({ lastLoginAt: users.lastLoginAt }).from(users).where(eq(users.email, "holder@first.example"));
  assert.ok(user?.lastLoginAt, "last login is recorded");
});

test("every wrong value gives the same answer", async () => {
  const cases = [
    { username: "nobody@first.example", password: PASSWORD, number: "100001" }, // unknown user
    { username: "owner@first.example", password: "wrong password", number: "100001" }, // wrong password
    { username: "owner@first.example", password: PASSWORD, number: "200001" }, // another account
    { username: "owner@first.example", password: PASSWORD, number: "110001" }, // a room they do not hold
    { username: "holder@first.example", password: PASSWORD, number: "100001" }, // a cardholder is not an owner
    { username: "owner@first.example", password: PASSWORD, number: "abc" }, // not a number
  ];
  for (const c of cases) assert.deepEqual(await login(t.db, { ...c, address: "10.0.0.2" }), { ok: false, reason: "invalid" }, JSON.stringify(c));
});

test("an unknown username costs the same password verification as a wrong password", async () => {
  const once = async (username: string) => {
    const started = process.hrtime.bigint();
    await login(t.db, { username, password: "wrong", number: "100001", address: "10.0.0.3" });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  await createUser(t.db, { email: "timing2@first.example", name: "T", password: PASSWORD, account: "100001", role: "owner" });
  await once("warm-up@first.example");
  // Interleaved, so that a busy machine slows both paths alike; medians, so one slow call does not decide.
  const unknown: number[] = [];
  const existing: number[] = [];
  for (let i = 0; i < 8; i++) {
    unknown.push(await once(`ghost${i}@first.example`));
    existing.push(await once("timing2@first.example"));
  }
  const [u, e] = [median(unknown), median(existing)];
  // Both paths run one Argon2id verification (tens of ms); no path answers early.
  assert.ok(u > 10 && e > 10, `unknown ${u} ms, existing ${e} ms`);
  assert.ok(u / e > 0.5 && u / e < 2, `unknown ${u} ms vs existing ${e} ms`);
});

test("the 11th failure in 15 minutes is refused even with the right password", async () => {
  await createUser(t.db, { email: "target@first.example", name: "Target", password: PASSWORD, account: "100001", role: "owner" });
  for (let i = 0; i < MAX_FAILURES_PER_USERNAME; i++) {
    assert.deepEqual(await login(t.db, { username: "target@first.example", password: `guess ${i}`, number: "100001", address: "10.0.0.4" }), { ok: false, reason: "invalid" });
  }
  const refused = await login(t.db, { username: "target@first.example", password: PASSWORD, number: "100001", address: "10.0.0.5" });
  assert.equal(refused.ok, false);
  assert.ok(!refused.ok && refused.reason === "locked" && refused.retryAfterMinutes >= 14 && refused.retryAfterMinutes <= 15);
  const { rows } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from user_audit_events where action = 'login.refused' and subject = 'target@first.example'`);
  assert.equal(rows[0]!.n, 1, "the refusal is audited");

  // Once the failures are older than 15 minutes the right password works again.
  await t.db.update(loginAttempts).set({ at: sql`at - interval '16 minutes'` }).where(eq(loginAttempts.username, "target@first.example"));
  assert.equal((await login(t.db, { username: "target@first.example", password: PASSWORD, number: "100001", address })).ok, true);
});

test("a successful login clears the earlier failures", async () => {
  await createUser(t.db, { email: "forgetful@first.example", name: "F", password: PASSWORD, account: "100001", role: "owner" });
  const attempt = (password: string) => login(t.db, { username: "forgetful@first.example", password, number: "100001", address: "10.0.0.6" });
  for (let i = 0; i < MAX_FAILURES_PER_USERNAME - 1; i++) await attempt("nope");
  assert.equal((await attempt(PASSWORD)).ok, true);
  for (let i = 0; i < MAX_FAILURES_PER_USERNAME - 1; i++) assert.equal((await attempt("nope")).ok, false);
  assert.equal((await attempt(PASSWORD)).ok, true);
});

test("a suspended user cannot log in", async () => {
  await createUser(t.db, { email: "gone@first.example", name: "Gone", password: PASSWORD, account: "100001", role: "owner" });
  await t.db.update(users).set({ status: "suspended" }).where(eq(users.email, "gone@first.example"));
  assert.deepEqual(await login(t.db, { username: "gone@first.example", password: PASSWORD, number: "100001", address }), { ok: false, reason: "invalid" });
});

test("failed and successful logins are audited without the password", async () => {
  const { rows } = await t.db.execute<{ action: string; body: string }>(sql`select action, coalesce(after::text, '') as body from audit_events where action like 'login.%'`);
  assert.ok(rows.some((r) => r.action === "login.failed"));
  assert.ok(rows.some((r) => r.action === "login.succeeded"));
  assert.ok(rows.every((r) => !r.body.includes(PASSWORD)));
});
