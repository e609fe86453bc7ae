import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql, type SQL } from "drizzle-orm";
import ExcelJS from "exceljs";
import { demoScopes } from "@/lib/demo/testing";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import type { AccountScope } from "@/lib/auth/scope";
import { assignUnallocated } from "@/lib/billing-codes";
import { seedDemo } from "@/lib/demo/demo";
import { addMonths, periodOf, toUrlPeriod } from "@/lib/periods";
import { login } from "../scripts/bench/http";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { freePort } from "../scripts/lib/postgres";

/**
 * The month-end clean-up over HTTP against the production build, on the demo: the page and its
 * download for the owner only, the per-code list's Download and Print, invoiced months with
 * nothing actionable, and the summary's Unallocated line equal to the database after "select all".
 */
const CURRENT = periodOf(new Date(), "Europe/Paris");
const PREVIOUS = addMonths(CURRENT, -1);
const cur = toUrlPeriod(CURRENT);
const prev = toUrlPeriod(PREVIOUS);
let t: TestDatabase;
let server: RunningServer;
let owner: string;
let holder: string;
let ownerScope: AccountScope;

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, new Date());
  await createAccount(t.db, { number: "900001", company: "Other SA" });
  await createUser(t.db, { email: "o@other.example", name: "O", password: "another long one", account: "900001", role: "owner" });
  await createRoom(t.db, { account: "900001", number: "910001", cardholder: "o@other.example" });
  ({ owner: ownerScope } = await demoScopes(t.db));
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { WORKER: "0" } });
  owner = await login(server.url, { username: "owner@phoenix.example", password: "Phoenix-Owner-1", number: "602127" });
  holder = await login(server.url, { username: "marilene@phoenix.example", password: "Phoenix-Room-1", number: "332703" });
});
after(async () => {
  await server?.stop();
  await t.close();
});

const get = async (path: string, cookie: string) => {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: "manual" });
  return { status: response.status, body: await response.text() };
};

async function count(where: SQL): Promise<number> {
  const { rows } = await t.db.execute<{ n: number }>(sql`
    select count(*)::int as n from conferences c join rooms r on r.account_id = c.account_id and r.id = c.room_id join accounts a on a.id = c.account_id
    where a.number = '602127' and ${where}`);
  return rows[0]!.n;
}

/** The conference lines of a downloaded list (the seed's columns: billing code in the 6th), without title, header and total. */
async function downloadedCodes(path: string, cookie: string): Promise<string[]> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
  assert.equal(response.status, 200, path);
  assert.match(response.headers.get("content-type") ?? "", /spreadsheetml/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await response.arrayBuffer());
  const codes: string[] = [];
  book.worksheets[0]!.eachRow((row) => {
    if (typeof row.getCell(5).value === "number" && /^\d{2} \d{3} \d$/.test(String(row.getCell(3).value))) codes.push(String(row.getCell(6).value));
  });
  return codes;
}

test("room holders get 404 on the clean-up page and its downloads; a room of another account or an unknown one is 404", async () => {
  for (const path of [`/account/unallocated?period=${cur}`, `/download/unallocated?period=${cur}`, `/download/code?period=${cur}&code=`]) {
    assert.equal((await get(path, holder)).status, 404, path);
  }
  for (const room of ["910001", "999999", "abc"]) {
    assert.equal((await get(`/account/unallocated?period=${cur}&room=${room}`, owner)).status, 404, room);
    assert.equal((await get(`/download/unallocated?period=${cur}&room=${room}`, owner)).status, 404, room);
  }
  assert.equal((await get(`/download/code?period=${cur}`, owner)).status, 404, "no code at all");
  assert.equal((await get(`/download/code?period=${cur}&code=${"x".repeat(21)}`, owner)).status, 404, "longer than a code");
});

test("the clean-up page: the month's unallocated conferences across rooms, filters, select all, Download and Print", async () => {
  const all = await count(sql`c.period = ${CURRENT} and c.billing_code is null`);
  // The open month holds only the days gone by; the seed's three rooms keep one to allocate at least.
  assert.ok(all > 1, `the demo's open month has unallocated conferences (${all})`);
  const page = await get(`/account/unallocated?period=${cur}`, owner);
  assert.equal(page.status, 200);
  assert.match(page.body, new RegExp(`${all} unallocated conferences match these filters`));
  assert.match(page.body, new RegExp(`Select all ${all} unallocated conferences matching these filters`));
  assert.match(page.body, /name="all"/);
  assert.match(page.body, new RegExp(`href="/download/unallocated\\?period=${cur}"`));
  assert.match(page.body, />Print</);
  assert.deepEqual(new Set(await downloadedCodes(`/download/unallocated?period=${cur}`, owner)), new Set(["Unallocated"]));
  assert.equal((await downloadedCodes(`/download/unallocated?period=${cur}`, owner)).length, all);

  // One room, from the 2nd to the 20th: the same conferences on the page and in the file.
  const [year, month] = cur.split("-");
  const from = `${year}-${month}-02`;
  const to = `${year}-${month}-20`;
  const some = await count(sql`c.period = ${CURRENT} and c.billing_code is null and r.number = '332703'
    and (c.started_at at time zone 'Europe/Paris')::date between ${from}::date and ${to}::date`);
  const filtered = await get(`/account/unallocated?period=${cur}&room=332703&from=${from}&to=${to}`, owner);
  assert.match(filtered.body, new RegExp(`${some} unallocated ${some === 1 ? "conference matches" : "conferences match"} these filters`));
  assert.equal((await downloadedCodes(`/download/unallocated?period=${cur}&room=332703&from=${from}&to=${to}`, owner)).length, some);

  // A day outside the month: said at the field, not applied, never a 500.
  const wrong = await get(`/account/unallocated?period=${cur}&from=1999-01-01&to=nonsense`, owner);
  assert.equal(wrong.status, 200);
  assert.match(wrong.body, /Choose a day of [A-Z][a-z]+ \d{4}\./);
  assert.match(wrong.body, new RegExp(`${all} unallocated conferences match these filters`));
});

test("the per-code conference list has Download and Print, and its file holds that code's conferences", async () => {
  for (const code of ["", "SALES-EU"]) {
    const page = await get(`/account/conferences?period=${cur}&code=${code}`, owner);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`href="/download/code\\?period=${cur}&amp;code=${code}"`), code);
    assert.match(page.body, />Print</);
    const expected = await count(code ? sql`c.period = ${CURRENT} and c.billing_code = ${code}` : sql`c.period = ${CURRENT} and c.billing_code is null`);
    const lines = await downloadedCodes(`/download/code?period=${cur}&code=${code}`, owner);
    assert.equal(lines.length, expected, code);
    assert.deepEqual([...new Set(lines)], [code || "Unallocated"]);
  }
});

test("an invoiced month: Unallocated is plain text with its reason on hover and focus, nothing actionable anywhere", async () => {
  const { rows } = await t.db.execute<{ number: string }>(sql`
    select r.number from conferences c join rooms r on r.id = c.room_id join accounts a on a.id = c.account_id
    where a.number = '602127' and c.period = ${PREVIOUS} and c.billing_code is null group by r.number order by count(*) desc limit 1`);
  const room = rows[0]!.number;
  const reason = "Invoiced month: billing codes can no longer be changed";
  const pages = {
    room: await get(`/rooms/${room}?period=${prev}`, owner),
    byCode: await get(`/account?period=${prev}&sort=code`, owner),
    summary: await get(`/account?period=${prev}`, owner),
    cleanup: await get(`/account/unallocated?period=${prev}`, owner),
  };
  for (const [name, page] of Object.entries(pages)) {
    assert.equal(page.status, 200, name);
    assert.match(page.body, /class="locked-unallocated" tabindex="0" aria-describedby="locked-[^"]+"/, name);
    assert.ok(page.body.includes(`class="locked-tip">${reason}`), `${name}: the reason`);
    assert.doesNotMatch(page.body, /class="unallocated"|#billing-code"/, `${name}: no link to a locked page`);
    assert.doesNotMatch(page.body, /data-testid="cleanup-link"|name="all"|name="code"|name="conference"/, `${name}: nothing to act on`);
  }
  assert.match(pages.cleanup.body, /is invoiced: its conferences keep the codes they have, and this list is read-only\./);
});

test("after select all, the summary's Unallocated line and figures equal the database: none left", async () => {
  const before = await get(`/account?period=${cur}`, owner);
  const n = await count(sql`c.period = ${CURRENT} and c.billing_code is null`);
  assert.match(before.body, new RegExp(`data-testid="unallocated-summary"><span class="font-semibold tabular-nums text-amber-800">${n} conference${n === 1 ? "" : "s"} · `));
  assert.match(before.body, new RegExp(`href="/account/unallocated\\?period=${cur}"`));
  const result = await assignUnallocated(t.db, ownerScope, CURRENT, { unallocated: true, roomId: null, from: null, to: null }, "HTTP-ALL");
  assert.equal(result.count, n);
  const after = await get(`/account?period=${cur}`, owner);
  assert.match(after.body, /data-testid="unallocated-summary">None: every conference has a billing code</);
  const byCode = await get(`/account?period=${cur}&sort=code`, owner);
  assert.doesNotMatch(byCode.body, /data-code=""/, "no Unallocated line left");
  assert.match(byCode.body, new RegExp(`data-code="HTTP-ALL"`));
});
