import type { Queryable } from "@/db/client";
import { auditEvents, userAuditEvents } from "@/db/schema";

type Executor = Pick<Queryable, "insert">;

export type AuditEvent = {
  accountId?: number | null;
  actorUserId?: number | null;
  actorLabel?: string;
  action: string;
  subject?: string;
  before?: unknown;
  after?: unknown;
};

/**
 * Records who did what, with the state before and after; call it inside the change's transaction.
 * An event of an account goes with the account's data; one of a person alone (support's changes
 * to a user, a refused login) to user_audit_events.
 */
export async function audit(db: Executor, event: AuditEvent): Promise<void> {
  const values = {
    actorUserId: event.actorUserId ?? null,
    actorLabel: event.actorLabel ?? "",
    action: event.action,
    subject: event.subject ?? "",
    before: event.before ?? null,
    after: event.after ?? null,
  };
  if (event.accountId == null) await db.insert(userAuditEvents).values(values);
  else await db.insert(auditEvents).values({ accountId: event.accountId, ...values });
}
