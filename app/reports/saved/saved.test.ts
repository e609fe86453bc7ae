import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { generateTenant, type Tenant } from "@/scripts/bench/tenant";
import { login } from "../../../scripts/bench/http";
import { startServer, type RunningServer } from "../../../scripts/bench/server";
import { freePort } from "../../../scripts/lib/postgres";

/**
 * Report selections too long for an address (1,700 and 5,000 of 5,200 cardholders ticked) are
 * saved under a short id by POST /reports/saved and opened, paged and downloaded by that id;
 * another account's id, an unknown one, or a room holder's session finds nothing (404).
 */
let t: TestDatabase;
let server: RunningServer;
let big: Tenant;
let other: Tenant;
const cookies: { owner?: string; otherOwner?: string; holder?: string } = {};
let cardholders: number[] = [];

before(async () => {
  t = await testDatabase();
  // The small account first, with a month of usage: the big one's people and rooms alone (months 0) go on from its ids.
  other = await generateTenant(t.db, { scale: 0.01, months: 1, accountNumber: "700022", firstRoomNumber: 830000 });
  big = await generateTenant(t.db, { scale: 2.6, months: 0, accountNumber: "700021", firstRoomNumber: 820000 });
  cardholders = (await t.db.execute<{ id: string }>(sql`select cardholder_id as id from rooms where account_id = ${big.accountId} order by number`)).rows.map((r) => Number(r.id));
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { WORKER: "0" } });
  cookies.owner = await login(server.url, { username: big.owner.email, password: big.owner.password, number: big.accountNumber });
  cookies.otherOwner = await login(server.url, { username: other.owner.email, password: other.owner.password, number: other.accountNumber });
  cookies.holder = await login(server.url, { username: big.roomHolder.email, password: big.roomHolder.password, number: big.roomHolder.room });
});
after(async () => {
  await server?.stop();
  await t?.close();
});

const get = (path: string, cookie: string | undefined) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

async function save(query: string, to: string, cookie: string | undefined) {
  return fetch(`${server.url}/reports/saved`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ query, to }).toString(),
  });
}

const selectionOf = (count: number) => `type=conference-rooms&range=past-12-months&cardholder=${cardholders.slice(0, count).join(",")}`;

for (const count of [1_700, 5_000]) {
  test(`${count.toLocaleString("en")} cardholders: saved, then opened, paged and downloaded by a short address`, async () => {
    assert.equal(cardholders.length, 5_200);
    const query = selectionOf(count);
    assert.ok(query.length > 5_000, `${query.length} characters of selection`);
    const saved = await save(query, "report", cookies.owner);
    assert.equal(saved.status, 303);
    const location = saved.headers.get("location") ?? "";
    assert.match(location, /^\/reports\?s=[\w-]{16}$/);

    const page = await get(location, cookies.owner);
    assert.equal(page.status, 200);
    const html = await page.text();
    // (Checked with test(), not match(): a failure would print 50 KB of page.)
    const digits = count.toLocaleString("fr-FR").replace(/\s/g, "\\s");
    assert.ok(new RegExp(`data-testid="cardholder-count">${digits} selected<`).test(html), "the builder shows the selection");
    assert.ok(new RegExp(`Total \\(${digits} lines\\)`).test(html), "one line per room of the cardholders");
    const id = location.slice("/reports?s=".length);
    assert.ok(html.includes(`href="/reports?s=${id}&amp;page=2"`), "its pages keep the short address");
    assert.ok(html.includes(`href="/reports/download?s=${id}&amp;format=csv"`), "and so do its downloads");

    const csv = await get(`/reports/download?s=${id}&format=csv`, cookies.owner);
    assert.equal(csv.status, 200);
    const lines = (await csv.text()).trim().split("\n");
    assert.ok(lines.length >= count + 1, `${lines.length} CSV lines`);

    // The same selection again is the same address; the download buttons go to the file.
    assert.equal((await save(query, "report", cookies.owner)).headers.get("location"), location);
    assert.equal((await save(query, "xlsx", cookies.owner)).headers.get("location"), `/reports/download?s=${id}&format=xlsx`);
  });
}

test("a saved selection is its account's alone: another account, a room holder, an unknown or malformed id get 404", async () => {
  const location = (await save(selectionOf(1_700), "report", cookies.owner)).headers.get("location")!;
  const id = location.slice("/reports?s=".length);
  for (const path of [`/reports?s=${id}`, `/reports/download?s=${id}&format=csv`, `/reports/schedules/new?s=${id}`]) {
    assert.equal((await get(path, cookies.otherOwner)).status, 404, `${path} for another account's owner`);
    assert.equal((await get(path, cookies.holder)).status, 404, `${path} for a room holder of the account`);
  }
  for (const unknown of ["AAAAAAAAAAAAAAAA", "short", "../../etc", "x".repeat(400)]) assert.equal((await get(`/reports?s=${encodeURIComponent(unknown)}`, cookies.owner)).status, 404, unknown);
  assert.equal((await save(selectionOf(10), "report", cookies.holder)).status, 404, "a room holder saves nothing");
  assert.equal((await save(selectionOf(10), "report", undefined)).status, 404, "nor does a visitor");
  assert.equal((await save(selectionOf(10), "elsewhere", cookies.owner)).status, 400, "an unknown destination");
  // The schedule form opened from the saved report takes its filters.
  const schedule = await get(`/reports/schedules/new?s=${id}`, cookies.owner);
  assert.equal(schedule.status, 200);
  assert.ok(/cardholder=\d+(%2C\d+){1699}"/.test(await schedule.text()), "the schedule form has the 1,700 cardholders");
});
