import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { oneRow } from "@/db/rows";
import type { Period } from "@/lib/periods";

const madeRow = z.object({ made: z.coerce.number() });

/** The legs' partition of a month (legs_YYYY_MM, as legs_create_partitions names it, migration 0021). */
export const legsPartition = (period: Period) => `legs_${period.slice(0, 4)}_${period.slice(5, 7)}`;

const PARTITION_NAME = /^legs_(\d{4})_(\d{2})$/;

/** The month of a legs' partition, from its name; null for any other table. */
export function partitionPeriod(name: string): Period | null {
  const m = PARTITION_NAME.exec(name);
  return m ? `${m[1]}-${m[2]}-01` : null;
}

/**
 * The legs' monthly partitions of the months kept (12 back) to two months ahead
 * (legs_ensure_partitions, migrations 0021 and 0022), made ahead; how many were missing.
 */
export async function createLegPartitions(db: Database): Promise<number> {
  return (await oneRow(db, madeRow, sql`select legs_ensure_partitions() as made`)).made;
}
