import "server-only";
import { and, eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { accountMembers, rooms, users } from "@/db/schema";
import type { Scope } from "./login";
import { authOptions } from "./options";

/**
 * The signed-in scope, re-checked against the database on each request so that a suspended user
 * or a room handed to someone else loses access at once. Redirects to the login page otherwise.
 */
export const requireScope = cache(async (): Promise<Scope & { displayName: string }> => {
  const session = await getServerSession(authOptions);
  const scope = session?.scope;
  if (!scope?.userId) redirect("/login");
  const db = await getDb();
  const [row] = scope.roomId
    ? await db
        .select({ displayName: users.displayName })
        .from(users)
        .innerJoin(rooms, and(eq(rooms.accountId, scope.accountId), eq(rooms.id, scope.roomId), eq(rooms.cardholderId, users.id)))
        .where(and(eq(users.id, scope.userId), eq(users.status, "active")))
    : await db
        .select({ displayName: users.displayName })
        .from(users)
        .innerJoin(accountMembers, and(eq(accountMembers.accountId, scope.accountId), eq(accountMembers.userId, users.id), eq(accountMembers.role, "owner")))
        .where(and(eq(users.id, scope.userId), eq(users.status, "active")));
  if (!row) redirect("/login");
  return { ...scope, displayName: row.displayName };
});
