import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { isDatabaseInterruption } from "@/lib/errors";
import { cursorBatches } from "@/lib/export/cursor";

/** A cursor read whose query fails part-way fails too: its rows never just stop as if complete. */
let t: TestDatabase;

before(async () => {
  t = await testDatabase();
});
after(() => t.close());

/** Ends the server sessions running a query that contains `text`; how many there were. */
async function terminate(text: string): Promise<number> {
  const { rows } = await t.db.execute<{ n: number }>(
    sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like ${`%${text}%`}`,
  );
  return rows[0]!.n;
}

/** Reads every batch; the rows read and how it ended, or "hung" after `ms`. */
async function readAll(batches: AsyncGenerator<unknown[]>, onFirst: () => Promise<void>, ms = 10_000) {
  let rows = 0;
  const reading = (async () => {
    for await (const batch of batches) {
      if (!rows) await onFirst();
      rows += batch.length;
    }
    return "ended" as const;
  })().catch((error: unknown) => error as Error);
  const outcome = await Promise.race([reading, sleep(ms, "hung" as const)]);
  return { rows, outcome };
}

test("a cursor whose connection the server cuts mid-read rejects at once, and its connection is not reused", async () => {
  const pool = (await getDb()).$client;
  const { rows, outcome } = await readAll(cursorBatches(sql`select n, 'cut-mid-read' as tag from generate_series(1, 200000) n`), async () => {
    assert.equal(await terminate("cut-mid-read"), 1, "the cursor's session was found");
  });
  assert.ok(outcome instanceof Error, `the read rejected (it ${outcome === "hung" ? "hung" : "ended"} after ${rows} rows)`);
  assert.ok(rows < 200_000, `${rows} rows before the cut`);
  // The cut shows as the server's termination notice, or as EPIPE when the next fetch is written
  // before that notice is read: either way, an interruption of the database.
  assert.ok(isDatabaseInterruption(outcome), `an interruption of the database, not: ${outcome.message}`);
  // The pool hands out working connections afterwards: the cut one was discarded.
  for (let i = 0; i < pool.options.max!; i++) await t.db.execute(sql`select 1`);
  const again = await readAll(cursorBatches<{ n: number }>(sql`select generate_series(1, 3000) as n`), async () => {});
  assert.deepEqual(again, { rows: 3000, outcome: "ended" });
});

test("a cursor whose server session ends before its first rows rejects", async () => {
  const batches = cursorBatches(sql`select n, 'cut-before-rows' as tag from generate_series(1, 10) n, pg_sleep(2)`);
  const first = batches.next().then(
    () => "ended",
    (error: unknown) => error as Error,
  );
  for (let i = 0; i < 50 && !(await terminate("cut-before-rows")); i++) await sleep(20);
  const outcome = await Promise.race([first, sleep(10_000, "hung")]);
  assert.ok(outcome instanceof Error, `the first read rejected (it ${String(outcome)})`);
});
