import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { oneRow } from "@/db/rows";

const madeRow = z.object({ made: z.coerce.number() });

/**
 * The legs' monthly partitions of the months kept (12 back) to two months ahead
 * (legs_ensure_partitions, migrations 0021 and 0022), made ahead; how many were missing.
 */
export async function createLegPartitions(db: Database): Promise<number> {
  return (await oneRow(db, madeRow, sql`select legs_ensure_partitions() as made`)).made;
}
