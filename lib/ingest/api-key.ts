import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { hashApiKey } from "@/lib/admin/support";

/** Who sends usage: one account's key, or a provider key (account null) valid for every account. */
export type Principal = { accountId: number | null; label: string };

/** The principal of an `Authorization: Bearer <key>` header; undefined for a missing, unknown or revoked key. */
export async function authenticateKey(db: Database, authorization: string | null): Promise<Principal | undefined> {
  const key = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!key) return undefined;
  const [row] = await db
    .select({ accountId: apiKeys.accountId, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row && { accountId: row.accountId, label: `ingest key ${row.prefix}…` };
}
