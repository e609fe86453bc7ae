import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Pool, type PoolClient } from "pg";
import { configuredDatabaseUrl } from "./env";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema> & { $client: Pool };

type Cache = { db?: Promise<Database> };
const cache = globalThis as typeof globalThis & { __portalDb?: Cache };

/**
 * The database's URL. The commands set DATABASE_URL when they open the embedded database
 * (scripts/lib/database.ts), and `npm start` passes it on to the web server.
 */
export function databaseUrl(): string {
  const url = configuredDatabaseUrl();
  if (!url) throw new Error("DATABASE_URL is not set: start the portal with npm start, which opens the embedded database when it is not set.");
  return url;
}

export function createDb(url: string, max = 10): Database {
  const pool = new Pool({ connectionString: url, max });
  // An idle client's error (the server went away) must not crash the process; the next query reports it.
  pool.on("error", () => {});
  return drizzle(pool, { schema });
}

/**
 * A connection of the pool for a long piece of work (a batch, a cursor read). A connection lost
 * mid-query (the server cut it) fails that query; it must not crash the process, so its error is
 * ignored until `release`, which takes that listener off again (the pool listens once it is back:
 * left on, a pooled connection would gather one a use). `release(true)` or an error closes the
 * connection instead of reusing it; a second call does nothing.
 */
export async function checkOut(pool: Pool): Promise<{ client: PoolClient; release: (discard?: boolean | Error) => void }> {
  const client = await pool.connect();
  const ignore = () => {};
  client.on("error", ignore);
  let released = false;
  return {
    client,
    release(discard) {
      if (released) return;
      released = true;
      client.off("error", ignore).release(discard);
    },
  };
}

/** The process's one database handle, created on first use and cached across hot reloads. */
export function getDb(): Promise<Database> {
  const c = (cache.__portalDb ??= {});
  c.db ??= Promise.resolve().then(() => createDb(databaseUrl()));
  return c.db;
}

export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: for helpers that run inside a caller's transaction. */
export type Queryable = Database | Transaction;
