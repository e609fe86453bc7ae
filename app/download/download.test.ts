import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { freePort } from "../../scripts/lib/postgres";
import { login } from "../../scripts/bench/http";
import { startServer, type RunningServer } from "../../scripts/bench/server";

/** Downloads through real HTTP against the production build. */
let t: TestDatabase;
let server: RunningServer;
let cookie: string;
const ROWS = 60_000;

before(async () => {
  t = await testDatabase();
  const account = await createAccount(t.db, { number: "650001", company: "Stream SA" });
  await createUser(t.db, { email: "owner@stream.example", name: "Owner", password: "a long password", account: "650001", role: "owner" });
  await createRoom(t.db, { account: "650001", number: "651111", cardholder: "owner@stream.example" });
  // Many conferences in October, written in bulk: this test is about reading them.
  await t.db.execute(sql`
    insert into conferences (account_id, room_id, external_id, started_at, ended_at, period)
    select ${account.id}, r.id, 'c' || g, timestamptz '2026-10-01 08:00+00' + g * interval '20 seconds', timestamptz '2026-10-01 08:10+00' + g * interval '20 seconds', '2026-10-01'
    from rooms r, generate_series(1, ${ROWS}) g where r.number = '651111'`);
  await t.db.execute(sql`
    insert into legs (account_id, conference_id, external_id, service_type, joined_at, left_at, duration_s, billable_s, charge_minor)
    select account_id, id, 'l' || id, 'toll', started_at, ended_at, 600, 600, 90 from conferences`);
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url });
  cookie = await login(server.url, { username: "owner@stream.example", password: "a long password", number: "650001" });
});
after(async () => {
  await server?.stop();
  await t.close();
});

/** Sessions running a query that contains `text` (a download's, found by words of its SQL). */
const queriesLike = async (text: string) =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like ${`%${text}%`} and state <> 'idle'`)).rows[0]!.n;

if (process.env.TEST_PG_URL) {
  // pg_stat_activity shows other sessions' queries only on a real server.
  const downloads = [
    { what: "statement", path: "/download/statement?period=2026-10", sql: "c.legs as participants" },
    { what: "participation report", path: "/reports/download?type=participation&range=past-12-months&format=xlsx", sql: "l.participant_name, l.caller_number" },
  ];
  for (const { what, path, sql: text } of downloads) {
    test(`a client that goes away stops the ${what}'s query`, async () => {
      const controller = new AbortController();
      const response = await fetch(`${server.url}${path}`, { headers: { cookie }, signal: controller.signal });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      await reader.read(); // the first bytes: the cursor is open and rows are flowing
      let running = 0;
      for (let i = 0; i < 50 && !running; i++) {
        running = await queriesLike(text);
        if (!running) await sleep(20);
      }
      assert.ok(running > 0, `the ${what}'s query was seen running while the file streamed`);
      controller.abort();
      let left = running;
      for (let i = 0; i < 100 && left; i++) {
        await sleep(50);
        left = await queriesLike(text);
      }
      assert.equal(left, 0, "the cursor was closed when the client left");
    });
  }
}

test("the statement streams every line with the right total", async () => {
  const response = await fetch(`${server.url}/download/statement?period=2026-10`, { headers: { cookie } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-disposition"), 'attachment; filename="oai-650001-2026-10-statement.xlsx"');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheet = workbook.worksheets[0]!;
  const total = sheet.getRow(sheet.rowCount);
  assert.equal(total.getCell(1).value, "Total");
  // Title block (4 lines), a blank line, the header, the lines, the total.
  assert.equal(sheet.rowCount, 4 + 1 + 1 + ROWS + 1);
  assert.equal(Math.round((total.getCell(9).value as { result: number }).result * 100), ROWS * 90);
});
