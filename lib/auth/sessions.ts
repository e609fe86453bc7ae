import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import { loadSessionEnv } from "@/lib/env";
import type { Database } from "@/db/client";
import { accounts, sessions, userTwoFactor } from "@/db/schema";
import { checkScope, type Scope, type ScopeClaim } from "./scope";

/** How long a session lasts: idle, and in all. */
export type SessionLimits = { idleMinutes: number; maxHours: number };

let limits: SessionLimits | undefined;
/** The settings' session limits, read once: every request checks its session against them. */
export const sessionLimits = (): SessionLimits => (limits ??= loadSessionEnv());

/** Why a session ended, as the sessions page and the audit say it. */
export type EndedBy = "logout" | "user" | "suspended" | "removed" | "password" | "two-factor-reset";

/** last_seen_at is written at most this often: a page load is not a write. */
const TOUCH_EVERY_S = 60;

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export async function startSession(db: Database, claim: ScopeClaim, from: { userAgent: string; address: string }): Promise<string> {
  const [row] = await db
    .insert(sessions)
    .values({ userId: claim.userId, accountId: claim.accountId, roomId: claim.roomId, userAgent: from.userAgent.slice(0, 300), address: from.address.slice(0, 100) })
    .returning({ id: sessions.id });
  return row!.id;
}

/** A checked session; `mustEnrol`: an owner of an account that requires a second factor, without one yet. */
export type CheckedSession = { scope: Scope; displayName: string; sessionId: string; mustEnrol: boolean };

/**
 * The check of every request: the session is open, neither idle too long nor too old, and its
 * user still may see what it was opened for (`checkScope`). Null otherwise. Whether the owner
 * must first enrol a second factor is read in the same query, so support's requirement (and the
 * owner's enrolment) takes effect on the next request.
 */
export async function checkSession(db: Database, id: string, limits: SessionLimits): Promise<CheckedSession | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({
      userId: sessions.userId,
      accountId: sessions.accountId,
      roomId: sessions.roomId,
      stale: sql<boolean>`${sessions.lastSeenAt} < now() - make_interval(secs => ${TOUCH_EVERY_S})`,
      mustEnrol: sql<boolean>`${sessions.roomId} is null and ${accounts.requireTwoFactor} and ${userTwoFactor.userId} is null`,
    })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .leftJoin(userTwoFactor, eq(userTwoFactor.userId, sessions.userId))
    .where(
      and(
        eq(sessions.id, id),
        isNull(sessions.endedAt),
        sql`${sessions.lastSeenAt} > now() - make_interval(mins => ${limits.idleMinutes})`,
        sql`${sessions.createdAt} > now() - make_interval(hours => ${limits.maxHours})`,
      ),
    );
  if (!row) return null;
  const checked = await checkScope(db, row);
  if (!checked) return null;
  if (row.stale) await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, id));
  return { ...checked, sessionId: id, mustEnrol: row.mustEnrol };
}

export async function endSession(db: Database, id: string, by: EndedBy): Promise<void> {
  if (!isUuid(id)) return;
  await db.update(sessions).set({ endedAt: sql`now()`, endedBy: by }).where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
}

/** Ends every open session of a user (suspension, removal, a new password); returns how many. */
export async function endUserSessions(db: Pick<Database, "update">, userId: number, by: EndedBy): Promise<number> {
  const ended = await db
    .update(sessions)
    .set({ endedAt: sql`now()`, endedBy: by })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)))
    .returning({ id: sessions.id });
  return ended.length;
}

export type SessionListItem = { id: string; current: boolean; createdAt: Date; lastSeenAt: Date; userAgent: string; address: string };

/** The user's open sessions, newest first: the one in use is `current`. */
export async function listSessions(db: Database, scope: Scope, currentId: string, limits: SessionLimits): Promise<SessionListItem[]> {
  const rows = await db
    .select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, userAgent: sessions.userAgent, address: sessions.address })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, scope.userId),
        isNull(sessions.endedAt),
        sql`${sessions.lastSeenAt} > now() - make_interval(mins => ${limits.idleMinutes})`,
        sql`${sessions.createdAt} > now() - make_interval(hours => ${limits.maxHours})`,
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map((r) => ({ ...r, current: r.id === currentId }));
}

/**
 * Ends one of the user's other sessions (`id`), or all of them (`id` null); never the one in use.
 * Returns how many ended: 0 for an unknown or foreign id.
 */
export async function endOtherSessions(db: Database, scope: Scope, currentId: string, id: string | null): Promise<number> {
  if (id !== null && !isUuid(id)) return 0;
  const ended = await db
    .update(sessions)
    .set({ endedAt: sql`now()`, endedBy: "user" })
    .where(and(eq(sessions.userId, scope.userId), isNull(sessions.endedAt), ne(sessions.id, currentId), id === null ? undefined : eq(sessions.id, id)))
    .returning({ id: sessions.id });
  return ended.length;
}
