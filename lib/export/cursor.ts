import "server-only";
import type { EventEmitter } from "node:events";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import QueryStream from "pg-query-stream";
import { checkOut } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";

const dialect = new PgDialect();
/** Rows fetched from PostgreSQL at a time, and handed over at a time. */
const BATCH_ROWS = 2000;

/**
 * The cursor under a query stream. Its "error" comes as soon as the query fails; the stream's own
 * comes only once the cursor's portal is closed, which waits for the server's answer: on a
 * connection the server cut (pg_terminate_backend, a restart) that answer never comes, and a read
 * waiting for the stream's error would wait for ever.
 */
const cursorOf = (stream: QueryStream) => stream.cursor as EventEmitter;

/** Resolves when a stream has rows to read, has ended, or has failed. */
function ready(stream: QueryStream): Promise<void> {
  const cursor = cursorOf(stream);
  return new Promise((resolve) => {
    const done = () => {
      stream.off("readable", done).off("end", done).off("close", done).off("error", done);
      cursor.off("error", done);
      resolve();
    };
    stream.on("readable", done).on("end", done).on("close", done).on("error", done);
    cursor.on("error", done);
  });
}

/**
 * Rows of a query read through a server-side cursor, handed over in batches (as they arrive, up
 * to 2,000): a promise per batch, not per row. Stopping early (the client went away: `signal`
 * aborts) closes the cursor, frees the connection and rejects with the signal's reason. A query
 * that fails, at any point, rejects: the rows never just stop as if they were all there.
 */
export async function* cursorBatches<T>(query: SQL, signal?: AbortSignal): AsyncGenerator<T[]> {
  const { client, release } = await checkOut((await getReadDb()).$client);
  const { sql, params } = dialect.sqlToQuery(query);
  const stream = client.query(new QueryStream(sql, params, { batchSize: BATCH_ROWS, highWaterMark: BATCH_ROWS }));
  // Kept from the start: an error between two reads is seen at the next one (and crashes nothing).
  let streamError: Error | undefined;
  const keep = (error: Error) => (streamError ??= error);
  stream.on("error", keep);
  cursorOf(stream).on("error", keep);
  const stop = () => stream.destroy();
  signal?.addEventListener("abort", stop);
  let failed = false;
  try {
    while (!signal?.aborted) {
      const batch: T[] = [];
      for (let row = stream.read() as T | null; row !== null; row = batch.length < BATCH_ROWS ? (stream.read() as T | null) : null) batch.push(row);
      if (streamError) throw streamError;
      if (batch.length) yield batch;
      else if (stream.readableEnded) break;
      // Destroyed before its end and not by the signal: rows are missing.
      else if (stream.destroyed) throw new Error("the query's rows stopped before their end");
      else await ready(stream);
    }
    // A client that went away ends the file here, not as if all its rows had been read (a total
    // row for half the lines).
    signal?.throwIfAborted();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    cursorOf(stream).off("error", keep);
    stream.destroy();
    // A connection whose query was cut off is not reused.
    release(failed || signal?.aborted);
  }
}
