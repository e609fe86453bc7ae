import type { SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "./client";

/**
 * The rows of a raw SQL query, parsed by the zod schema of one row: the one boundary where what
 * PostgreSQL sends becomes a typed row. Through Drizzle's `execute`, bigint, numeric and timestamps
 * arrive as strings (`z.coerce.number()`, `z.coerce.date()`). Queries the Drizzle query builder can
 * write get their row types from the schema instead.
 */
export async function rows<S extends z.ZodType>(db: Pick<Queryable, "execute">, row: S, query: SQL): Promise<z.output<S>[]> {
  const result = await db.execute(query);
  return z.array(row).parse(result.rows);
}

/** The one row of a query that always returns one (an aggregate). */
export async function oneRow<S extends z.ZodType>(db: Pick<Queryable, "execute">, row: S, query: SQL): Promise<z.output<S>> {
  const [first] = await rows(db, row, query);
  if (first === undefined) throw new Error("the query returned no row");
  return first;
}
