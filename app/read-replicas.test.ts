import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { createDb, type Database } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { login } from "../scripts/bench/http";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { createDatabase, freePort, startPostgres, startReplica, type TempPostgres } from "../scripts/lib/postgres";

/**
 * Read-your-writes over HTTP, against the production build with a primary and a streaming replica
 * whose replay is paused: an owner's change shows on the page that follows, read from the primary,
 * while a request without that owner's last write still reads the (stale) replica.
 */
const ROOM = "110001";
let primary: TempPostgres & { port: number };
let replica: TempPostgres & { port: number };
let db: Database;
let standby: pg.Client;
let server: RunningServer;
let owner: string;

before(async () => {
  primary = await startPostgres({ settings: { synchronous_commit: "on" } });
  await createDatabase(primary, "portal");
  db = createDb(primary.url("portal"), 2);
  await applyMigrations(db);
  await createAccount(db, { number: "100001", company: "First" });
  await createUser(db, { email: "owner@first.example", name: "Owner", password: "correct horse battery", account: "100001", role: "owner" });
  await createUser(db, { email: "holder@first.example", name: "Holder", password: "correct horse battery", account: "100001" });
  await createRoom(db, { account: "100001", number: ROOM, cardholder: "holder@first.example" });
  replica = await startReplica(primary);
  standby = new pg.Client({ connectionString: replica.url("portal") });
  await standby.connect();
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: primary.url("portal"), env: { WORKER: "0", DATABASE_REPLICA_URL: replica.url("portal") } });
  owner = await login(server.url, { username: "owner@first.example", password: "correct horse battery", number: "100001" });
});

after(async () => {
  await server?.stop();
  await standby?.end();
  await db?.$client.end();
  await replica?.stop();
  await primary?.stop();
});

/** The build's server action id by its exported name. */
function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName: string }> };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === name);
  assert.ok(found, `the build has ${name}`);
  return found[0];
}

const page = async (cookie: string) => (await fetch(`${server.url}/rooms/${ROOM}`, { headers: { cookie } })).text();

test("an owner's new auto billing code shows on the next page while the replica's replay is paused; others read the replica", async () => {
  assert.doesNotMatch(await page(owner), /RYW-1/);
  await standby.query("select pg_wal_replay_pause()");
  try {
    // As React posts the form: its fields under "_1_", the bound room number and the previous state as arguments.
    const body = new FormData();
    body.append("_1_code", "RYW-1");
    body.append("0", JSON.stringify([ROOM, {}, "$K1"]));
    const response = await fetch(`${server.url}/rooms/${ROOM}/auto-code`, { method: "POST", headers: { "next-action": actionId("setRoomAutoCode"), cookie: owner }, body, redirect: "manual" });
    const answer = await response.text();
    assert.equal(response.status, 200);
    const lastWrite = response.headers.getSetCookie().find((c) => c.startsWith("portal-last-write="));
    assert.ok(lastWrite, "the action keeps the write's position");
    assert.match(lastWrite, /HttpOnly/i);
    assert.match(lastWrite, /SameSite=Lax/i);
    assert.match(answer, /RYW-1/, "the page the action renders in its answer shows the code");

    const withWrite = `${owner}; ${lastWrite.split(";")[0]}`;
    const started = performance.now();
    assert.match(await page(withWrite), /RYW-1/, "the next page shows it, read from the primary");
    assert.ok(performance.now() - started < 2_000);
    assert.doesNotMatch(await page(owner), /RYW-1/, "without the owner's last write: the paused replica, a moment behind");
  } finally {
    await standby.query("select pg_wal_replay_resume()");
  }
  // Replay resumed: the replica catches up, and every read shows it.
  for (let i = 0; i < 50 && !/RYW-1/.test(await page(owner)); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(await page(owner), /RYW-1/);
});

test("/healthz lists the replica", async () => {
  const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string; replicas?: { state: string }[] };
  assert.equal(health.status, "ok");
  assert.deepEqual(
    health.replicas?.map((r) => r.state),
    ["up"],
  );
});
