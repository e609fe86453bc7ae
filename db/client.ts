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
