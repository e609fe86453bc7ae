/**
 * Read replicas against a real streaming replica (Debian's PostgreSQL: pg_basebackup, then hot
 * standby): where reads go, read-your-writes with replay paused, a stopped replica skipped, and
 * the session check on the primary.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import pg from "pg";
import { sql } from "drizzle-orm";
import { createDb, getDb, type Database } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { closeReplicas, primaryPosition, readDatabase, readingFromPrimary, replicaHealth, REPLAY_WAIT_MS } from "@/db/replicas";
import { createAccount, createUser } from "@/lib/admin/support";
import { checkSession, endSession, sessionLimits, startSession } from "@/lib/auth/sessions";
import { createDatabase, startPostgres, startReplica, type TempPostgres } from "../scripts/lib/postgres";

let primary: TempPostgres & { port: number };
let replica: (TempPostgres & { port: number }) | undefined;
let setup: Database;
let standby: pg.Client;
const saved = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_REPLICA_URL: process.env.DATABASE_REPLICA_URL };

before(async () => {
  // Commits flushed at once, as in production: a write's position reaches the replica without the WAL writer's delay.
  primary = await startPostgres({ settings: { synchronous_commit: "on" } });
  await createDatabase(primary, "portal");
  setup = createDb(primary.url("portal"), 2);
  await applyMigrations(setup);
  await setup.execute(sql`create table probe (id int primary key)`);
  replica = await startReplica(primary);
  standby = new pg.Client({ connectionString: replica.url("portal") });
  await standby.connect();
  process.env.DATABASE_URL = primary.url("portal");
  process.env.DATABASE_REPLICA_URL = replica.url("portal");
});

after(async () => {
  await standby.end().catch(() => {});
  await closeReplicas();
  await (await getDb()).$client.end();
  await setup.$client.end();
  await replica?.stop();
  await primary.stop();
  Object.assign(process.env, saved);
});

/** Whether a database handle's reads are answered by a standby. */
async function onStandby(db: Database): Promise<boolean> {
  const { rows } = await db.execute<{ standby: boolean }>(sql`select pg_is_in_recovery() as standby`);
  return rows[0]!.standby;
}

async function probeSeen(db: Database, id: number): Promise<boolean> {
  const { rows } = await db.execute(sql`select 1 from probe where id = ${id}`);
  return rows.length === 1;
}

/** Waits until the standby has replayed everything the primary has written. */
async function caughtUp(): Promise<void> {
  const target = await primaryPosition();
  for (let i = 0; i < 200; i++) {
    const { rows } = await standby.query<{ ok: boolean }>("select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok", [target]);
    if (rows[0]!.ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the replica did not catch up");
}

test("reads go to the replica once it is caught up; the primary stays the primary, and so do the worker's reads", async () => {
  await caughtUp();
  assert.equal(await onStandby(await readDatabase()), true, "a read without a recent write goes to the replica");
  assert.equal(await onStandby(await getDb()), false);
  assert.equal(await onStandby(await readingFromPrimary(() => readDatabase())), false, "inside readingFromPrimary, the primary");
  assert.deepEqual(
    (await replicaHealth()).map((r) => r.state),
    ["up"],
  );
});

test("a write, then a read with its position: the replica once it has replayed it", async () => {
  await setup.execute(sql`insert into probe values (1)`);
  const lsn = await primaryPosition();
  const db = await readDatabase(lsn);
  assert.equal(await onStandby(db), true, "the replica, which replays within milliseconds");
  assert.equal(await probeSeen(db, 1), true, "and it shows the write");
});

test("replay paused: the read after a write waits the bounded time, then reads the write from the primary", async () => {
  await standby.query("select pg_wal_replay_pause()");
  try {
    await setup.execute(sql`insert into probe values (2)`);
    const lsn = await primaryPosition();
    const started = performance.now();
    const db = await readDatabase(lsn);
    const waited = performance.now() - started;
    assert.equal(await onStandby(db), false, "the primary");
    assert.equal(await probeSeen(db, 2), true);
    assert.ok(waited >= REPLAY_WAIT_MS - 20 && waited < REPLAY_WAIT_MS + 500, `waited ${Math.round(waited)} ms`);
    // Without a write of one's own, the replica (a moment behind) still takes reads.
    assert.equal(await onStandby(await readDatabase()), true);
  } finally {
    await standby.query("select pg_wal_replay_resume()");
  }
});

test("the session check reads the primary: a session ended while replay is paused is refused at once", async () => {
  await createAccount(setup, { number: "100001", company: "First" });
  const owner = await createUser(setup, { email: "owner@first.example", name: "Owner", password: "correct horse battery", account: "100001", role: "owner" });
  const { rows } = await setup.execute<{ id: number }>(sql`select id from accounts where number = '100001'`);
  const id = await startSession(setup, { userId: owner.id, accountId: rows[0]!.id, roomId: null }, { userAgent: "test", address: "127.0.0.1" });
  await caughtUp();
  await standby.query("select pg_wal_replay_pause()");
  try {
    await endSession(setup, id, "logout");
    assert.equal(await checkSession(await getDb(), id, sessionLimits()), null, "ended, on the primary");
    assert.notEqual(await checkSession(await readDatabase(), id, sessionLimits()), null, "the paused replica still has it: the reason sessions are never read there");
  } finally {
    await standby.query("select pg_wal_replay_resume()");
  }
  // The accessor of pages and actions, and the logins, read through getDb, never the read database.
  for (const file of ["lib/auth/session.ts", "lib/auth/options.ts", "lib/auth/login.ts", "lib/usage-api/auth.ts", "lib/ingest/api.ts"]) {
    assert.doesNotMatch(readFileSync(file, "utf8"), /getReadDb|readDatabase|read-your-writes/, file);
  }
});

test("a stopped replica is skipped: the read is answered by the primary, fast, and /healthz says down", async () => {
  await caughtUp();
  assert.equal(await onStandby(await readDatabase()), true);
  await standby.end();
  await replica!.stop();
  replica = undefined;
  const started = performance.now();
  // Chosen while still seen up: the query fails on the replica and is repeated on the primary.
  assert.equal(await probeSeen(await readDatabase(), 1), true);
  // Then marked down: straight to the primary.
  assert.equal(await onStandby(await readDatabase()), false);
  const took = performance.now() - started;
  assert.ok(took < 1_500, `took ${Math.round(took)} ms`);
  assert.deepEqual(
    (await replicaHealth()).map((r) => r.state),
    ["down"],
  );
});
