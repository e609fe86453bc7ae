/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named by
 * TEST_PG_URL, or else a new embedded PGlite in a temporary directory, reached over its socket as
 * the app does. Points DATABASE_URL at it, so the app's own data layer (`getDb`) uses it too.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Database } from "./client";
import { openEmbedded } from "./embedded";
import { applyMigrations } from "./migrate";

export type TestDatabase = { db: Database; url: string; kind: "postgres" | "pglite"; close: () => Promise<void> };

export async function testDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_PG_URL;
  let url: string;
  let dispose: () => Promise<void>;
  if (server) {
    const name = `t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    url = server.replace(/\/[^/]*$/, `/${name}`);
    dispose = async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "portal-test-"));
    const embedded = await openEmbedded(dir);
    url = embedded.url;
    dispose = async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  process.env.DATABASE_URL = url;
  const db = createDb(url, 4);
  await applyMigrations(db);
  return {
    db,
    url,
    kind: server ? "postgres" : "pglite",
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
