import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { sessions } from "@/db/schema";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createApiKey, createRoom, createUser, removeMember, setTariff, setUserPassword, setUserStatus } from "@/lib/admin/support";
import { trustedClientAddress } from "@/lib/http/client-address";
import { addMonths, periodOf, toUrlPeriod } from "@/lib/periods";
import { login } from "../scripts/bench/http";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { freePort } from "../scripts/lib/postgres";

/**
 * Sessions that really end, and downloads that make the check pages make, tried over HTTP against
 * the production server: a suspended or removed user, a room given to someone else, a logout, a
 * session idle too long or too old, a new password.
 */
const PASSWORD = "a long password";
const PERIOD = addMonths(periodOf(new Date(), "UTC"), -1);
const Q = `period=${toUrlPeriod(PERIOD)}`;

let t: TestDatabase;
let server: RunningServer;
let conferenceId = 0;
let n = 0;

/** A fresh account (its own number, so that tests do not share users): an owner, a room holder, a conference. */
async function account() {
  n++;
  const number = String(680000 + n * 10);
  const room = String(690000 + n * 10);
  const owner = `owner${n}@sessions.example`;
  const holder = `holder${n}@sessions.example`;
  await createAccount(t.db, { number, company: `Sessions ${n} SA` });
  await createUser(t.db, { email: owner, name: `Owner ${n}`, password: PASSWORD, account: number, role: "owner" });
  await createUser(t.db, { email: holder, name: `Holder ${n}`, password: PASSWORD, account: number });
  await createRoom(t.db, { account: number, number: room, cardholder: holder });
  const { key } = await createApiKey(t.db, { account: number });
  const [year, month] = PERIOD.split("-").map(Number) as [number, number];
  const joined = new Date(Date.UTC(year, month - 1, 5, 9));
  const csv = `leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product\nl${n},c${n},${room},toll,${joined.toISOString()},${new Date(joined.getTime() + 600_000).toISOString()},Caller ${n},,,,`;
  const sent = await fetch(`${server.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" }, body: csv });
  assert.equal(sent.status, 200, await sent.text());
  const { rows } = await t.db.execute<{ id: string }>(sql`select c.id from conferences c join rooms r on r.id = c.room_id where r.number = ${room}`);
  conferenceId = Number(rows[0]!.id);
  const ownerCookie = await login(server.url, { username: owner, password: PASSWORD, number });
  const holderCookie = await login(server.url, { username: holder, password: PASSWORD, number: room });
  return { number, room, owner, holder, ownerCookie, holderCookie, conference: conferenceId };
}

const get = (url: string, cookie: string) => fetch(`${server.url}${url}`, { headers: { cookie }, redirect: "manual" });

/** What an owner's session can reach: a page, the statement, a report file. */
const ownerUrls = () => ["/download/statement?" + Q, "/download/account?" + Q, "/reports/download?type=usage&range=previous-month&format=csv"];
const holderUrls = (a: { room: string; conference: number }) => [`/download/conference?${Q}&room=${a.room}&conference=${a.conference}`, `/download/room?${Q}&room=${a.room}`];

async function assertOpen(url: string, cookie: string) {
  const response = await get(url, cookie);
  assert.equal(response.status, 200, `${url} is open to the session`);
  await response.arrayBuffer();
}

async function assertClosed(urls: string[], page: string, cookie: string, why: string) {
  for (const url of urls) {
    const response = await get(url, cookie);
    assert.equal(response.status, 404, `${url} after ${why}`);
    assert.doesNotMatch(await response.text(), /Caller \d/, `${url} shows no caller after ${why}`);
  }
  const response = await get(page, cookie);
  assert.ok([303, 307].includes(response.status) && /\/login/.test(response.headers.get("location") ?? ""), `${page} sends to login after ${why} (${response.status})`);
}

before(async () => {
  t = await testDatabase();
  await setTariff(t.db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { WORKER: "0" } });
});
after(async () => {
  await server?.stop();
  await t.close();
});

test("downloads make the check pages make: a suspended room holder, a room given to someone else", async () => {
  const a = await account();
  for (const url of holderUrls(a)) await assertOpen(url, a.holderCookie);
  await setUserStatus(t.db, { email: a.holder, status: "suspended" });
  await assertClosed(holderUrls(a), `/rooms/${a.room}`, a.holderCookie, "the holder's suspension");

  const b = await account();
  for (const url of holderUrls(b)) await assertOpen(url, b.holderCookie);
  // The room is given to the owner; the former holder's session no longer reaches it.
  await t.db.execute(sql`update rooms set cardholder_id = (select id from users where email = ${b.owner}) where number = ${b.room}`);
  await assertClosed(holderUrls(b), `/rooms/${b.room}`, b.holderCookie, "the room was given to someone else");
});

test("downloads make the check pages make: a suspended owner, an owner removed from the account", async () => {
  const a = await account();
  for (const url of ownerUrls()) await assertOpen(url, a.ownerCookie);
  const { sessionsEnded } = await setUserStatus(t.db, { email: a.owner, status: "suspended" });
  assert.equal(sessionsEnded, 1);
  await assertClosed(ownerUrls(), "/account", a.ownerCookie, "the owner's suspension");
  // Reinstated, the old session stays ended: a new login is needed.
  await setUserStatus(t.db, { email: a.owner, status: "active" });
  await assertClosed(ownerUrls(), "/account", a.ownerCookie, "the owner's reinstatement (an ended session stays ended)");

  const b = await account();
  await removeMember(t.db, { email: b.owner, account: b.number });
  await assertClosed(ownerUrls(), "/account", b.ownerCookie, "the owner's removal");
});

test("logging out ends the session: the saved cookie opens nothing and is not renewed", async () => {
  const a = await account();
  const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie: a.ownerCookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const out = await fetch(`${server.url}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${a.ownerCookie}; ${csrfCookie}` },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }).toString(),
  });
  assert.ok(out.status < 400, `sign-out answered ${out.status}`);
  const [row] = await t.db.select().from(sessions).where(eq(sessions.userId, (await t.db.execute<{ id: string }>(sql`select id from users where email = ${a.owner}`)).rows[0]!.id as unknown as number));
  assert.equal(row?.endedBy, "logout");
  // The cookie saved before logging out (as a thief would keep it).
  await assertClosed(ownerUrls(), "/account", a.ownerCookie, "logging out");
  const session = await get("/api/auth/session", a.ownerCookie);
  assert.deepEqual(await session.json(), {}, "no session for the saved cookie");
  assert.ok(
    session.headers.getSetCookie().every((c) => !/next-auth\.session-token=[^;]+;/.test(c) || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)),
    "the cookie is cleared, not renewed",
  );
});

test("a session ends after 30 minutes unused and 8 hours after login, however it is used", async () => {
  const a = await account();
  await assertOpen("/account?" + Q, a.ownerCookie);
  await assertOpen(`/rooms/${a.room}?${Q}`, a.holderCookie);
  const userId = async (email: string) => Number((await t.db.execute<{ id: string }>(sql`select id from users where email = ${email}`)).rows[0]!.id);
  // Idle: last used 31 minutes ago.
  await t.db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes' where user_id = ${await userId(a.owner)}`);
  await assertClosed(ownerUrls(), "/account", a.ownerCookie, "31 minutes unused");
  // Used a minute ago, but logged in 8 h 1 min ago.
  await t.db.execute(sql`update sessions set created_at = now() - interval '8 hours 1 minute', last_seen_at = now() - interval '1 minute' where user_id = ${await userId(a.holder)}`);
  await assertClosed(holderUrls(a), `/rooms/${a.room}`, a.holderCookie, "8 hours after login");
  // 29 minutes unused is still fine, and using it counts as use.
  const fresh = await login(server.url, { username: a.owner, password: PASSWORD, number: a.number });
  const newest = sql`(select id from sessions where user_id = ${await userId(a.owner)} order by created_at desc limit 1)`;
  await t.db.execute(sql`update sessions set last_seen_at = now() - interval '29 minutes' where id = ${newest}`);
  await assertOpen("/account?" + Q, fresh);
  const { rows } = await t.db.execute<{ idle_s: number }>(sql`select extract(epoch from now() - last_seen_at)::int as idle_s from sessions where id = ${newest}`);
  assert.ok(rows[0]!.idle_s < 60, "using the session moved its last use to now");
});

test("a new password ends every open session of the user", async () => {
  const a = await account();
  const second = await login(server.url, { username: a.owner, password: PASSWORD, number: a.number });
  await assertOpen("/account?" + Q, second);
  const { sessionsEnded } = await setUserPassword(t.db, { email: a.owner, password: "another long password" });
  assert.equal(sessionsEnded, 2);
  await assertClosed(ownerUrls(), "/account", a.ownerCookie, "a new password");
  await assertClosed(ownerUrls(), "/account", second, "a new password");
});

test("the login throttle counts the connection's address, not X-Forwarded-For", async () => {
  const a = await account();
  for (const forged of ["203.0.113.7", "198.51.100.1, 203.0.113.8", "10.0.0.1"]) {
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "), "x-forwarded-for": forged },
      body: new URLSearchParams({ csrfToken, username: a.owner, password: "wrong", number: a.number, json: "true" }).toString(),
    });
  }
  const { rows } = await t.db.execute<{ address: string }>(sql`select distinct address from login_attempts where username = ${a.owner} and not succeeded`);
  assert.deepEqual(
    rows.map((r) => r.address),
    ["127.0.0.1"],
    "every failure is counted against the one address the requests came from",
  );
});

test("behind trusted proxies, the client's address is the one the last proxy saw", () => {
  // No proxy: the header is anyone's to write.
  assert.equal(trustedClientAddress("::ffff:192.0.2.10", "203.0.113.7", 0), "192.0.2.10");
  // One proxy appends the address it got the request from; what the client wrote stays to the left.
  assert.equal(trustedClientAddress("10.0.0.2", "203.0.113.7, 198.51.100.20", 1), "198.51.100.20");
  assert.equal(trustedClientAddress("10.0.0.2", ["203.0.113.7", "198.51.100.20, 10.0.0.1"], 2), "198.51.100.20");
  // A proxy that sent no header: its own connection's address is all there is.
  assert.equal(trustedClientAddress("10.0.0.2", undefined, 1), "10.0.0.2");
});
