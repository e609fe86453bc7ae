import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { generate } from "otplib";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser, resetTwoFactor, setTwoFactorRequired } from "@/lib/admin/support";
import { scopeOf } from "@/lib/auth/scope";
import { startSession } from "@/lib/auth/sessions";
import { confirmEnrolment, startEnrolment } from "@/lib/auth/two-factor";
import { addMonths, periodOf, toUrlPeriod } from "@/lib/periods";
import { login, SESSION_COOKIE } from "../scripts/bench/http";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { freePort } from "../scripts/lib/postgres";

/**
 * TOTP two-factor over HTTP against the production server: the code step of next-auth's
 * credentials login (no session before it), wrong and replayed codes, recovery codes, the
 * enrolment page, support's requirement (enrolment first, nothing else reachable) and reset.
 */
const PASSWORD = "a long password";
const KEY = randomBytes(32).toString("hex");
const Q = `period=${toUrlPeriod(addMonths(periodOf(new Date(), "UTC"), -1))}`;

let t: TestDatabase;
let server: RunningServer;
let n = 0;

before(async () => {
  t = await testDatabase();
  // The server's ENCRYPTION_KEY is known here, so that the test can enrol as the page would.
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { WORKER: "0", ENCRYPTION_KEY: KEY } });
});
after(async () => {
  await server?.stop();
  await t.close();
});

const code = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
const userId = async (email: string) => Number((await t.db.execute<{ id: string }>(sql`select id from users where email = ${email}`)).rows[0]!.id);
const accountIdOf = async (number: string) => Number((await t.db.execute<{ id: string }>(sql`select id from accounts where number = ${number}`)).rows[0]!.id);
const latestSession = async (email: string) => (await t.db.execute<{ id: string }>(sql`select id from sessions where user_id = ${await userId(email)} order by created_at desc limit 1`)).rows[0]?.id;

/** A fresh account with its owner (not enrolled) and a room holder. */
async function account() {
  n++;
  const number = String(580000 + n * 10);
  const room = String(590000 + n * 10);
  const owner = `owner${n}@totp.example`;
  const holder = `holder${n}@totp.example`;
  await createAccount(t.db, { number, company: `TOTP ${n} SA` });
  await createUser(t.db, { email: owner, name: `Owner ${n}`, password: PASSWORD, account: number, role: "owner" });
  await createUser(t.db, { email: holder, name: `Holder ${n}`, password: PASSWORD, account: number });
  await createRoom(t.db, { account: number, number: room, cardholder: holder });
  return { number, room, owner, holder };
}

/** Enrols the owner as the enrolment page does, in their latest session: their secret and recovery codes. */
async function enrol(a: { number: string; owner: string }) {
  const id = await userId(a.owner);
  const accountId = await accountIdOf(a.number);
  const scope = await scopeOf(t.db, { userId: id, accountId, roomId: null });
  const sessionId = (await latestSession(a.owner)) ?? (await startSession(t.db, { userId: id, accountId, roomId: null }, { userAgent: "test", address: "127.0.0.1" }));
  const { secret } = await startEnrolment(t.db, { id, email: a.owner }, sessionId, KEY);
  const result = await confirmEnrolment(t.db, scope, { sessionId, code: await code(secret) }, KEY);
  assert.ok(result.ok);
  return { secret, recovery: result.recoveryCodes };
}

/** next-auth's credentials POST, as the login form sends it: the error it answers and whether a session cookie came. */
async function signIn(fields: Record<string, string>): Promise<{ error: string | null; session: boolean }> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ csrfToken, ...fields, json: "true" }).toString(),
  });
  const { url } = (await response.json()) as { url: string };
  const session = response.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !/Max-Age=0/i.test(c));
  return { error: new URL(url, server.url).searchParams.get("error"), session };
}

/** The key the enrolment page shows for typing by hand, its groups separated by spaces. */
const keyOf = (html: string) => html.match(/data-testid="totp-secret"[^>]*>(.*?)<\/p>/)?.[1]?.replace(/<[^>]+>|<!-- -->/g, "");

const get = (url: string, cookie: string) => fetch(`${server.url}${url}`, { headers: { cookie }, redirect: "manual" });
const failures = async (email: string) => (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from login_attempts where username = ${email} and not succeeded`)).rows[0]!.n;
const ownerDownloads = ["/download/statement?" + Q, "/download/account?" + Q, "/reports/download?type=usage&range=previous-month&format=csv"];

test("login: the password step gives no session; a wrong code is refused and counted; the right code logs in, once", async () => {
  const a = await account();
  const { secret } = await enrol(a);
  const step1 = { username: a.owner, password: PASSWORD, number: a.number };

  assert.deepEqual(await signIn(step1), { error: "two-factor:required", session: false });
  assert.equal(await failures(a.owner), 0);
  const right = await code(secret, 1);
  const wrong = right === "000000" ? "999999" : "000000";
  assert.deepEqual(await signIn({ ...step1, code: wrong }), { error: "two-factor:invalid", session: false });
  assert.equal(await failures(a.owner), 1, "the wrong code is a failed login");
  // The right code with a wrong password: the same answer as any wrong credential.
  assert.deepEqual(await signIn({ ...step1, password: "wrong password", code: right }), { error: "CredentialsSignin", session: false });

  const cookie = await login(server.url, { ...step1, code: right });
  const page = await get("/account?" + Q, cookie);
  assert.equal(page.status, 200);
  await page.arrayBuffer();
  assert.deepEqual(await signIn({ ...step1, code: right }), { error: "two-factor:invalid", session: false }, "the same code again is refused");
});

test("a recovery code logs in once; room holders of the account are not asked for a code", async () => {
  const a = await account();
  const { recovery } = await enrol(a);
  const step1 = { username: a.owner, password: PASSWORD, number: a.number };
  assert.equal((await signIn({ ...step1, code: recovery[3]! })).session, true);
  assert.deepEqual(await signIn({ ...step1, code: recovery[3]! }), { error: "two-factor:invalid", session: false });
  assert.equal((await signIn({ username: a.holder, password: PASSWORD, number: a.room })).session, true);
});

test("the enrolment page: a QR code and the key for an owner; a room holder gets 404; an enrolled owner goes to /security", async () => {
  const a = await account();
  const cookie = await login(server.url, { username: a.owner, password: PASSWORD, number: a.number });
  const page = await get("/two-factor", cookie);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /data-testid="qr-code"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const key = keyOf(html);
  assert.ok(key && key.replace(/ /g, "").length === 32, `the key in text (${key})`);
  assert.doesNotMatch(html, /data-testid="required-notice"/);

  const holder = await login(server.url, { username: a.holder, password: PASSWORD, number: a.room });
  assert.equal((await get("/two-factor", holder)).status, 404);
  const anonymous = await get("/two-factor", "");
  assert.ok([303, 307].includes(anonymous.status) && /\/login/.test(anonymous.headers.get("location") ?? ""));

  const again = await get("/two-factor", cookie);
  assert.equal(keyOf(await again.text()), key, "reloading shows the same key");
  // The key shown is the one the code confirms (as the page's form does, in this session).
  const id = await userId(a.owner);
  const scope = await scopeOf(t.db, { userId: id, accountId: await accountIdOf(a.number), roomId: null });
  const confirmed = await confirmEnrolment(t.db, scope, { sessionId: (await latestSession(a.owner))!, code: await code(key.replace(/ /g, "")) }, KEY);
  assert.ok(confirmed.ok && confirmed.recoveryCodes.length === 10);
  const enrolled = await get("/two-factor", cookie);
  assert.ok([303, 307].includes(enrolled.status) && /\/security$/.test(enrolled.headers.get("location") ?? ""));
  const security = await get("/security", cookie);
  assert.equal(security.status, 200);
  assert.match(await security.text(), /Recovery codes left: 10 of 10/);
});

test("an account that requires it: its owner without one is sent to enrolment from every page, downloads are 404; once enrolled all opens", async () => {
  const a = await account();
  const before = await login(server.url, { username: a.owner, password: PASSWORD, number: a.number });
  for (const url of ownerDownloads) {
    const response = await get(url, before);
    assert.equal(response.status, 200, url);
    await response.arrayBuffer();
  }
  await setTwoFactorRequired(t.db, { account: a.number, required: true });

  // The session opened before, and a new login, alike.
  const after = await login(server.url, { username: a.owner, password: PASSWORD, number: a.number });
  for (const cookie of [before, after]) {
    for (const page of ["/", "/account", "/sessions", "/security", "/reports", "/reports/schedules", `/rooms/${a.room}`, "/login"]) {
      const response = await get(page, cookie);
      assert.ok([303, 307].includes(response.status) && /\/two-factor$/.test(response.headers.get("location") ?? ""), `${page} sends to enrolment (${response.status} ${response.headers.get("location")})`);
    }
    for (const url of ownerDownloads) assert.equal((await get(url, cookie)).status, 404, url);
    const enrolment = await get("/two-factor", cookie);
    assert.equal(enrolment.status, 200);
    assert.match(await enrolment.text(), /data-testid="required-notice"/);
  }
  // A room holder of the account is not concerned.
  const holder = await login(server.url, { username: a.holder, password: PASSWORD, number: a.room });
  assert.equal((await get(`/rooms/${a.room}?${Q}`, holder)).status, 200);

  await enrol(a);
  for (const cookie of [before, after]) {
    const response = await get("/account?" + Q, cookie);
    assert.equal(response.status, 200, "enrolled, the account opens");
    await response.arrayBuffer();
    const file = await get(ownerDownloads[0]!, cookie);
    assert.equal(file.status, 200);
    await file.arrayBuffer();
  }
});

test("support's reset removes the second factor and ends the sessions: the next login needs the password only", async () => {
  const a = await account();
  const { secret } = await enrol(a);
  const cookie = await login(server.url, { username: a.owner, password: PASSWORD, number: a.number, code: await code(secret, 1) });
  // Two sessions end: the one enrolment was made in, and the one logged in with the code.
  assert.deepEqual(await resetTwoFactor(t.db, { email: a.owner }), { removed: true, sessionsEnded: 2 });
  for (const url of ownerDownloads) assert.equal((await get(url, cookie)).status, 404, url);
  const page = await get("/account", cookie);
  assert.ok([303, 307].includes(page.status) && /\/login/.test(page.headers.get("location") ?? ""));
  assert.equal((await signIn({ username: a.owner, password: PASSWORD, number: a.number })).session, true);
});
