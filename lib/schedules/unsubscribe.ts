import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, emailUnsubscribes } from "@/db/schema";
import { audit } from "@/lib/audit";
import { NotFoundError } from "@/lib/errors";
import { sign, verify } from "@/lib/secrets";

/**
 * Unsubscribe tokens name an address and an account and are signed (HMAC with a key derived from
 * ENCRYPTION_KEY): nobody can unsubscribe an address they did not receive a report at. They do not
 * expire, as a recipient may unsubscribe from an old e-mail.
 */
export function unsubscribeToken(key: string, accountId: number, email: string): string {
  const payload = `${accountId}:${email.toLowerCase()}`;
  return `${Buffer.from(payload).toString("base64url")}.${sign(key, "unsubscribe", payload)}`;
}

export function readUnsubscribeToken(key: string, token: string): { accountId: number; email: string } | null {
  const [encoded, signature] = token.split(".");
  if (!encoded || !signature) return null;
  const payload = Buffer.from(encoded, "base64url").toString("utf8");
  if (!verify(key, "unsubscribe", payload, signature)) return null;
  const match = /^(\d+):(.+)$/.exec(payload);
  return match ? { accountId: Number(match[1]), email: match[2]! } : null;
}

export const unsubscribeUrls = (appUrl: string, token: string) => ({ page: `${appUrl}/unsubscribe?t=${token}`, oneClick: `${appUrl}/api/unsubscribe?t=${token}` });

/** Records the unsubscription (idempotent); it applies at once to every schedule of the account. */
export async function unsubscribe(db: Database, accountId: number, email: string): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx.insert(emailUnsubscribes).values({ accountId, email: email.toLowerCase() }).onConflictDoNothing().returning();
    if (inserted.length) await audit(tx, { accountId, actorLabel: email.toLowerCase(), action: "email.unsubscribed", subject: email.toLowerCase() });
  });
}

export async function isUnsubscribed(db: Pick<Database, "select">, accountId: number, email: string): Promise<boolean> {
  const rows = await db.select({ email: emailUnsubscribes.email }).from(emailUnsubscribes).where(and(eq(emailUnsubscribes.accountId, accountId), eq(emailUnsubscribes.email, email.toLowerCase())));
  return rows.length > 0;
}

/** Support's `email reinstate`: the address receives the account's scheduled reports again; audited. */
export async function reinstateEmail(db: Database, input: { account: string; email: string; actor?: string }): Promise<{ reinstated: boolean }> {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.number, input.account.trim()));
  if (!account) throw new NotFoundError(`account ${input.account} not found`);
  return db.transaction(async (tx) => {
    const removed = await tx.delete(emailUnsubscribes).where(and(eq(emailUnsubscribes.accountId, account.id), eq(emailUnsubscribes.email, sql`lower(${input.email.trim()})`))).returning();
    if (removed.length) await audit(tx, { accountId: account.id, actorLabel: input.actor ?? "support (cli)", action: "email.reinstated", subject: removed[0]!.email });
    return { reinstated: removed.length > 0 };
  });
}
