import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { seedDemo } from "./demo";

// Sunday 2 August 2026, noon in Paris: the open month began on a Saturday and has no weekday yet.
const NOW = new Date("2026-08-02T10:00:00Z");
let t: TestDatabase;

before(async () => {
  t = await testDatabase();
  await seedDemo(t.db, NOW);
});
after(() => t.close());

test("a month begun on a weekend: the seed's rooms have a conference to allocate, every one ended before now", async () => {
  const { rows } = await t.db.execute<{ number: string; conferences: number; unallocated: number }>(sql`
    select r.number, count(*)::int as conferences, count(*) filter (where c.billing_code is null)::int as unallocated
    from conferences c join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where c.period = '2026-08-01' group by r.number order by r.number`);
  for (const room of ["320026", "332703", "335848"]) assert.ok(rows.find((r) => r.number === room && r.unallocated > 0), room);
  // A day and a half of a typical month's hundred or so conferences: a handful, not dozens.
  assert.ok(rows.reduce((n, r) => n + r.conferences, 0) <= 15, JSON.stringify(rows));
  const { rows: late } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from legs where left_at > ${NOW.toISOString()}`);
  assert.equal(late[0]!.n, 0);
});
