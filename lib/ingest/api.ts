import "server-only";
import type { Readable } from "node:stream";
import { databaseUrl, getDb } from "@/db/client";
import { queueBudgetChecks } from "@/lib/jobs/queue";
import { authenticateKey, type Principal } from "./api-key";
import { ingest } from "./ingest";

/** The CDR API's key check: the account (or provider) a Bearer key belongs to. */
export async function authenticateIngestKey(authorization: string | null): Promise<Principal | undefined> {
  return authenticateKey(await getDb(), authorization);
}

/**
 * One batch of the CDR API, in one transaction (lib/ingest/ingest.ts); once committed, a budget
 * check for each account that got new usage (its spending alerts go within seconds). A batch sent
 * again adds nothing and queues nothing.
 */
export async function ingestBatch(principal: Principal, body: Readable, format: Parameters<typeof ingest>[3], options: Parameters<typeof ingest>[4]) {
  const result = await ingest(await getDb(), principal, body, format, options);
  if (result.ok && result.accepted > 0) {
    // The usage is stored whatever happens here: a check not queued is made by the next minute tick.
    await queueBudgetChecks(databaseUrl(), result.accounts).catch((error: unknown) => console.error("budget check not queued:", error));
  }
  return result;
}
