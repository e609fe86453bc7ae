import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser, setTariff } from "@/lib/admin/support";

const exec = promisify(execFile);
let t: TestDatabase;
const dir = mkdtempSync(path.join(tmpdir(), "ingest-cli-"));

async function ingestCli(...args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", path.join("scripts", "ingest.ts"), ...args], { env: { ...process.env, DATABASE_URL: t.url } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const HEADER = "leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product";

before(async () => {
  t = await testDatabase();
  await setTariff(t.db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  await createAccount(t.db, { number: "640001", company: "CLI SA" });
  await createUser(t.db, { email: "h@cli.example", name: "H", password: "a long password", account: "640001" });
  await createRoom(t.db, { account: "640001", number: "641111", cardholder: "h@cli.example" });
});
after(() => t.close());

test("a file is ingested with a summary line", async () => {
  const file = path.join(dir, "good.csv");
  writeFileSync(file, [HEADER, "G1,GC1,641111,toll,2026-11-05T10:00:00Z,2026-11-05T10:02:00Z,,,,,", "G2,GC1,641111,toll,2026-11-05T10:00:00Z,2026-11-05T10:00:30Z,,,,,"].join("\n"));
  const run = await ingestCli(file, "--account", "640001");
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /good\.csv: 2 legs stored, 0 duplicates, 0 late \(their month is invoiced\), 0 rejected/);
  const again = await ingestCli(file);
  assert.match(again.out, /0 legs stored, 2 duplicates/);
});

test("bad rows stop the file, or with --skip-invalid go to a rejects file with their reasons", async () => {
  const file = path.join(dir, "mixed.csv");
  writeFileSync(file, [HEADER, "S1,SC1,641111,toll,2026-11-06T10:00:00Z,2026-11-06T10:01:00Z,,,,,", "S2,SC1,641111,fax,2026-11-06T10:00:00Z,2026-11-06T10:01:00Z,,,,,", "S3,SC2,641111,toll,yesterday,2026-11-06T10:01:00Z,,,,,"].join("\n"));
  const refused = await ingestCli(file);
  assert.equal(refused.code, 1);
  assert.match(refused.out, /line 3: service_type must be one of/);
  assert.match(refused.out, /Nothing was stored from .*mixed\.csv: 2 problem\(s\)/);
  const rejects = path.join(dir, "rejects.csv");
  const skipped = await ingestCli(file, "--skip-invalid", rejects);
  assert.equal(skipped.code, 0, skipped.out);
  assert.match(skipped.out, /1 legs stored, 0 duplicates, 0 late .*, 2 rejected \(in .*rejects\.csv\)/);
  const rows = parse(readFileSync(rejects, "utf8"), { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => [r.line, r.field, r.leg_id, r.service_type]), [
    ["3", "service_type", "S2", "fax"],
    ["4", "started_at", "S3", "toll"],
  ]);
  const { rows: stored } = await t.db.execute<{ external_id: string }>(sql`select external_id from legs where external_id like 'S%'`);
  assert.deepEqual(stored.map((r) => r.external_id), ["S1"]);
});

test("late legs are reported", async () => {
  await t.db.execute(sql`insert into billing_periods (account_id, period, status) select id, '2026-10-01', 'invoiced' from accounts where number = '640001'`);
  const file = path.join(dir, "late.ndjson");
  writeFileSync(file, `${JSON.stringify({ leg_id: "LATE", conference_id: "LC", room_number: "641111", service_type: "toll", started_at: "2026-10-30T10:00:00Z", ended_at: "2026-10-30T10:01:00Z" })}\n`);
  const run = await ingestCli(file);
  assert.match(run.out, /1 legs stored, 0 duplicates, 1 late \(their month is invoiced\)/);
});

test("an empty file, a file that is not UTF-8 or a line over 1 MiB: a clear message, nothing stored", async () => {
  const before = (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from legs`)).rows[0]!.n;
  const good = "B1,BC1,641111,toll,2026-11-07T10:00:00Z,2026-11-07T10:01:00Z,,,,,";
  const cases = [
    { name: "empty.csv", body: Buffer.alloc(0), message: /The batch is empty/ },
    { name: "headless.csv", body: Buffer.from(`${good}\n`), message: /Line 1 is not a header row/ },
    { name: "latin1.csv", body: Buffer.concat([Buffer.from(`${HEADER}\n${good}\nB2,BC1,641111,toll,2026-11-07T10:00:00Z,2026-11-07T10:01:00Z,In`), Buffer.from([0xe8]), Buffer.from("s,,,,\n")]), message: /Line 3 is not UTF-8/ },
    { name: "long.ndjson", body: Buffer.from(`${JSON.stringify({ leg_id: "B3", caller_name: "x".repeat(2_000_000) })}\n`), message: /Line 1 is longer than 1 MiB/ },
  ];
  for (const c of cases) {
    const file = path.join(dir, c.name);
    writeFileSync(file, c.body);
    const run = await ingestCli(file);
    assert.equal(run.code, 1, `${c.name}: ${run.out}`);
    assert.match(run.out, c.message, c.name);
    assert.match(run.out, /nothing was stored/i, c.name);
    assert.doesNotMatch(run.out, /\n\s+at /, `${c.name}: no stack trace`);
  }
  assert.equal((await t.db.execute<{ n: number }>(sql`select count(*)::int as n from legs`)).rows[0]!.n, before);
});
