import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { reportSchedules } from "@/db/schema";
import { assertOwner, type AccountScope } from "@/lib/auth/scope";
import { NotFoundError } from "@/lib/errors";

/** The encrypted upload secret of a schedule, for a *Test upload* that keeps the stored one; server only. */
export async function getScheduleSecret(db: Database, scope: AccountScope, id: number): Promise<string> {
  assertOwner(scope, "schedule");
  const [row] = await db.select({ secret: reportSchedules.uploadSecret }).from(reportSchedules).where(and(eq(reportSchedules.accountId, scope.accountId), eq(reportSchedules.id, id), eq(reportSchedules.status, "active")));
  if (!row?.secret) throw new NotFoundError("schedule not found");
  return row.secret;
}
