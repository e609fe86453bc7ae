"use server";

import { getDb } from "@/db/client";
import { loadEnv } from "@/lib/env";
import { rememberWrite } from "@/lib/read-your-writes";
import { readUnsubscribeToken, unsubscribe } from "@/lib/schedules/unsubscribe";

/**
 * The unsubscribe page's button. No login: the signed token is the authorization, and it names
 * the one address and account it applies to.
 */
export async function confirmUnsubscribe(token: string): Promise<{ ok: boolean }> {
  if (typeof token !== "string") return { ok: false };
  const target = readUnsubscribeToken(loadEnv().encryptionKey, token);
  if (!target) return { ok: false };
  await unsubscribe(await getDb(), target.accountId, target.email);
  await rememberWrite();
  return { ok: true };
}
