import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import QueryStream from "pg-query-stream";
import { getDb } from "@/db/client";

const dialect = new PgDialect();
/** Rows fetched from PostgreSQL at a time, and handed over at a time. */
const BATCH_ROWS = 2000;

/** Resolves when a stream has rows to read, has ended, or has failed. */
function ready(stream: QueryStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("readable", done).off("end", done).off("close", done).off("error", done);
      resolve();
    };
    stream.on("readable", done).on("end", done).on("close", done).on("error", done);
  });
}

export type CursorOptions = {
  /** Stops reading (the client went away). */
  signal?: AbortSignal;
  /**
   * The lines' order is read from an index, not sorted. A cursor is planned for all its rows, and
   * sorting them all may cost less in total, but hands over nothing until it ends: 3.8 s of the
   * toll-free report's 816,000 legs, the writer idle meanwhile. With this, the query is planned
   * without a sort wherever another plan exists (enable_sort off, for this query only). A
   * declared cursor would be planned for its first rows, but its fetches copy every row once more
   * on the server: 6.3–7.3 s against 4.3–4.5 s for the conference history's 901,056 lines.
   */
  indexOrder?: boolean;
};

/**
 * Rows of a query read through a server-side cursor, handed over in batches (as they arrive, up
 * to 2,000): a promise per batch, not per row. Stopping early (the client went away: `signal`
 * aborts) closes the cursor and frees the connection.
 */
export async function* cursorBatches<T>(query: SQL, { signal, indexOrder }: CursorOptions = {}): AsyncGenerator<T[]> {
  const pool = (await getDb()).$client;
  const client = await pool.connect();
  // A connection lost mid-query (the server cut it) fails that query; it must not crash the process.
  client.on("error", () => {});
  const { sql, params } = dialect.sqlToQuery(query);
  if (indexOrder) {
    try {
      await client.query("begin read only");
      await client.query("set local enable_sort = off");
    } catch (error) {
      client.release(true);
      throw error;
    }
  }
  const stream = client.query(new QueryStream(sql, params, { batchSize: BATCH_ROWS, highWaterMark: BATCH_ROWS }));
  // Kept from the start: an error between two reads is seen at the next one (and crashes nothing).
  let streamError: Error | undefined;
  stream.on("error", (error) => (streamError ??= error));
  const stop = () => stream.destroy();
  signal?.addEventListener("abort", stop);
  let failed = false;
  try {
    while (!signal?.aborted) {
      const batch: T[] = [];
      for (let row = stream.read() as T | null; row !== null; row = batch.length < BATCH_ROWS ? (stream.read() as T | null) : null) batch.push(row);
      if (streamError) throw streamError;
      if (batch.length) yield batch;
      else if (stream.readableEnded || stream.destroyed) break;
      else await ready(stream);
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    stream.destroy();
    // A connection whose query was cut off is not reused, nor one left inside the query's transaction.
    let reuse = !failed && !signal?.aborted;
    if (reuse && indexOrder) reuse = stream.readableEnded && (await client.query("commit").then(() => true, () => false));
    client.release(reuse ? undefined : true);
  }
}
