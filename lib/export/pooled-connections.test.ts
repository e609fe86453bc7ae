import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { cursorBatches } from "@/lib/export/cursor";
import { ingest } from "@/lib/ingest/ingest";

/**
 * The CDR ingest and the cursor reads of the downloads listen for a connection lost mid-query on
 * the pooled connection they take; the listener must go with the connection back to the pool, or
 * each batch or download leaves one behind on a connection that lives as long as the server.
 */
let t: TestDatabase;
let accountId: number;

before(async () => {
  t = await testDatabase();
  await setTariff(t.db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  accountId = (await createAccount(t.db, { number: "670001", company: "Pool SA" })).id;
  await createUser(t.db, { email: "h@pool.example", name: "H", password: "a long password", account: "670001" });
  await createRoom(t.db, { account: "670001", number: "671001", cardholder: "h@pool.example" });
});
after(() => t.close());

/** The listeners for "error" on the connection a pool hands out next (the last one given back, as no other is in use). */
async function errorListenersOnNextConnection(pool: { connect: () => Promise<{ listenerCount: (event: string) => number; release: () => void }> }) {
  const client = await pool.connect();
  try {
    return client.listenerCount("error");
  } finally {
    client.release();
  }
}

test("twelve ingests in a row leave no listener on the pooled connection", async () => {
  const before = await errorListenersOnNextConnection(t.db.$client);
  for (let i = 0; i < 12; i++) {
    const line = JSON.stringify({ leg_id: `P${i}`, conference_id: `PC${i}`, room_number: "671001", service_type: "toll", started_at: "2026-11-02T09:00:00Z", ended_at: "2026-11-02T09:05:00Z" });
    const result = await ingest(t.db, { accountId, label: "test" }, Readable.from([`${line}\n`]), "ndjson", { now: new Date("2026-11-24T10:00:00Z") });
    assert.ok(result.ok && result.accepted === 1, JSON.stringify(result));
  }
  assert.equal(await errorListenersOnNextConnection(t.db.$client), before);
});

test("twelve cursor reads in a row, one stopped early, leave no listener on the pooled connection", async () => {
  const pool = (await getDb()).$client;
  const before = await errorListenersOnNextConnection(pool);
  for (let i = 0; i < 12; i++) {
    let rows = 0;
    for await (const batch of cursorBatches<{ n: number }>(sql`select generate_series(1, 3000) as n`)) {
      rows += batch.length;
      if (i === 5) break;
    }
    if (i === 5) assert.ok(rows > 0 && rows <= 2000, `${rows} rows before stopping`);
    else assert.equal(rows, 3000);
  }
  assert.equal(await errorListenersOnNextConnection(pool), before);
});
