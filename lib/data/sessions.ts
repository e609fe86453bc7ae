import "server-only";
import { getDb } from "@/db/client";
import type { Scope } from "@/lib/auth/scope";
import { listSessions, type SessionListItem } from "@/lib/auth/sessions";
import { loadSessionEnv } from "@/lib/env";

/** The signed-in user's open sessions, the one in use marked `current`. */
export async function listMySessions(scope: Scope, currentId: string): Promise<SessionListItem[]> {
  return listSessions(await getDb(), scope, currentId, loadSessionEnv());
}
