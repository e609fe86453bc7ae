import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { QueryResultRow } from "pg";
import { getDb } from "@/db/client";

const dialect = new PgDialect();
/** Rows fetched from PostgreSQL at a time, and handed over at a time. */
const BATCH_ROWS = 2000;

export type CursorOptions = {
  /** Names the cursor, as `fetch … from <name>` shows it in pg_stat_activity. */
  name: string;
  /**
   * What PostgreSQL plans the query for. "first rows" (a declared cursor's default): a plan that
   * hands over lines at once, such as an index scan in the lines' order, so the file is written
   * while they are read — a sort must finish before the first line (3.8 s of the toll-free
   * report's 816,000 lines, the writer idle meanwhile). "all rows": the cheapest plan in total,
   * for a query whose fast-start plan would read far more than its lines (the statement's month
   * through the account's index by start).
   */
  plannedFor: "first rows" | "all rows";
  /** Stops reading (the client went away): the connection is closed, which ends the query. */
  signal?: AbortSignal;
};

/**
 * Rows of a query read through a server-side cursor (DECLARE … CURSOR in a transaction of its
 * own), handed over in batches of up to 2,000: the next batch is fetched while the caller works
 * on this one. Stopping early (the caller stops iterating, or `signal` aborts) closes the
 * connection, and with it the cursor and the query.
 */
export async function* cursorBatches<T extends QueryResultRow>(query: SQL, options: CursorOptions): AsyncGenerator<T[]> {
  const { name, plannedFor, signal } = options;
  const pool = (await getDb()).$client;
  const client = await pool.connect();
  // A connection lost mid-query (the server cut it) fails that query; it must not crash the process.
  client.on("error", () => {});
  let released = false;
  const release = (destroy: boolean) => {
    if (!released) client.release(destroy || undefined);
    released = true;
  };
  // A fetch may wait for the server (the first one waits for any sort): aborting closes the connection at once.
  const stop = () => release(true);
  signal?.addEventListener("abort", stop);
  let pending: Promise<unknown> | undefined;
  let finished = false;
  try {
    signal?.throwIfAborted();
    const { sql, params } = dialect.sqlToQuery(query);
    await client.query("begin read only");
    if (plannedFor === "all rows") await client.query("set local cursor_tuple_fraction = 1");
    await client.query(`declare ${name} no scroll cursor for ${sql}`, params);
    const fetch = () => client.query<T>(`fetch ${BATCH_ROWS} from ${name}`);
    let next = fetch();
    pending = next;
    for (;;) {
      let rows: T[];
      try {
        ({ rows } = await next);
      } catch (error) {
        // The connection closed by an abort fails the fetch under way: that is the stop asked for.
        if (signal?.aborted) break;
        throw error;
      }
      if (!rows.length || signal?.aborted) break;
      next = fetch();
      pending = next;
      yield rows;
    }
    pending = undefined;
    if (!signal?.aborted) {
      await client.query("commit");
      finished = true;
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    // Stopped early: the fetch under way fails with the closed connection, which nobody awaits.
    pending?.catch(() => {});
    release(!finished);
  }
}
