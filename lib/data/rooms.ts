import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";
import { rooms, users } from "@/db/schema";
import { roomFilter, type Scope } from "@/lib/auth/scope";

export type RoomHeader = { id: number; number: string; cardholder: string; autoBillingCode: string | null };

/** A room of the scope by its number; undefined (→ 404) for a room outside it. */
export async function findRoom(scope: Scope, number: string): Promise<RoomHeader | undefined> {
  if (!/^\d{6}$/.test(number)) return undefined;
  const db = await getReadDb();
  const [room] = await db
    .select({ id: rooms.id, number: rooms.number, cardholder: users.displayName, autoBillingCode: rooms.autoBillingCode })
    .from(rooms)
    .innerJoin(users, eq(users.id, rooms.cardholderId))
    .where(and(eq(rooms.accountId, scope.accountId), eq(rooms.number, number), roomFilter(scope, rooms.id)));
  return room;
}

/** Where a session lands after login. */
export async function homePath(scope: Scope): Promise<string> {
  if (scope.kind === "account") return "/account";
  const db = await getDb();
  const [room] = await db.select({ number: rooms.number }).from(rooms).where(and(eq(rooms.accountId, scope.accountId), eq(rooms.id, scope.roomId)));
  return room ? `/rooms/${room.number}` : "/login";
}
