import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import QueryStream from "pg-query-stream";
import { checkOut, getDb } from "@/db/client";

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

/**
 * Rows of a query read through a server-side cursor, handed over in batches (as they arrive, up
 * to 2,000): a promise per batch, not per row. Stopping early (the client went away: `signal`
 * aborts) closes the cursor and frees the connection.
 */
export async function* cursorBatches<T>(query: SQL, signal?: AbortSignal): AsyncGenerator<T[]> {
  const { client, release } = await checkOut((await getDb()).$client);
  const { sql, params } = dialect.sqlToQuery(query);
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
    // A connection whose query was cut off is not reused.
    release(failed || signal?.aborted);
  }
}
