import { and, eq, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import { accountMembers, rooms, users } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";

declare const checked: unique symbol;
/** Only `checkScope` makes one: a scope is what the database said a user may see, just now. */
type Checked = { readonly [checked]: true };

/** An owner's: the whole account. */
export type AccountScope = Checked & { readonly kind: "account"; readonly userId: number; readonly accountId: number; readonly roomId: null };
/** A room holder's: one room of the account. */
export type RoomScope = Checked & { readonly kind: "room"; readonly userId: number; readonly accountId: number; readonly roomId: number };
/** What a request may see; every function of the data layer takes it first. */
export type Scope = AccountScope | RoomScope;

/** What a session or a schedule claims: a user, an account, and a room or not. */
export type ScopeClaim = { userId: number; accountId: number; roomId: number | null };

/**
 * The one place a scope is made: re-reads the user (active), and their ownership of the account
 * or their holding of the room, from the database. Null when that no longer holds (suspended,
 * removed, the room given to someone else).
 */
export async function checkScope(db: Pick<Database, "select">, claim: ScopeClaim): Promise<{ scope: Scope; displayName: string } | null> {
  const active = and(eq(users.id, claim.userId), eq(users.status, "active"));
  const [row] =
    claim.roomId === null
      ? await db
          .select({ displayName: users.displayName })
          .from(users)
          .innerJoin(accountMembers, and(eq(accountMembers.accountId, claim.accountId), eq(accountMembers.userId, users.id), eq(accountMembers.role, "owner")))
          .where(active)
      : await db
          .select({ displayName: users.displayName })
          .from(users)
          .innerJoin(rooms, and(eq(rooms.accountId, claim.accountId), eq(rooms.id, claim.roomId), eq(rooms.cardholderId, users.id)))
          .where(active);
  if (!row) return null;
  const scope = claim.roomId === null ? { kind: "account", userId: claim.userId, accountId: claim.accountId, roomId: null } : { kind: "room", ...claim };
  return { scope: Object.freeze(scope) as Scope, displayName: row.displayName };
}

/** `checkScope` for code that knows the claim holds (the seed, the tests): throws otherwise. */
export async function scopeOf(db: Pick<Database, "select">, claim: ScopeClaim & { roomId: null }): Promise<AccountScope>;
export async function scopeOf(db: Pick<Database, "select">, claim: ScopeClaim & { roomId: number }): Promise<RoomScope>;
export async function scopeOf(db: Pick<Database, "select">, claim: ScopeClaim): Promise<Scope> {
  const checked = await checkScope(db, claim);
  if (!checked) throw new Error(`user ${claim.userId} has no such scope in account ${claim.accountId}`);
  return checked.scope;
}

/**
 * At the top of owner-only functions, beside their `AccountScope` type: a scope forced past the
 * type (a cast) still gets "not found", as anything outside its reach.
 */
export function assertOwner(scope: Scope, what: string): asserts scope is AccountScope {
  if (scope.kind !== "account") throw new NotFoundError(`${what} not found`);
}

/**
 * The room filter, written once, always beside the account filter: `<room column> = <room>` for
 * a room holder, `true` for an owner. In SQL text (`and ${roomFilter(scope, sql`c.room_id`)}`)
 * and in Drizzle's builder (`and(eq(rooms.accountId, …), roomFilter(scope, rooms.id))`) alike.
 */
export function roomFilter(scope: Scope, roomColumn: SQL | AnyPgColumn): SQL {
  return scope.kind === "room" ? sql`${roomColumn} = ${scope.roomId}` : sql`true`;
}
