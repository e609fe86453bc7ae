import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { oneRow } from "@/db/rows";
import { accountMembers, accounts, loginAttempts, rooms, userTwoFactor, users } from "@/db/schema";
import { audit } from "@/lib/audit";
import { verifyPassword } from "@/lib/password";
import type { ScopeClaim } from "./scope";
import { spendSecondFactor, type FactorCheck } from "./two-factor";

export const MAX_FAILURES_PER_USERNAME = 10;
const MAX_FAILURES_PER_ADDRESS = 100;
const FAILURE_WINDOW_MINUTES = 15;

export type LoginResult =
  | { ok: true; scope: ScopeClaim; displayName: string }
  | { ok: false; reason: "invalid" }
  /** Username, password and number are right; the user has a second factor and gave no code. */
  | { ok: false; reason: "code-required" }
  /** Username, password and number are right; the code is not (counted as a failure). */
  | { ok: false; reason: "invalid-code" }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };

/** `code`: the second step of a user with TOTP, a 6-digit code or a recovery code. */
export type Credentials = { username: string; password: string; number: string; address: string; code?: string };

const normalizeNumber = (number: string) => number.replace(/\s+/g, "");

/** Recent failures (up to the limit) and the oldest of them: when it leaves the window, the limit is no longer reached. */
const recentFailures = z.object({ failures: z.number(), oldest: z.coerce.date().nullable() });

/**
 * Opens an attempt for a username from an address, counted as a failure until `attemptSucceeded`
 * or `forgetAttempt`; or, after too many failures, the minutes to wait (and nothing is tried).
 * Failures are counted in the database, per username and per address, so the limit holds across
 * server instances.
 */
export async function openAttempt(db: Database, username: string, address: string): Promise<{ lockedMinutes: number } | { attemptId: number }> {
  return db.transaction(async (tx) => {
    // Serialises attempts for one username so concurrent guesses cannot slip past the count.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${"login:" + username}))`);
    const window = sql`now() - make_interval(mins => ${FAILURE_WINDOW_MINUTES})`;
    const since = sql`greatest(${window}, coalesce((select max(at) from login_attempts where username = ${username} and succeeded), '-infinity'))`;
    const byUser = await oneRow(
      tx,
      recentFailures,
      sql`select count(*)::int as failures, min(at) as oldest from (select at from login_attempts where username = ${username} and not succeeded and at > ${since} order by at desc limit ${MAX_FAILURES_PER_USERNAME}) recent`,
    );
    const byAddress = await oneRow(
      tx,
      recentFailures,
      sql`select count(*)::int as failures, min(at) as oldest from (select at from login_attempts where address = ${address} and not succeeded and at > ${window} order by at desc limit ${MAX_FAILURES_PER_ADDRESS}) recent`,
    );
    const blocked = [
      byUser.failures >= MAX_FAILURES_PER_USERNAME ? byUser.oldest : null,
      byAddress.failures >= MAX_FAILURES_PER_ADDRESS ? byAddress.oldest : null,
    ].filter((d): d is Date => d !== null);
    if (blocked.length) {
      const until = Math.max(...blocked.map((d) => d.getTime())) + FAILURE_WINDOW_MINUTES * 60_000;
      await audit(tx, { action: "login.refused", actorLabel: address, subject: username, after: { reason: "too many failures" } });
      return { lockedMinutes: Math.max(1, Math.ceil((until - Date.now()) / 60_000)) };
    }
    // Counted as a failure until proven otherwise, so parallel attempts are all counted.
    const [attempt] = await tx.insert(loginAttempts).values({ username, address, succeeded: false }).returning({ id: loginAttempts.id });
    return { attemptId: attempt!.id };
  });
}

/**
 * An attempt that was neither a failure nor a login: the password step of a user with a second
 * factor, or a right code on the security page. Not counted; and not a success either, which
 * would clear the username's failures (a password alone must not clear failed codes).
 */
export async function forgetAttempt(db: Pick<Database, "delete">, attemptId: number): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.id, attemptId));
}

/**
 * Checks a login. Every wrong value gives the same answer after the same work (a password is
 * always verified, against a dummy hash for an unknown user). A user with a second factor needs
 * a code as well (`code`): without one the answer is "code-required" and no session may start;
 * a wrong one is a failed login like a wrong password. `encryptionKey` opens the TOTP secrets.
 */
export async function login(db: Database, input: Credentials, keys: { encryptionKey?: string } = {}): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase();
  const number = normalizeNumber(input.number);

  const gate = await openAttempt(db, username, input.address);
  if ("lockedMinutes" in gate) return { ok: false, reason: "locked", retryAfterMinutes: gate.lockedMinutes };

  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, status: users.status, displayName: users.displayName, twoFactor: userTwoFactor.userId })
    .from(users)
    .leftJoin(userTwoFactor, eq(userTwoFactor.userId, users.id))
    .where(eq(sql`lower(${users.email})`, username));
  const scope = user && /^\d{6}$/.test(number) ? await scopeFor(db, user.id, number) : undefined;
  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  const failed = (after: Record<string, unknown>) =>
    audit(db, { accountId: scope?.accountId ?? null, actorUserId: user?.id ?? null, actorLabel: input.address, action: "login.failed", subject: username, after: { number, ...after } });

  if (!user || !scope || !passwordOk || user.status !== "active") {
    await failed({});
    return { ok: false, reason: "invalid" };
  }
  let factor: FactorCheck | null = null;
  if (user.twoFactor !== null) {
    if (!input.code?.trim()) {
      await forgetAttempt(db, gate.attemptId);
      return { ok: false, reason: "code-required" };
    }
    if (!keys.encryptionKey) throw new Error("login: a second factor needs the encryption key");
    factor = await spendSecondFactor(db, user.id, input.code.trim(), keys.encryptionKey);
    if (factor === "invalid") {
      await failed({ reason: "second factor" });
      return { ok: false, reason: "invalid-code" };
    }
  }
  await db.transaction(async (tx) => {
    await tx.update(loginAttempts).set({ succeeded: true }).where(eq(loginAttempts.id, gate.attemptId));
    await tx.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, user.id));
    await audit(tx, { accountId: scope.accountId, actorUserId: user.id, actorLabel: input.address, action: "login.succeeded", subject: number, after: factor ? { secondFactor: factor } : null });
  });
  return { ok: true, scope, displayName: user.displayName };
}

/** The scope a user gets with a number: an account they own, or a room they hold. */
async function scopeFor(db: Database, userId: number, number: string): Promise<ScopeClaim | undefined> {
  const [owned] = await db
    .select({ accountId: accounts.id })
    .from(accounts)
    .innerJoin(accountMembers, and(eq(accountMembers.accountId, accounts.id), eq(accountMembers.userId, userId), eq(accountMembers.role, "owner")))
    .where(eq(accounts.number, number));
  if (owned) return { userId, accountId: owned.accountId, roomId: null };
  const [held] = await db
    .select({ accountId: rooms.accountId, roomId: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.number, number), eq(rooms.cardholderId, userId)));
  return held ? { userId, accountId: held.accountId, roomId: held.roomId } : undefined;
}
