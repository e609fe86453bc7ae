import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { scopeOf, type AccountScope } from "@/lib/auth/scope";
import { getAccount } from "@/lib/data/account";
import { createApiKey, revokeApiKey } from "@/lib/data/api-keys";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getRoomUsage } from "@/lib/data/room-usage";
import { DEMO_ACCOUNT, seedDemo } from "@/lib/demo/demo";
import { demoScopes } from "@/lib/demo/testing";
import { ingest } from "@/lib/ingest/ingest";
import { selectablePeriods, toUrlPeriod } from "@/lib/periods";
import { codeTotals, conferencePage, legPage, roomTotals } from "@/lib/usage-api/schemas";
import { login } from "../../../../scripts/bench/http";
import { startServer, type RunningServer } from "../../../../scripts/bench/server";
import { freePort } from "../../../../scripts/lib/postgres";

/**
 * The usage API through real HTTP against the production build, on the demo account: its totals
 * against the portal's own functions for every period the portal offers, paging while legs
 * arrive, keys revoked, other accounts' ids, bad parameters, ETags and the rate limit; and the
 * keys page and actions refused to a room holder.
 */
const NOW = new Date();
const LIMIT_PER_MINUTE = 500;
let t: TestDatabase;
let server: RunningServer;
let owner: AccountScope;
let key: string;
let other: { key: string; conferenceId: number };

type Json = Record<string, unknown>;
type Page = { data: Json[]; next_cursor: string | null };

async function get(url: string, options: { key?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${options.key ?? key}`, ...options.headers } });
  const text = await response.text();
  const body = (response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : { text }) as Json;
  return { status: response.status, headers: response.headers, body };
}

async function ok<T = Json>(url: string, apiKey = key): Promise<T> {
  const answer = await get(url, { key: apiKey });
  assert.equal(answer.status, 200, `${url}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body as T;
}

const csvHeader = "leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product";
/** Legs through the CDR ingest's own code, as the API would receive them. */
async function ingestLegs(accountId: number, lines: string[]) {
  const result = await ingest(t.db, { accountId, label: "test" }, Readable.from([`${csvHeader}\n${lines.join("\n")}\n`]), "csv");
  assert.ok(result.ok, JSON.stringify(result));
}
const leg = (id: string, conference: string, room: string, start: Date, minutes: number) => `${id},${conference},${room},toll,${start.toISOString()},${new Date(start.getTime() + minutes * 60_000).toISOString()},Caller ${id},+33100000000,,,`;

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
  ({ owner } = await demoScopes(t.db));
  ({ key } = await createApiKey(owner, "tests"));
  // Another account, with a room and one conference, and its own key.
  const b = await createAccount(t.db, { number: "790001", company: "Other SA" });
  const bOwner = await createUser(t.db, { email: "owner@other.example", name: "Other Owner", password: "a long password", account: "790001", role: "owner" });
  await createRoom(t.db, { account: "790001", number: "791001", cardholder: "owner@other.example" });
  await ingestLegs(b.id, [leg("ob1", "oc1", "791001", new Date(NOW.getTime() - 86_400_000), 10)]);
  const { rows } = await t.db.execute<{ id: string }>(sql`select id from conferences where account_id = ${b.id}`);
  other = { key: (await createApiKey(await scopeOf(t.db, { userId: bOwner.id, accountId: b.id, roomId: null }), "other")).key, conferenceId: Number(rows[0]!.id) };
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { WORKER: "0", USAGE_API_REQUESTS_PER_MINUTE: String(LIMIT_PER_MINUTE) } });
});
after(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
  await t?.close();
});

const CONFERENCE_FIELDS = Object.keys(conferencePage.shape.data.element.shape);

/** Every conference of a query, page by page; `between` runs after each page. */
async function allPages(url: string, between?: (page: number) => Promise<void>): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const body: Page = await ok<Page>(`${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    conferencePage.parse(body); // every page as the OpenAPI document describes it
    for (const item of body.data) assert.deepEqual(Object.keys(item), CONFERENCE_FIELDS); // and nothing else
    items.push(...body.data);
    cursor = body.next_cursor;
    if (!cursor) return items;
    await between?.(page);
  }
  throw new Error("more than 1000 pages");
}

test("the API's totals equal the portal's, by room and by code, for every period the portal offers; the conferences add up to them", async () => {
  const account = await getAccount(owner);
  const periods = selectablePeriods(account.timeZone, NOW);
  assert.equal(periods.length, 4);
  let conferencesSeen = 0;
  for (const period of periods) {
    const month = toUrlPeriod(period);
    const [rooms, codes] = await Promise.all([getRoomUsage(owner, period, "active"), getCodeUsage(owner, period)]);
    const byRoom = roomTotals.parse(await ok(`/api/v1/usage/totals?period=${month}&by=room`));
    assert.deepEqual(
      byRoom.data,
      rooms.rows.map((r) => ({ room: r.number, cardholder: r.cardholder, auto_billing_code: r.autoBillingCode, duration_s: r.durationS, charge_minor: r.chargeMinor, currency: "EUR" })),
      month,
    );
    assert.deepEqual(byRoom.total, { duration_s: rooms.total.durationS, charge_minor: rooms.total.chargeMinor, currency: "EUR" }, month);
    const byCode = codeTotals.parse(await ok(`/api/v1/usage/totals?period=${month}&by=code`));
    assert.deepEqual(
      byCode.data.map((c) => [c.billing_code, c.conferences, c.duration_s, c.charge_minor, c.rooms.length]),
      codes.codes.map((c) => [c.code, c.conferences, c.durationS, c.chargeMinor, c.rooms.length]),
      month,
    );
    assert.deepEqual(byCode.total, { conferences: codes.total.conferences, duration_s: codes.total.durationS, charge_minor: codes.total.chargeMinor, currency: "EUR" }, month);
    // The conferences of the month, read a page at a time, add up to the same totals.
    const conferences = await allPages(`/api/v1/usage/conferences?period=${month}&limit=37`);
    assert.equal(conferences.length, codes.total.conferences, month);
    assert.equal(conferences.reduce((s, c) => s + (c.charge_minor as number), 0), codes.total.chargeMinor, month);
    assert.equal(conferences.reduce((s, c) => s + (c.duration_s as number), 0), codes.total.durationS, month);
    const unallocated = await allPages(`/api/v1/usage/conferences?period=${month}&code=&limit=1000`);
    assert.equal(unallocated.length, codes.codes.find((c) => c.code === null)?.conferences ?? 0, `${month} unallocated`);
    conferencesSeen += conferences.length;
  }
  assert.ok(conferencesSeen > 100, `${conferencesSeen} conferences compared`);
});

test("paging returns every conference exactly once while new legs and conferences arrive", async () => {
  const period = toUrlPeriod(selectablePeriods("Europe/Paris", NOW)[1]!);
  const before = await allPages(`/api/v1/usage/conferences?period=${period}&limit=1000`);
  assert.ok(before.length > 20, `${before.length} conferences`);
  const [year, month] = period.split("-").map(Number) as [number, number];
  const early = new Date(Date.UTC(year, month - 1, 1, 8)); // before any page's position: not in this listing
  const late = new Date(Date.UTC(year, month - 1, 27, 8)); // ahead of the pages read so far
  const { rows } = await t.db.execute<{ external_id: string; number: string; started_at: Date }>(sql`
    select c.external_id, r.number, c.started_at from conferences c join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where c.account_id = ${owner.accountId} and c.period = ${`${period}-01`} order by c.started_at limit 1`);
  const known = rows[0]!;
  const seen = await allPages(`/api/v1/usage/conferences?period=${period}&limit=10`, async (page) => {
    // Between pages: a new conference early in the month, one late in it, and a late leg of the first conference.
    await ingestLegs(owner.accountId, [
      leg(`pg-early-${page}`, `pg-early-${page}`, "332703", new Date(early.getTime() + page * 1000), 5),
      leg(`pg-late-${page}`, `pg-late-${page}`, "332703", new Date(late.getTime() + page * 1000), 5),
      leg(`pg-extra-${page}`, known.external_id, known.number, new Date(known.started_at), 3),
    ]);
  });
  const ids = seen.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, "no conference twice");
  const seenIds = new Set(ids);
  const missing = before.filter((c) => !seenIds.has(c.id));
  assert.deepEqual(missing, [], "every conference there at the start is listed");
  assert.ok(seen.some((c) => String(c.external_id).startsWith("pg-late-")), "conferences arriving ahead of the pages are listed");
});

test("a revoked key is refused at once; an unknown or malformed one too; last use is shown", async () => {
  const made = await createApiKey(owner, "to revoke");
  assert.equal((await get("/api/v1/usage/totals", { key: made.key })).status, 200);
  const { rows } = await t.db.execute<{ last_used_at: Date | null }>(sql`select last_used_at from usage_api_keys where account_id = ${owner.accountId} and id = ${made.id}`);
  assert.ok(rows[0]!.last_used_at, "last use recorded");
  await revokeApiKey(owner, made.id);
  const refused = await get("/api/v1/usage/totals", { key: made.key });
  assert.equal(refused.status, 401);
  assert.match(String(refused.body.error), /key/);
  for (const bad of [`${made.key.slice(0, -1)}x`, "nonsense", `cpr_${owner.accountId}_${"A".repeat(43)}`, ""]) assert.equal((await get("/api/v1/usage/conferences", { key: bad })).status, 401, bad);
  const none = await fetch(`${server.url}/api/v1/usage/conferences`);
  assert.equal(none.status, 401);
});

test("the start of a key the owner sees afterwards holds 6 characters of its secret, whatever the secret holds", async () => {
  for (let i = 0; i < 64; i++) {
    const made = await createApiKey(owner, `prefix ${i}`);
    assert.equal(made.prefix, `cpr_${owner.accountId}_${made.key.slice(`cpr_${owner.accountId}_`.length, `cpr_${owner.accountId}_`.length + 6)}`);
    await revokeApiKey(owner, made.id);
  }
});

test("another account's conference is not found; its own key reads it", async () => {
  const answer = await get(`/api/v1/usage/conferences/${other.conferenceId}/legs`);
  assert.equal(answer.status, 404);
  assert.match(String(answer.body.error), /not found/i);
  const own = await ok<{ conference: Json; data: Json[] }>(`/api/v1/usage/conferences/${other.conferenceId}/legs`, other.key);
  legPage.parse(own);
  assert.equal(own.data.length, 1);
  const otherRoom = await ok<Page>("/api/v1/usage/conferences?room=791001&from=2000-01-01");
  assert.deepEqual(otherRoom.data, [], "another account's room lists nothing");
  assert.equal((await get("/api/v1/usage/conferences/999999999/legs")).status, 404);
});

test("bad query parameters get 400 with a clear JSON message, never 500", async () => {
  const bad = [
    "/api/v1/usage/conferences?limit=0",
    "/api/v1/usage/conferences?limit=1001",
    "/api/v1/usage/conferences?limit=ten",
    "/api/v1/usage/conferences?limit=1.5",
    "/api/v1/usage/conferences?limit=1&limit=2",
    "/api/v1/usage/conferences?period=2026-13",
    "/api/v1/usage/conferences?period=May",
    "/api/v1/usage/conferences?from=2026-02-30",
    "/api/v1/usage/conferences?from=2026-05-02&to=2026-05-01",
    "/api/v1/usage/conferences?period=2026-05&from=2026-05-01",
    "/api/v1/usage/conferences?room=12",
    "/api/v1/usage/conferences?code=not%20a%20code",
    "/api/v1/usage/conferences?cursor=garbage",
    `/api/v1/usage/conferences?cursor=${Buffer.from("2026-05-01T00:00:00.000000Z|x").toString("base64url")}`,
    `/api/v1/usage/conferences?cursor=${"A".repeat(300)}`,
    "/api/v1/usage/conferences?colour=blue",
    "/api/v1/usage/conferences/abc/legs",
    "/api/v1/usage/conferences/-1/legs",
    "/api/v1/usage/conferences/99999999999999999999999/legs",
    "/api/v1/usage/conferences/1/legs?limit=-5",
    "/api/v1/usage/totals?by=month",
    "/api/v1/usage/totals?period=2026-5",
  ];
  for (const url of bad) {
    const answer = await get(url);
    assert.equal(answer.status, 400, `${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
    assert.match(String(answer.body.error), /^Bad request: \w/, url);
    assert.ok(Array.isArray(answer.body.issues) && (answer.body.issues as unknown[]).length > 0, url);
  }
  const limit = await get("/api/v1/usage/conferences?limit=0");
  assert.match(String(limit.body.error), /limit must be a whole number from 1 to 1000/);
});

test("ETag: the same answer is 304 with If-None-Match, a new leg changes it", async () => {
  const url = `/api/v1/usage/totals?period=${toUrlPeriod(selectablePeriods("Europe/Paris", NOW)[0]!)}`;
  const first = await get(url);
  const etag = first.headers.get("etag");
  assert.match(etag ?? "", /^"[\w-]{27}"$/);
  assert.equal((await get(url, { headers: { "if-none-match": etag! } })).status, 304);
  await ingestLegs(owner.accountId, [leg("etag-1", "etag-1", "332703", new Date(NOW.getTime() - 60_000), 2)]);
  const changed = await get(url, { headers: { "if-none-match": etag! } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get("etag"), etag);
});

test("past the limit of a minute, a key gets 429 with Retry-After; other keys do not", async () => {
  const made = await createApiKey(owner, "busy");
  assert.equal((await get("/api/v1/usage/totals", { key: made.key })).status, 200);
  // As if the key had made its minute's requests already.
  await t.db.execute(sql`update usage_api_keys set window_used = ${LIMIT_PER_MINUTE} where account_id = ${owner.accountId} and id = ${made.id}`);
  const limited = await get("/api/v1/usage/totals", { key: made.key });
  assert.equal(limited.status, 429);
  const retry = Number(limited.headers.get("retry-after"));
  assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  assert.equal((await get("/api/v1/usage/totals")).status, 200, "another key of the account still answers");
});

/** The build's server actions, by their exported name. */
function actionIds(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName: string }> };
  return Object.fromEntries(Object.entries(manifest.node).map(([id, v]) => [v.exportedName, id]));
}

async function callAction(id: string, form: Record<string, string>, cookie: string) {
  const body = new FormData();
  for (const [name, value] of Object.entries(form)) body.append(`_1_${name}`, value);
  body.append("0", JSON.stringify([{}, "$K1"]));
  const response = await fetch(`${server.url}/account/api-keys`, { method: "POST", headers: { "next-action": id, cookie, origin: server.url }, body, redirect: "manual" });
  return { status: response.status, body: await response.text() };
}

test("a room holder is not offered the keys page and cannot create or revoke keys; the owner can", async () => {
  const holder = await login(server.url, { username: "marilene@phoenix.example", password: "Phoenix-Room-1", number: "332703" });
  const ownerCookie = await login(server.url, { username: "owner@phoenix.example", password: "Phoenix-Owner-1", number: DEMO_ACCOUNT });
  const page = await fetch(`${server.url}/account/api-keys`, { headers: { cookie: holder }, redirect: "manual" });
  assert.equal(page.status, 404);
  const sessions = await (await fetch(`${server.url}/sessions`, { headers: { cookie: holder } })).text();
  assert.ok(!sessions.includes("/account/api-keys"), "no link for the room holder");
  const ownerSessions = await (await fetch(`${server.url}/sessions`, { headers: { cookie: ownerCookie } })).text();
  assert.ok(ownerSessions.includes("/account/api-keys"), "the owner's sessions page links to the keys");

  const count = async () => (await t.db.execute<{ n: number; revoked: number }>(sql`select count(*)::int as n, count(revoked_at)::int as revoked from usage_api_keys`)).rows[0]!;
  const id = actionIds();
  assert.ok(id.createApiKeyAction && id.revokeApiKeyAction, "the build has both actions");
  const start = await count();
  const created = await callAction(id.createApiKeyAction, { name: "holder's key" }, holder);
  assert.ok(created.status < 500 && !created.body.includes("cpr_"), `${created.status}`);
  const revoked = await callAction(id.revokeApiKeyAction, { key: "1" }, holder);
  assert.ok(revoked.status < 500, `${revoked.status}`);
  assert.deepEqual(await count(), start, "nothing changed");

  const made = await callAction(id.createApiKeyAction, { name: "owner's key" }, ownerCookie);
  assert.match(made.body, /cpr_\d+_[\w-]{43}/, "the owner's call makes a key, shown once");
  assert.equal((await count()).n, start.n + 1);
  const listed = await (await fetch(`${server.url}/account/api-keys`, { headers: { cookie: ownerCookie } })).text();
  assert.ok(listed.includes("owner&#x27;s key") || listed.includes("owner's key"), "the new key is listed");
  assert.ok(!/cpr_\d+_[\w-]{43}/.test(listed), `the list never shows a whole key: ${/.{80}cpr_\d+_[\w-]{43}.{40}/s.exec(listed)?.[0]}`);
});
