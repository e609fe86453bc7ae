/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named by
 * TEST_PG_URL (`npm test` starts the embedded PostgreSQL and Debian's for it), or else on an
 * embedded PostgreSQL started in a temporary directory for this file alone. Points DATABASE_URL at
 * it, so the app's own data layer (`getDb`) uses it too.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Database } from "./client";
import { openEmbedded } from "./embedded";
import { applyMigrations } from "./migrate";

export type TestDatabase = { db: Database; url: string; close: () => Promise<void> };

/** A server for one test file when no TEST_PG_URL names one: an embedded PostgreSQL in a temporary directory. */
async function ownServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-test-"));
  const embedded = await openEmbedded(dir, { settings: { fsync: "off" } });
  return {
    url: embedded.url,
    close: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function testDatabase(): Promise<TestDatabase> {
  const own = process.env.TEST_PG_URL ? undefined : await ownServer();
  const server = process.env.TEST_PG_URL ?? own!.url;
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = server.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
  const dispose = async () => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
    await own?.close();
  };
  process.env.DATABASE_URL = url;
  const db = createDb(url, 4);
  await applyMigrations(db);
  return {
    db,
    url,
    close: async () => {
      try {
        await db.$client.end();
        const cached = (globalThis as { __portalDb?: { db?: Promise<Database> } }).__portalDb;
        if (cached?.db) await (await cached.db).$client.end();
      } finally {
        await dispose();
      }
    },
  };
}
