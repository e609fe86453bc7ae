import assert from "node:assert/strict";
import { scopeOf } from "@/lib/auth/scope";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createUser } from "@/lib/admin/support";
import { sshKeyPair } from "@/lib/delivery/testing/servers";
import { decryptSecret } from "@/lib/secrets";
import { createSchedule, getSchedule, listSchedules, updateSchedule } from "@/lib/data/schedules";
import type { ScheduleInput } from "./validate";

let t: TestDatabase;
const key = randomBytes(32).toString("hex");
const password = `Ftp-Password-${randomBytes(6).toString("hex")}`;
const privateKey = sshKeyPair().private;
const keyBody = privateKey.split("\n")[1]!;

before(async () => (t = await testDatabase()));
after(() => t.close());

/** Every row of every table, as text: what a dump of the database would hold. */
async function dumpAll(): Promise<string> {
  const { rows: tables } = await t.db.execute<{ name: string }>(sql`select format('%I.%I', table_schema, table_name) as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`);
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await t.db.execute<{ line: string }>(sql.raw(`select t::text as line from ${name} t`));
    parts.push(`-- ${name}`, ...rows.map((r) => r.line));
  }
  return parts.join("\n");
}

test("upload passwords and private keys are stored encrypted: a dump of the database holds neither", async () => {
  const account = await createAccount(t.db, { number: "650001", company: "Secret SA" });
  const owner = await createUser(t.db, { email: "o@secret.example", name: "O", password: "a long password", account: "650001", role: "owner" });
  const scope = await scopeOf(t.db, { accountId: account.id, userId: owner.id, roomId: null });
  const input: ScheduleInput = { name: "Nightly", reportQuery: "type=usage", frequency: "daily", weekday: null, monthDay: null, timeOfDay: 60, range: "previous-day", rangeFrom: null, rangeTo: null, format: "xlsx", emails: [], upload: { protocol: "ftps", host: "files.example.com", port: 21, directory: "/in", user: "acct", auth: "password" }, secret: password };
  const withPassword = await createSchedule(scope, input, key);
  const withKey = await createSchedule(scope, { ...input, upload: { ...input.upload!, protocol: "sftp", auth: "key", port: 22 }, secret: privateKey }, key);
  // Edited without retyping: the stored secret is kept, still encrypted.
  await updateSchedule(scope, withPassword.id, { ...input, name: "Nightly (edited)", secret: undefined }, key);

  const dump = await dumpAll();
  assert.ok(dump.includes("files.example.com"), "the dump is a real one");
  assert.ok(!dump.includes(password), "no password in clear text");
  assert.ok(!dump.includes(keyBody), "no private key in clear text");

  const { rows } = await t.db.execute<{ id: string; upload_secret: string }>(sql`select id, upload_secret from report_schedules order by id`);
  assert.equal(decryptSecret(key, rows[0]!.upload_secret, `account:${account.id}`), password, "kept through the edit");
  assert.equal(decryptSecret(key, rows[1]!.upload_secret, `account:${account.id}`), `${privateKey}`);
  assert.throws(() => decryptSecret(key, rows[0]!.upload_secret, "account:999"), "bound to its account");

  const { rows: audits } = await t.db.execute<{ action: string; subject: string; after: { secretChanged?: boolean; upload?: unknown } }>(sql`select action, subject, after from audit_events where action like 'schedule.%' order by id`);
  assert.deepEqual(audits.map((a) => [a.action, a.subject]), [["schedule.created", String(withPassword.id)], ["schedule.created", String(withKey.id)], ["schedule.updated", String(withPassword.id)]], "schedule changes are audited");
  assert.equal(audits[2]!.after.secretChanged, false);

  for (const shown of [await getSchedule(scope, withKey.id), ...(await listSchedules(scope))]) {
    assert.ok(!("uploadSecret" in shown), "what pages receive has no secret, not even encrypted");
    assert.equal(shown.hasSecret, true);
  }
});
