import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";
import { usageApiKeys } from "@/db/schema";
import { audit } from "@/lib/audit";
import { assertOwner, type AccountScope } from "@/lib/auth/scope";
import { NotFoundError } from "@/lib/errors";

/**
 * The usage API's read-only keys: an owner makes them (the secret is shown once), lists them with
 * when each was last used, and revokes them. A key reads as `cpr_<account id>_<43 characters>`: 256
 * random bits, and the account, so that a request is looked up within one account's keys.
 */
const KEY_PATTERN = /^cpr_(\d{1,15})_([A-Za-z0-9_-]{43})$/;
const hashUsageKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** A key as the presented `Authorization: Bearer` value reads: its account and hash; undefined when it cannot be one. */
export function parseUsageKey(authorization: string | null): { accountId: number; hash: string } | undefined {
  const key = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const match = key ? KEY_PATTERN.exec(key) : null;
  return match ? { accountId: Number(match[1]), hash: hashUsageKey(key!) } : undefined;
}

export type ApiKeyListItem = { id: number; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

/** The account's keys, newest first, revoked ones included (with when). */
export async function listApiKeys(scope: AccountScope): Promise<ApiKeyListItem[]> {
  assertOwner(scope, "API keys");
  const db = await getReadDb();
  return db
    .select({ id: usageApiKeys.id, name: usageApiKeys.name, prefix: usageApiKeys.prefix, createdAt: usageApiKeys.createdAt, lastUsedAt: usageApiKeys.lastUsedAt, revokedAt: usageApiKeys.revokedAt })
    .from(usageApiKeys)
    .where(eq(usageApiKeys.accountId, scope.accountId))
    .orderBy(desc(usageApiKeys.createdAt), desc(usageApiKeys.id));
}

/** Makes a key named `name`; the key itself is returned this once, only its hash is kept. */
export async function createApiKey(scope: AccountScope, name: string): Promise<{ id: number; key: string; prefix: string }> {
  assertOwner(scope, "API keys");
  const secret = randomBytes(32).toString("base64url");
  const key = `cpr_${scope.accountId}_${secret}`;
  // What the owner sees afterwards: the account part and 6 characters of the secret (which may itself hold "_").
  const prefix = `cpr_${scope.accountId}_${secret.slice(0, 6)}`;
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(usageApiKeys).values({ accountId: scope.accountId, name, prefix, hash: hashUsageKey(key), createdBy: scope.userId }).returning({ id: usageApiKeys.id });
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "usage-api-key.created", subject: prefix, after: { id: row!.id, name } });
    return { id: row!.id, key, prefix };
  });
}

/** Revokes one of the account's keys: its next request is refused. Not found outside the account or when already revoked. */
export async function revokeApiKey(scope: AccountScope, id: number): Promise<{ name: string; prefix: string }> {
  assertOwner(scope, "API keys");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(usageApiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(usageApiKeys.accountId, scope.accountId), eq(usageApiKeys.id, id), isNull(usageApiKeys.revokedAt)))
      .returning({ name: usageApiKeys.name, prefix: usageApiKeys.prefix });
    if (!row) throw new NotFoundError("API key not found");
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "usage-api-key.revoked", subject: row.prefix, before: { id, name: row.name } });
    return row;
  });
}
