import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase, type TestDatabase } from "./testing";

/**
 * Citus-ready by test (docs/SCALING.md): every table that holds an account's data has
 * `account_id`, and every primary key, unique constraint and foreign key between such tables has
 * it too, so that each can be distributed by `account_id` and each constraint checked on one
 * shard. Read from the catalog of the migrated database, so a new table or constraint is checked
 * the day it is added.
 */
let t: TestDatabase;
before(async () => {
  t = await testDatabase();
});
after(() => t.close());

/** Tables kept whole on every node (Citus reference tables) or belonging to no account. */
const NOT_TENANT = new Map([
  ["accounts", "the tenants themselves: a reference table"],
  ["users", "a person may belong to several accounts: a reference table"],
  ["directory_numbers", "the provider's number directory: a reference table"],
  ["tariffs", "the provider's price list: a reference table"],
  ["access_numbers", "the provider's dial-in numbers: a reference table"],
  ["api_keys", "ingest keys, some the provider's (no account), found by their hash before any account is known: a reference table"],
  ["user_audit_events", "what was done to a person, not to an account"],
  ["login_attempts", "throttling by name and address, before any account is known"],
  ["sessions", "a person's sessions, before an account is chosen"],
  ["user_two_factor", "a person's, not an account's"],
  ["two_factor_enrolments", "a person's, not an account's"],
  ["recovery_codes", "a person's, not an account's"],
  ["__drizzle_migrations", "the schema's own history"],
]);

type Table = { name: string; hasAccount: boolean };
type Constraint = { table: string; name: string; kind: "p" | "u" | "f"; columns: string[]; references: string | null };

test("every tenant table, key, unique constraint and foreign key carries account_id", async () => {
  const tables = (
    await t.db.$client.query<Table>(`
      select c.relname as name, exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'account_id' and not a.attisdropped) as "hasAccount"
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      order by 1`)
  ).rows;
  const constraints = (
    await t.db.$client.query<Constraint>(`
      select c.conrelid::regclass::text as table, c.conname as name, c.contype as kind,
             array(select a.attname from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k order by a.attname)::text[] as columns,
             nullif(c.confrelid, 0)::regclass::text as references
      from pg_constraint c join pg_class r on r.oid = c.conrelid join pg_namespace n on n.oid = r.relnamespace
      where n.nspname = 'public' and c.contype in ('p', 'u', 'f') and not r.relispartition
      order by 1, 2`)
  ).rows;

  const tenant = new Set(tables.filter((x) => !NOT_TENANT.has(x.name)).map((x) => x.name));
  const problems: string[] = [];
  for (const table of tables) if (tenant.has(table.name) && !table.hasAccount) problems.push(`${table.name} has no account_id`);
  for (const c of constraints) {
    if (!tenant.has(c.table)) continue;
    // A foreign key to a reference table (the account itself, a user, a tariff) is checked on every node.
    if (c.kind === "f" && c.references && !tenant.has(c.references)) continue;
    if (!c.columns.includes("account_id")) problems.push(`${c.table}: ${c.name} (${c.columns.join(", ")}) lacks account_id`);
  }
  assert.ok(tenant.size >= 10, `tenant tables found: ${[...tenant].join(", ")}`);
  assert.deepEqual(problems, []);
  // Each table named as not a tenant's exists, so the list cannot hide a table gone or renamed.
  const names = new Set(tables.map((x) => x.name));
  assert.deepEqual([...NOT_TENANT.keys()].filter((n) => !names.has(n) && n !== "__drizzle_migrations"), []);
});
