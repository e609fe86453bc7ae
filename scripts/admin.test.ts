import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";

const exec = promisify(execFile);
let t: TestDatabase;

/** Runs the real CLI in its own process against the test database. */
async function admin(...args: string[]) {
  try {
    const { stdout } = await exec(process.execPath, ["--import", "tsx", path.join("scripts", "admin.ts"), ...args], { env: { ...process.env, DATABASE_URL: t.url } });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

before(async () => {
  t = await testDatabase();
});
after(() => t.close());

test("support creates an account, its owner, a room and a key from the command line", async () => {
  assert.match((await admin("account", "create", "--number", "602199", "--company", "Acme SA")).out, /Account 602199 "Acme SA" created \(EUR, fr-FR, Europe\/Paris\)/);
  const user = await admin("user", "create", "--email", "jane@acme.example", "--name", "Jane Doe", "--account", "602199", "--role", "owner");
  assert.match(user.out, /Password \(shown once\): \S{16}/);
  assert.match((await admin("room", "create", "--account", "602199", "--number", "612345", "--cardholder", "jane@acme.example", "--auto-code", "SALES")).out, /Room 612345 created/);
  const key = await admin("api-key", "create", "--account", "602199");
  assert.match(key.out, /^cpk_[\w-]{32}$/m);
  assert.match((await admin("period", "close", "--account", "602199", "--month", "2020-01")).out, /now Invoiced/);
  const { rows } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from rooms where number = '612345'`);
  assert.equal(rows[0]!.n, 1);
});

test("mistakes get a clear message and a non-zero exit", async () => {
  const taken = await admin("room", "create", "--account", "602199", "--number", "602199", "--cardholder", "jane@acme.example");
  assert.equal(taken.code, 1);
  assert.match(taken.out, /Error: number 602199 is already used by an account or a room/);
  const unknown = await admin("frobnicate");
  assert.equal(unknown.code, 2);
  assert.match(unknown.out, /Unknown command "frobnicate"/);
  const noAccount = await admin("api-key", "create");
  assert.match(noAccount.out, /give --account N, or --provider/);
  const badOption = await admin("account", "create", "--nope");
  assert.equal(badOption.code, 2);
});

test("support reinstates an unsubscribed address; the change is audited", async () => {
  await admin("account", "create", "--number", "602198", "--company", "Mail SA");
  const { rows: accounts } = await t.db.execute<{ id: string }>(sql`select id from accounts where number = '602198'`);
  await t.db.execute(sql`insert into email_unsubscribes (account_id, email) values (${accounts[0]!.id}, 'gone@mail.example')`);
  const done = await admin("email", "reinstate", "--account", "602198", "--email", "Gone@Mail.example");
  assert.equal(done.code, 0);
  assert.match(done.out, /Gone@Mail\.example receives the scheduled reports of account 602198 again/);
  assert.match((await admin("email", "reinstate", "--account", "602198", "--email", "gone@mail.example")).out, /was not unsubscribed/);
  const missing = await admin("email", "reinstate", "--account", "602198");
  assert.equal(missing.code, 1);
  assert.match(missing.out, /give --account N and --email ADDRESS/);
  const { rows } = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from email_unsubscribes where account_id = ${accounts[0]!.id}`);
  assert.equal(rows[0]!.n, 0);
  const { rows: audits } = await t.db.execute<{ subject: string; actor_label: string }>(sql`select subject, actor_label from audit_events where action = 'email.reinstated'`);
  assert.deepEqual(audits, [{ subject: "gone@mail.example", actor_label: "support (cli)" }]);
});
