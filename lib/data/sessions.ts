import "server-only";
import { getDb } from "@/db/client";
import type { Scope } from "@/lib/auth/scope";
import { listSessions, sessionLimits, type SessionListItem } from "@/lib/auth/sessions";

/** The signed-in user's open sessions, the one in use marked `current`. */
export async function listMySessions(scope: Scope, currentId: string): Promise<SessionListItem[]> {
  return listSessions(await getDb(), scope, currentId, sessionLimits());
}
