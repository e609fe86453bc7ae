import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Pool, type PoolClient } from "pg";
import { loadDatabaseEnv } from "@/lib/env";
import { openEmbedded } from "./embedded";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema> & { $client: Pool };

type Cache = { db?: Promise<Database> };
const cache = globalThis as typeof globalThis & { __portalDb?: Cache };

/** The URL of the configured database: DATABASE_URL, else the embedded one in DATA_DIR. */
export async function databaseUrl(): Promise<{ url: string; close: () => Promise<void> }> {
  const env = loadDatabaseEnv();
  if (env.databaseUrl) return { url: env.databaseUrl, close: async () => {} };
  return openEmbedded(env.dataDir);
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
  c.db ??= databaseUrl().then(({ url }) => createDb(url));
  return c.db;
}

export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: for helpers that run inside a caller's transaction. */
export type Queryable = Database | Transaction;

/** True when the server is PGlite, whose socket cannot carry COPY: bulk writes then go by INSERT. */
export async function isPglite(client: Pick<PoolClient, "query">): Promise<boolean> {
  const { rows } = await client.query<{ version: string }>("select version()");
  return /pglite/i.test(rows[0]?.version ?? "");
}
