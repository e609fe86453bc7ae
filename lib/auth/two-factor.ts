import { and, count, eq, isNull, lt, not, sql } from "drizzle-orm";
import { generateSecret, generateURI, verify } from "otplib";
import type { Database, Queryable } from "@/db/client";
import { accountMembers, accounts, recoveryCodes, twoFactorEnrolments, userTwoFactor, users } from "@/db/schema";
import { audit } from "@/lib/audit";
import { decryptSecret, encryptSecret } from "@/lib/secrets";
import { hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCodes, recoveryCodeMatches } from "./recovery-codes";
import type { AccountScope, Scope } from "./scope";

/**
 * TOTP second factor (RFC 6238: 6 digits, 30-second steps, SHA-1, as every authenticator app
 * reads it) with single-use recovery codes. A code is accepted one step either side of now (a
 * phone's clock a little off), and a step once used is never accepted again for that user.
 */

/** The name the authenticator app shows above the code. */
const TOTP_ISSUER = "MeetingOne";
/** ±1 step of 30 s. */
const TOLERANCE_S = 30;
/** How long the QR code shown at enrolment may still be confirmed. */
const ENROLMENT_MINUTES = 30;

const secretContext = (userId: number) => `totp:${userId}`;
const epochOf = (now: Date) => Math.floor(now.getTime() / 1000);
const enrolmentFresh = (now: Date) => sql`${twoFactorEnrolments.createdAt} > ${now.toISOString()}::timestamptz - make_interval(mins => ${ENROLMENT_MINUTES})`;

/** A 6-digit code, spaces allowed ("123 456" as some apps show it). */
const isTotpCode = (typed: string) => /^\d{6}$/.test(typed.replace(/\s+/g, ""));

export type Enrolment = { secret: string; uri: string };

/**
 * The secret to show at enrolment, kept per session until confirmed with a code (and at most
 * ENROLMENT_MINUTES): reloading the page shows the same QR code, and a secret nobody confirmed
 * never becomes a factor.
 */
export async function startEnrolment(db: Database, user: { id: number; email: string }, sessionId: string, encryptionKey: string, now = new Date()): Promise<Enrolment> {
  const fresh = encryptSecret(encryptionKey, generateSecret(), secretContext(user.id));
  await db
    .insert(twoFactorEnrolments)
    .values({ sessionId, userId: user.id, secret: fresh, createdAt: now })
    .onConflictDoUpdate({ target: twoFactorEnrolments.sessionId, set: { userId: user.id, secret: fresh, createdAt: now }, setWhere: not(enrolmentFresh(now)) });
  const [row] = await db
    .select({ secret: twoFactorEnrolments.secret })
    .from(twoFactorEnrolments)
    .where(and(eq(twoFactorEnrolments.sessionId, sessionId), eq(twoFactorEnrolments.userId, user.id)));
  if (!row) throw new Error("the enrolment of this session belongs to another user");
  const secret = decryptSecret(encryptionKey, row.secret, secretContext(user.id));
  return { secret, uri: generateURI({ issuer: TOTP_ISSUER, label: user.email, secret }) };
}

/** The 30-second step `code` belongs to (within the tolerance, after `afterStep`), or null. */
async function matchingStep(secret: string, code: string, afterStep: number, now: Date): Promise<number | null> {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({ secret, token, epoch: epochOf(now), epochTolerance: TOLERANCE_S, afterTimeStep: afterStep });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

async function storeRecoveryCodes(tx: Queryable, userId: number, encryptionKey: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId, hash: hashRecoveryCode(encryptionKey, code) })));
  return codes;
}

export type EnrolResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: "invalid-code" | "expired" | "already-enrolled" };

/**
 * Confirms the session's enrolment with a current code from the app: the secret becomes the
 * user's factor, with the step of that code as used, and 10 recovery codes are made. They are
 * returned once, to be shown once; only their hashes are kept.
 */
export async function confirmEnrolment(db: Database, scope: AccountScope, input: { sessionId: string; code: string }, encryptionKey: string, now = new Date()): Promise<EnrolResult> {
  const [pending] = await db
    .select({ secret: twoFactorEnrolments.secret })
    .from(twoFactorEnrolments)
    .where(and(eq(twoFactorEnrolments.sessionId, input.sessionId), eq(twoFactorEnrolments.userId, scope.userId), enrolmentFresh(now)));
  if (!pending) return { ok: false, reason: "expired" };
  const step = await matchingStep(decryptSecret(encryptionKey, pending.secret, secretContext(scope.userId)), input.code, 0, now);
  if (step === null) return { ok: false, reason: "invalid-code" };
  return db.transaction(async (tx) => {
    await tx.delete(twoFactorEnrolments).where(eq(twoFactorEnrolments.userId, scope.userId));
    const inserted = await tx
      .insert(userTwoFactor)
      .values({ userId: scope.userId, secret: pending.secret, lastUsedStep: step })
      .onConflictDoNothing()
      .returning({ userId: userTwoFactor.userId });
    if (!inserted.length) return { ok: false, reason: "already-enrolled" } as const;
    const codes = await storeRecoveryCodes(tx, scope.userId, encryptionKey);
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "two-factor.enrolled", after: { recoveryCodes: codes.length } });
    return { ok: true, recoveryCodes: codes } as const;
  });
}

/** Whether the user has a confirmed second factor. */
export async function isEnrolled(db: Pick<Database, "select">, userId: number): Promise<boolean> {
  const [row] = await db.select({ userId: userTwoFactor.userId }).from(userTwoFactor).where(eq(userTwoFactor.userId, userId));
  return row !== undefined;
}

/** What a second-factor check accepted: a code of the app, a recovery code, or nothing. */
export type FactorCheck = "totp" | "recovery" | "invalid";

/**
 * Checks and uses up a second factor: a 6-digit code of a step later than the last one used (the
 * update only succeeds if no concurrent request used that step first), or one of the user's
 * unused recovery codes, which is then spent.
 */
export async function spendSecondFactor(db: Database, userId: number, code: string, encryptionKey: string, now = new Date()): Promise<FactorCheck> {
  if (isTotpCode(code)) {
    const [row] = await db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, userId));
    if (!row) return "invalid";
    const step = await matchingStep(decryptSecret(encryptionKey, row.secret, secretContext(userId)), code, row.lastUsedStep, now);
    if (step === null) return "invalid";
    const used = await db
      .update(userTwoFactor)
      .set({ lastUsedStep: step })
      .where(and(eq(userTwoFactor.userId, userId), lt(userTwoFactor.lastUsedStep, step)))
      .returning({ userId: userTwoFactor.userId });
    return used.length ? "totp" : "invalid";
  }
  if (!looksLikeRecoveryCode(code) || !(await isEnrolled(db, userId))) return "invalid";
  const unused = await db.select({ id: recoveryCodes.id, hash: recoveryCodes.hash }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  const match = unused.find((r) => recoveryCodeMatches(encryptionKey, r.hash, code));
  if (!match) return "invalid";
  const spent = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.id, match.id), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return spent.length ? "recovery" : "invalid";
}

export type TwoFactorStatus = { enrolled: boolean; enabledAt: Date | null; recoveryCodesLeft: number; required: boolean };

/** Whether an account the user owns has support's requirement of a second factor. */
async function requiredForUser(db: Pick<Database, "select">, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ n: count() })
    .from(accounts)
    .innerJoin(accountMembers, and(eq(accountMembers.accountId, accounts.id), eq(accountMembers.userId, userId), eq(accountMembers.role, "owner")))
    .where(eq(accounts.requireTwoFactor, true));
  return (row?.n ?? 0) > 0;
}

/** The signed-in user's second factor, for the security page. */
export async function twoFactorStatus(db: Database, scope: Scope): Promise<TwoFactorStatus> {
  const [[row], [left], required] = await Promise.all([
    db.select({ enabledAt: userTwoFactor.enabledAt }).from(userTwoFactor).where(eq(userTwoFactor.userId, scope.userId)),
    db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, scope.userId), isNull(recoveryCodes.usedAt))),
    requiredForUser(db, scope.userId),
  ]);
  return { enrolled: row !== undefined, enabledAt: row?.enabledAt ?? null, recoveryCodesLeft: row ? (left?.n ?? 0) : 0, required };
}

/** Removes a user's second factor and recovery codes; true if there was one. */
export async function removeSecondFactor(tx: Queryable, userId: number): Promise<boolean> {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.delete(twoFactorEnrolments).where(eq(twoFactorEnrolments.userId, userId));
  const removed = await tx.delete(userTwoFactor).where(eq(userTwoFactor.userId, userId)).returning({ userId: userTwoFactor.userId });
  return removed.length > 0;
}

export type ChangeResult<T = undefined> = { ok: true; value: T } | { ok: false; reason: "invalid-code" | "required" | "not-enrolled" };

/**
 * The owner turns the second factor off, with a current code (or a recovery code): refused while
 * an account they own requires it.
 */
export async function disableTwoFactor(db: Database, scope: AccountScope, code: string, encryptionKey: string, now = new Date()): Promise<ChangeResult> {
  if (!(await isEnrolled(db, scope.userId))) return { ok: false, reason: "not-enrolled" };
  if (await requiredForUser(db, scope.userId)) return { ok: false, reason: "required" };
  const used = await spendSecondFactor(db, scope.userId, code, encryptionKey, now);
  if (used === "invalid") return { ok: false, reason: "invalid-code" };
  await db.transaction(async (tx) => {
    await removeSecondFactor(tx, scope.userId);
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "two-factor.disabled", after: { with: used } });
  });
  return { ok: true, value: undefined };
}

/** New recovery codes (the old ones stop working), with a current code: returned once, to be shown once. */
export async function replaceRecoveryCodes(db: Database, scope: AccountScope, code: string, encryptionKey: string, now = new Date()): Promise<ChangeResult<string[]>> {
  if (!(await isEnrolled(db, scope.userId))) return { ok: false, reason: "not-enrolled" };
  const used = await spendSecondFactor(db, scope.userId, code, encryptionKey, now);
  if (used === "invalid") return { ok: false, reason: "invalid-code" };
  const codes = await db.transaction(async (tx) => {
    const fresh = await storeRecoveryCodes(tx, scope.userId, encryptionKey);
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "two-factor.recovery-codes-replaced", after: { with: used, recoveryCodes: fresh.length } });
    return fresh;
  });
  return { ok: true, value: codes };
}

/** The e-mail address the app labels the code with. */
export async function userEmail(db: Pick<Database, "select">, userId: number): Promise<string> {
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email ?? "";
}

/** `ABCD EFGH …`: the secret in groups of 4, easier to type into an app by hand. */
export const groupSecret = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");
