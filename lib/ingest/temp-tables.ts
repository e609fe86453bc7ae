import type { PoolClient } from "pg";

/** Column names and types of a temp table. */
export type Columns = readonly (readonly [name: string, type: string])[];

/** A value of a row written by COPY: numbers as integers, text (undefined: null). */
export type Cell = string | number | undefined;

/** A table of the batch, dropped at commit. */
export async function createTempTable(client: PoolClient, table: string, columns: Columns) {
  await client.query(`create temp table ${table} (${columns.map(([name, type]) => `${name} ${type}`).join(", ")}) on commit drop`);
}
