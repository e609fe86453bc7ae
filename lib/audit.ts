import type { Queryable } from "@/db/client";
import { auditEvents } from "@/db/schema";

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

/** Records who did what, with the state before and after; call it inside the change's transaction. */
export async function audit(db: Executor, event: AuditEvent): Promise<void> {
  await db.insert(auditEvents).values({
    accountId: event.accountId ?? null,
    actorUserId: event.actorUserId ?? null,
    actorLabel: event.actorLabel ?? "",
    action: event.action,
    subject: event.subject ?? "",
    before: event.before ?? null,
    after: event.after ?? null,
  });
}
