import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";
import { EmbeddedDatabaseError, openEmbedded } from "./embedded";

/**
 * The embedded PostgreSQL as the commands use it, each in its own process: whichever comes first
 * starts it, the others join, the last one out stops it, and a kill -9 loses no committed row.
 */
const exec = promisify(execFile);
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-embedded-test-"));
  dirs.push(dir);
  return dir;
}

/** The real admin command, on the embedded database of `dir` (no DATABASE_URL). */
async function admin(dir: string, ...args: string[]) {
  const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: "", TEST_PG_URL: "" };
  try {
    const { stdout } = await exec(process.execPath, ["--import", "tsx", path.join("scripts", "admin.ts"), ...args], { env });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** The server's pid from its postmaster.pid, when one runs. */
function serverPid(dir: string): number | undefined {
  const file = path.join(dir, "postgres", "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

test("the admin command starts the embedded server when none runs, and stops it when done", async () => {
  const dir = dataDir();
  const created = await admin(dir, "account", "create", "--number", "602301", "--company", "First SA");
  assert.equal(created.code, 0, created.out);
  assert.match(created.out, /Account 602301 "First SA" created/);
  assert.equal(serverPid(dir), undefined, "no server left running");
  const key = await admin(dir, "api-key", "create", "--account", "602301");
  assert.match(key.out, /^cpk_[\w-]{32}$/m, "the data of the first run is there in the second");
  // Loopback only, with a password: the generated credentials are private to the user.
  const credentials = path.join(dir, "postgres", "portal-credentials.json");
  assert.equal(readFileSync(credentials, "utf8").includes("password"), true);
  const mode = (await import("node:fs")).statSync(credentials).mode & 0o777;
  assert.equal(mode, 0o600);
});

test("while a command holds the server, the admin command joins it and leaves it running; the last one out stops it", async () => {
  const dir = dataDir();
  const holder = await openEmbedded(dir);
  const pid = serverPid(dir);
  assert.ok(pid);
  const [settings] = await query<{ listen: string; autovacuum: string; version: string }>(
    holder.url,
    "select current_setting('listen_addresses') as listen, current_setting('autovacuum') as autovacuum, current_setting('server_version_num') as version",
  );
  assert.deepEqual({ ...settings, version: Number(settings!.version) >= 180000 }, { listen: "127.0.0.1", autovacuum: "on", version: true });
  await assert.rejects(query(holder.url.replace(/:[^:@/]*@/, ":wrong@"), "select 1"), /password authentication failed/);

  assert.equal((await admin(dir, "account", "create", "--number", "602302", "--company", "Second SA")).code, 0);
  assert.equal(serverPid(dir), pid, "the same server still runs for the holder");
  const rows = await query<{ company: string }>(holder.url, "select company_name as company from accounts where number = '602302'");
  assert.deepEqual(rows, [{ company: "Second SA" }]);
  // The URL for pg_dump or psql, printed while the portal runs.
  const printed = await admin(dir, "database", "url");
  assert.equal(printed.out.trim(), holder.url);
  await holder.close();
  assert.equal(serverPid(dir), undefined);
  const stopped = await admin(dir, "database", "url");
  assert.equal(stopped.code, 1);
  assert.match(stopped.out, /Error: the embedded database in .* is not running; start the portal \(npm start\) first/);
});

test("two commands starting together on a new directory make one cluster and share one server", async () => {
  const dir = dataDir();
  const [a, b] = await Promise.all([admin(dir, "account", "create", "--number", "602303", "--company", "A SA"), admin(dir, "account", "create", "--number", "602304", "--company", "B SA")]);
  assert.equal(a.code, 0, a.out);
  assert.equal(b.code, 0, b.out);
  assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith("postgres")), ["postgres"], "no half-made cluster left beside it");
  const holder = await openEmbedded(dir);
  try {
    const rows = await query<{ number: string }>(holder.url, "select number from accounts order by number");
    assert.deepEqual(rows.map((r) => r.number), ["602303", "602304"]);
  } finally {
    await holder.close();
  }
});

test("kill -9 of the command and of the server: the next start recovers and every committed row is there", async () => {
  const dir = dataDir();
  // A command that opens the database, commits 500 rows one transaction at a time, says so, and waits.
  const script = `
    import { openEmbedded } from "./db/embedded.ts";
    import pg from "pg";
    const db = await openEmbedded(process.argv[1]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("create table kept (n int primary key)");
    for (let n = 1; n <= 500; n++) await client.query("insert into kept values ($1)", [n]);
    console.log("committed");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, dir], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 300 && !output.includes("committed"); i++) await sleep(100);
  assert.match(output, /committed/);
  const pid = serverPid(dir)!;
  child.kill("SIGKILL");
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 50 && serverPid(dir); i++) await sleep(100);
  assert.ok(existsSync(path.join(dir, "postgres", "postmaster.pid")), "the killed server left its postmaster.pid behind");

  const reopened = await openEmbedded(dir);
  try {
    assert.notEqual(serverPid(dir), pid);
    const [row] = await query<{ n: number }>(reopened.url, "select count(*)::int as n from kept");
    assert.equal(row!.n, 500);
  } finally {
    await reopened.close();
  }
});

test("a postmaster.pid whose pid now belongs to another program does not stop the start", async () => {
  const dir = dataDir();
  await (await openEmbedded(dir)).close();
  // This test's own parent is alive and is not PostgreSQL: as after a kill -9 and a reboot.
  writeFileSync(path.join(dir, "postgres", "postmaster.pid"), `${process.ppid}\n${path.join(dir, "postgres")}\n0\n5432\n`);
  const reopened = await openEmbedded(dir);
  try {
    assert.deepEqual(await query(reopened.url, "select 1 as one"), [{ one: 1 }]);
  } finally {
    await reopened.close();
  }
});

test("a DATA_DIR of the earlier embedded engine (PGlite) is refused with what to do, and left as it was", async () => {
  const dir = dataDir();
  mkdirSync(path.join(dir, "pgdata"));
  writeFileSync(path.join(dir, "pgdata", "PG_VERSION"), "17\n");
  await assert.rejects(openEmbedded(dir), (e: unknown) => e instanceof EmbeddedDatabaseError && /earlier embedded engine \(PGlite\)/.test(e.message) && /mv .* && npm start/.test(e.message) && /pg_dump/.test(e.message));
  assert.deepEqual(readdirSync(dir), ["pgdata"]);
  const refused = await admin(dir, "api-key", "create", "--account", "1");
  assert.equal(refused.code, 1);
  assert.match(refused.out, /^Error: .*PGlite.*Nothing was changed/m);
});
