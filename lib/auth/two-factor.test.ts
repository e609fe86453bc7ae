import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { generate } from "otplib";
import { loginAttempts, recoveryCodes, twoFactorEnrolments, userTwoFactor, users } from "@/db/schema";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser, resetTwoFactor, setTwoFactorRequired } from "@/lib/admin/support";
import { decryptSecret } from "@/lib/secrets";
import { login, MAX_FAILURES_PER_USERNAME } from "./login";
import { scopeOf, type AccountScope } from "./scope";
import { checkSession, startSession } from "./sessions";
import { confirmEnrolment, disableTwoFactor, replaceRecoveryCodes, startEnrolment, twoFactorStatus, spendSecondFactor } from "./two-factor";

/**
 * TOTP second factor against a real database: enrolment, the code step of login (counted in the
 * throttle), replay, recovery codes, turning it off, support's requirement and reset.
 */
let t: TestDatabase;
const KEY = randomBytes(32).toString("hex");
const PASSWORD = "a long password";
const ACCOUNT = "300001";
const LIMITS = { idleMinutes: 30, maxHours: 8 };
const keys = { encryptionKey: KEY };
let n = 0;

before(async () => {
  t = await testDatabase();
  await createAccount(t.db, { number: ACCOUNT, company: "Two Factor SA" });
});
after(() => t.close());

const code = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

/** A new owner of the account, with their scope and a session id. */
async function owner() {
  n++;
  const email = `owner${n}@two-factor.example`;
  const { id } = await createUser(t.db, { email, name: `Owner ${n}`, password: PASSWORD, account: ACCOUNT, role: "owner" });
  const scope = (await scopeOf(t.db, { userId: id, accountId: await accountId(), roomId: null })) as AccountScope;
  return { email, id, scope, sessionId: await session(id) };
}
const session = async (userId: number) => startSession(t.db, { userId, accountId: await accountId(), roomId: null }, { userAgent: "test", address: "10.1.0.9" });
const accountId = async () => Number((await t.db.execute<{ id: string }>(sql`select id from accounts where number = ${ACCOUNT}`)).rows[0]!.id);

/** An owner who has enrolled: their secret (as the app has it) and their recovery codes. */
async function enrolled() {
  const o = await owner();
  const { secret } = await startEnrolment(t.db, { id: o.id, email: o.email }, o.sessionId, KEY);
  const result = await confirmEnrolment(t.db, o.scope, { sessionId: o.sessionId, code: await code(secret) }, KEY);
  assert.ok(result.ok, "enrolment confirmed");
  return { ...o, secret, recovery: result.recoveryCodes };
}

const attempt = (email: string, extra: { code?: string; number?: string; address?: string } = {}) =>
  login(t.db, { username: email, password: PASSWORD, number: extra.number ?? ACCOUNT, address: extra.address ?? "10.1.0.1", code: extra.code }, keys);

const failures = async (email: string) =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from login_attempts where username = ${email} and not succeeded`)).rows[0]!.n;

test("enrolment: confirmed with a current code; the secret stored encrypted, 10 recovery codes stored hashed", async () => {
  const o = await owner();
  const { secret, uri } = await startEnrolment(t.db, { id: o.id, email: o.email }, o.sessionId, KEY);
  assert.match(uri, /^otpauth:\/\/totp\/MeetingOne:owner\d+%40two-factor\.example\?secret=[A-Z2-7]+&issuer=MeetingOne$/);
  assert.equal((await startEnrolment(t.db, { id: o.id, email: o.email }, o.sessionId, KEY)).secret, secret, "reloading the page shows the same QR code");
  const [pending] = await t.db.select().from(twoFactorEnrolments).where(eq(twoFactorEnrolments.sessionId, o.sessionId));
  assert.ok(pending && !pending.secret.includes(secret), "the enrolment's secret is not stored in clear either");

  // A wrong code, and the right code from another session of the user, are refused.
  assert.deepEqual(await confirmEnrolment(t.db, o.scope, { sessionId: o.sessionId, code: (await code(secret)) === "000000" ? "111111" : "000000" }, KEY), { ok: false, reason: "invalid-code" });
  assert.deepEqual(await confirmEnrolment(t.db, o.scope, { sessionId: await session(o.id), code: await code(secret) }, KEY), { ok: false, reason: "expired" });
  // 31 minutes later the QR code shown then can no longer be confirmed.
  assert.deepEqual(await confirmEnrolment(t.db, o.scope, { sessionId: o.sessionId, code: await code(secret, 62) }, KEY, new Date(Date.now() + 31 * 60_000)), { ok: false, reason: "expired" });
  assert.equal((await twoFactorStatus(t.db, o.scope)).enrolled, false, "nothing is a factor before confirmation");

  const result = await confirmEnrolment(t.db, o.scope, { sessionId: o.sessionId, code: await code(secret) }, KEY);
  assert.ok(result.ok);
  assert.equal((await t.db.select().from(twoFactorEnrolments).where(eq(twoFactorEnrolments.userId, o.id))).length, 0, "the enrolment is gone");
  assert.equal(result.recoveryCodes.length, 10);
  assert.equal(new Set(result.recoveryCodes).size, 10);
  for (const c of result.recoveryCodes) assert.match(c, /^[2-9a-z]{5}-[2-9a-z]{5}$/);

  const [stored] = await t.db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, o.id));
  assert.ok(stored && !stored.secret.includes(secret), "the secret is not stored in clear");
  assert.equal(decryptSecret(KEY, stored.secret, `totp:${o.id}`), secret, "it decrypts with ENCRYPTION_KEY, for this user only");
  assert.throws(() => decryptSecret(KEY, stored.secret, `totp:${o.id + 1}`), "copied to another user's row it does not decrypt");
  const hashes = await t.db.select({ hash: recoveryCodes.hash }).from(recoveryCodes).where(eq(recoveryCodes.userId, o.id));
  assert.equal(hashes.length, 10);
  const all = hashes.map((h) => h.hash).join(" ");
  for (const c of result.recoveryCodes) assert.ok(!all.includes(c) && !all.includes(c.replace("-", "")), "recovery codes are stored hashed");

  const status = await twoFactorStatus(t.db, o.scope);
  assert.equal(status.enrolled, true);
  assert.equal(status.recoveryCodesLeft, 10);
  // Enrolling twice is refused: the first secret stays.
  const other = await session(o.id);
  const again = await startEnrolment(t.db, { id: o.id, email: o.email }, other, KEY);
  assert.deepEqual(await confirmEnrolment(t.db, o.scope, { sessionId: other, code: await code(again.secret) }, KEY), { ok: false, reason: "already-enrolled" });
});

test("login: the password alone gives no session; the right code does; a wrong code is a failed login", async () => {
  const o = await enrolled();
  assert.deepEqual(await attempt(o.email), { ok: false, reason: "code-required" });
  assert.equal(await failures(o.email), 0, "the password step is not counted as a failure");
  const [audited] = (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_events where action = 'login.succeeded' and actor_user_id = ${o.id}`)).rows;
  assert.equal(audited!.n, 0, "and it is not a login");

  const wrong = (await code(o.secret)) === "123456" ? "654321" : "123456";
  assert.deepEqual(await attempt(o.email, { code: wrong }), { ok: false, reason: "invalid-code" });
  assert.equal(await failures(o.email), 1, "a wrong code counts as a failed login");
  // The right code with a wrong password is just invalid.
  assert.deepEqual(await login(t.db, { username: o.email, password: "wrong", number: ACCOUNT, address: "10.1.0.1", code: await code(o.secret, 1) }, keys), { ok: false, reason: "invalid" });

  const ok = await attempt(o.email, { code: await code(o.secret, 1) });
  assert.ok(ok.ok && ok.scope.roomId === null);
  const { rows } = await t.db.execute<{ after: { secondFactor: string } }>(sql`select after from audit_events where action = 'login.succeeded' and actor_user_id = ${o.id}`);
  assert.deepEqual(rows.map((r) => r.after), [{ secondFactor: "totp" }]);
});

test("wrong codes lock the login like wrong passwords: the 11th attempt is refused even with the right code", async () => {
  const o = await enrolled();
  const right = await code(o.secret, 1);
  const wrong = right === "000000" ? "999999" : "000000";
  for (let i = 0; i < MAX_FAILURES_PER_USERNAME; i++) assert.deepEqual(await attempt(o.email, { code: wrong }), { ok: false, reason: "invalid-code" });
  const refused = await attempt(o.email, { code: right });
  assert.ok(!refused.ok && refused.reason === "locked");
  // The password step alone does not clear the failures either.
  await t.db.update(loginAttempts).set({ at: sql`at - interval '16 minutes'` }).where(eq(loginAttempts.username, o.email));
  assert.ok((await attempt(o.email, { code: right })).ok, "after 15 minutes the right code works");
});

test("replay: a code already used is refused, also for login; an older code after a newer one too", async () => {
  const o = await enrolled();
  // The code that confirmed the enrolment cannot log in.
  assert.deepEqual(await attempt(o.email, { code: await code(o.secret) }), { ok: false, reason: "invalid-code" });
  const next = await code(o.secret, 1);
  assert.ok((await attempt(o.email, { code: next })).ok);
  assert.deepEqual(await attempt(o.email, { code: next }), { ok: false, reason: "invalid-code" }, "the same code a second time");
  // Two requests racing with one code: only one wins.
  const o2 = await enrolled();
  const racing = await code(o2.secret, 1);
  const results = await Promise.all([spendSecondFactor(t.db, o2.id, racing, KEY), spendSecondFactor(t.db, o2.id, racing, KEY)]);
  assert.deepEqual(results.sort(), ["invalid", "totp"]);
  // ±1 step only: a code two steps away is refused.
  const o3 = await enrolled();
  assert.equal(await spendSecondFactor(t.db, o3.id, await code(o3.secret, 2), KEY), "invalid");
  assert.equal(await spendSecondFactor(t.db, o3.id, await code(o3.secret, -2), KEY), "invalid");
});

test("a recovery code logs in once, typed in any case and with or without its hyphen", async () => {
  const o = await enrolled();
  const [first, second] = o.recovery as [string, string];
  assert.ok((await attempt(o.email, { code: ` ${first.toUpperCase()} ` })).ok);
  assert.deepEqual(await attempt(o.email, { code: first }), { ok: false, reason: "invalid-code" }, "spent");
  assert.ok((await attempt(o.email, { code: second.replace("-", "") })).ok);
  assert.equal((await twoFactorStatus(t.db, o.scope)).recoveryCodesLeft, 8);
  // Another user's recovery code is nothing to this one.
  const other = await enrolled();
  assert.deepEqual(await attempt(o.email, { code: other.recovery[0] }), { ok: false, reason: "invalid-code" });
  const { rows } = await t.db.execute<{ after: { secondFactor: string } }>(sql`select after from audit_events where action = 'login.succeeded' and actor_user_id = ${o.id} order by id`);
  assert.deepEqual(rows.map((r) => r.after.secondFactor), ["recovery", "recovery"]);
});

test("new recovery codes replace the old ones, with a current code", async () => {
  const o = await enrolled();
  assert.deepEqual(await replaceRecoveryCodes(t.db, o.scope, "000000" === (await code(o.secret, 1)) ? "111111" : "000000", KEY), { ok: false, reason: "invalid-code" });
  const replaced = await replaceRecoveryCodes(t.db, o.scope, await code(o.secret, 1), KEY);
  assert.ok(replaced.ok && replaced.value.length === 10);
  assert.equal(await spendSecondFactor(t.db, o.id, o.recovery[0]!, KEY), "invalid", "the old codes stop working");
  assert.equal(await spendSecondFactor(t.db, o.id, replaced.value[0]!, KEY), "recovery");
});

test("an owner turns it off only with a current code, and not while an account requires it", async () => {
  const o = await enrolled();
  assert.deepEqual(await disableTwoFactor(t.db, o.scope, "12345", KEY), { ok: false, reason: "invalid-code" });
  await setTwoFactorRequired(t.db, { account: ACCOUNT, required: true });
  assert.deepEqual(await disableTwoFactor(t.db, o.scope, await code(o.secret, 1), KEY), { ok: false, reason: "required" });
  await setTwoFactorRequired(t.db, { account: ACCOUNT, required: false });
  assert.deepEqual(await disableTwoFactor(t.db, o.scope, await code(o.secret, 1), KEY), { ok: true, value: undefined });
  assert.equal((await twoFactorStatus(t.db, o.scope)).enrolled, false);
  assert.equal((await t.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, o.id))).length, 0);
  assert.ok((await attempt(o.email)).ok, "the password alone logs in again");
});

test("room holders are not asked for a code, unless they enrolled (as an owner) themselves", async () => {
  await createUser(t.db, { email: "holder@two-factor.example", name: "Holder", password: PASSWORD, account: ACCOUNT });
  await createRoom(t.db, { account: ACCOUNT, number: "310001", cardholder: "holder@two-factor.example" });
  assert.ok((await attempt("holder@two-factor.example", { number: "310001" })).ok);

  const o = await enrolled();
  await createRoom(t.db, { account: ACCOUNT, number: "310002", cardholder: o.email });
  assert.deepEqual(await attempt(o.email, { number: "310002" }), { ok: false, reason: "code-required" }, "the factor is the person's, whatever number they log in with");
  assert.ok((await attempt(o.email, { number: "310002", code: await code(o.secret, 1) })).ok);
});

test("support requires it per account: an owner's session without it must enrol; then it is a session like any", async () => {
  const o = await owner();
  const sid = o.sessionId;
  assert.equal((await checkSession(t.db, sid, LIMITS))?.mustEnrol, false);
  const { ownersWithoutSecondFactor } = await setTwoFactorRequired(t.db, { account: ACCOUNT, required: true });
  assert.ok(ownersWithoutSecondFactor >= 1);
  try {
    assert.equal((await checkSession(t.db, sid, LIMITS))?.mustEnrol, true, "at the next request");
    // A room holder's session in the account is not concerned.
    const holder = Number((await t.db.select({ id: users.id }).from(users).where(eq(users.email, "holder@two-factor.example")))[0]!.id);
    const roomId = Number((await t.db.execute<{ id: string }>(sql`select id from rooms where number = '310001'`)).rows[0]!.id);
    const holderSid = await startSession(t.db, { userId: holder, accountId: await accountId(), roomId }, { userAgent: "test", address: "10.1.0.2" });
    assert.equal((await checkSession(t.db, holderSid, LIMITS))?.mustEnrol, false);

    const { secret } = await startEnrolment(t.db, { id: o.id, email: o.email }, sid, KEY);
    assert.ok((await confirmEnrolment(t.db, o.scope, { sessionId: sid, code: await code(secret) }, KEY)).ok);
    assert.equal((await checkSession(t.db, sid, LIMITS))?.mustEnrol, false, "enrolled, the same session reaches the account");
    const { rows } = await t.db.execute<{ after: { required: boolean } }>(sql`select after from audit_events where action = 'account.two-factor-required' order by id desc limit 1`);
    assert.deepEqual(rows[0]!.after, { required: true });
  } finally {
    await setTwoFactorRequired(t.db, { account: ACCOUNT, required: false });
  }
});

test("support resets a user's second factor: codes gone, sessions ended, audited", async () => {
  const o = await enrolled();
  const sid = o.sessionId;
  const r = await resetTwoFactor(t.db, { email: o.email.toUpperCase() });
  assert.deepEqual(r, { removed: true, sessionsEnded: 1 });
  assert.equal(await checkSession(t.db, sid, LIMITS), null, "their session ended");
  assert.equal((await twoFactorStatus(t.db, o.scope)).enrolled, false);
  assert.equal(await spendSecondFactor(t.db, o.id, o.recovery[0]!, KEY), "invalid");
  assert.ok((await attempt(o.email)).ok, "they log in with their password");
  const { rows } = await t.db.execute<{ subject: string }>(sql`select subject from user_audit_events where action = 'user.two-factor-reset'`);
  assert.deepEqual(rows.map((x) => x.subject), [o.email]);
});
