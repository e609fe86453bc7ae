import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import QueryStream from "pg-query-stream";
import { getDb } from "@/db/client";

const dialect = new PgDialect();

/**
 * Rows of a query read through a server-side cursor, a batch at a time. Stopping early (the
 * client went away: `signal` aborts) closes the cursor and frees the connection.
 */
export async function* cursorRows<T>(query: SQL, signal?: AbortSignal): AsyncGenerator<T> {
  const pool = (await getDb()).$client;
  const client = await pool.connect();
  // A connection lost mid-query (the server cut it) fails that query; it must not crash the process.
  client.on("error", () => {});
  const { sql, params } = dialect.sqlToQuery(query);
  const stream = client.query(new QueryStream(sql, params, { batchSize: 2000 }));
  const stop = () => stream.destroy();
  signal?.addEventListener("abort", stop);
  let failed = false;
  try {
    for await (const row of stream) {
      if (signal?.aborted) break;
      yield row as T;
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    stream.destroy();
    // A connection whose query was cut off is not reused.
    client.release(failed || signal?.aborted ? true : undefined);
  }
}
