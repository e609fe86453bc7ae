import "server-only";
import { z } from "zod";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { replicaHealth, type ReplicaHealth } from "@/db/replicas";
import { oneRow } from "@/db/rows";

export type Health = { status: "ok" | "failing"; database: "ok" | "unreachable"; queue: "ok" | "not installed" | "unreachable"; lateJobs?: number; replicas?: ReplicaHealth[] };

const CHECK_TIMEOUT_MS = 2_000;
/** A job this long past its start time is late: no worker is taking jobs. */
const LATE_AFTER = "5 minutes";

const installedRow = z.object({ installed: z.boolean() });
const lateRow = z.object({ late: z.number() });

/**
 * What /healthz reports: the database answers (else "failing"), and the job queue (pg-boss's
 * tables) is there, with the number of jobs waiting longer than five minutes (a sign that no
 * worker runs); with read replicas, each one's state (up, lagging or down), which never fails the
 * check: reads go to the primary when no replica can take them. Each check is bounded, so a load
 * balancer's probe never hangs.
 */
export async function checkHealth(): Promise<Health> {
  const [primary, replicas] = await Promise.all([checkPrimary(), bounded(replicaHealth()).catch(() => undefined)]);
  return replicas?.length ? { ...primary, replicas } : primary;
}

const bounded = <T>(work: Promise<T>) => Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS).unref())]);

async function checkPrimary(): Promise<Health> {
  try {
    const db = await bounded(getDb());
    // pgboss.job is named only once it is known to be there: a statement naming a missing table fails as a whole.
    const { installed } = await bounded(oneRow(db, installedRow, sql`select to_regclass('pgboss.job') is not null as installed`));
    // Not yet installed (no worker has started yet): the pages still work, so the server stays in.
    if (!installed) return { status: "ok", database: "ok", queue: "not installed" };
    const { late } = await bounded(oneRow(db, lateRow, sql`select count(*)::int as late from pgboss.job where state in ('created', 'retry') and start_after < now() - ${LATE_AFTER}::interval`));
    return { status: "ok", database: "ok", queue: "ok", lateJobs: late };
  } catch {
    return { status: "failing", database: "unreachable", queue: "unreachable" };
  }
}
