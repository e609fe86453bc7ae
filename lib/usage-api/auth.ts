import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { rows } from "@/db/rows";
import { parseUsageKey } from "@/lib/data/api-keys";
import { loadUsageApiEnv } from "@/lib/env";
import { checkScope, type AccountScope } from "@/lib/auth/scope";

export type KeyCheck = { ok: true; scope: AccountScope } | { ok: false; status: 401 } | { ok: false; status: 429; retryAfterS: number };

const used = z.object({ created_by: z.coerce.number(), window_used: z.number(), seconds_left: z.coerce.number() });

let limit: number | undefined;

/**
 * The scope of a usage API request's `Authorization: Bearer <key>`: the account's, as its owner who
 * made the key (so a key stops when its maker no longer owns the account). One statement finds the
 * key (by the account written in it and the SHA-256 of the whole key: 256 random bits, so the
 * index lookup's timing tells nothing worth knowing), counts the request in the key's current
 * minute (the rate limit, in the database so that every web server shares it) and moves
 * `last_used_at` when it is a minute old. Unknown, revoked: 401; past the limit: 429 and the
 * seconds until the next minute.
 */
export async function authenticateUsageKey(authorization: string | null): Promise<KeyCheck> {
  const key = parseUsageKey(authorization);
  if (!key) return { ok: false, status: 401 };
  limit ??= loadUsageApiEnv().requestsPerMinute;
  const db = await getDb();
  const [row] = await rows(db, used, sql`
    update usage_api_keys k set
      window_used = case when k.window_start = date_trunc('minute', now()) then k.window_used + 1 else 1 end,
      window_start = date_trunc('minute', now()),
      last_used_at = case when k.last_used_at > now() - interval '1 minute' then k.last_used_at else now() end
    where k.account_id = ${key.accountId} and k.hash = ${key.hash} and k.revoked_at is null
    returning k.created_by, k.window_used, extract(epoch from k.window_start + interval '1 minute' - now()) as seconds_left`);
  if (!row) return { ok: false, status: 401 };
  if (row.window_used > limit) return { ok: false, status: 429, retryAfterS: Math.max(1, Math.ceil(row.seconds_left)) };
  const checked = await checkScope(db, { userId: row.created_by, accountId: key.accountId, roomId: null });
  if (!checked || checked.scope.kind !== "account") return { ok: false, status: 401 };
  return { ok: true, scope: checked.scope };
}
