import "server-only";
import type { Readable } from "node:stream";
import { getDb } from "@/db/client";
import { authenticateKey, type Principal } from "./api-key";
import { ingest } from "./ingest";

/** The CDR API's key check: the account (or provider) a Bearer key belongs to. */
export async function authenticateIngestKey(authorization: string | null): Promise<Principal | undefined> {
  return authenticateKey(await getDb(), authorization);
}

/** One batch of the CDR API, in one transaction (lib/ingest/ingest.ts). */
export async function ingestBatch(principal: Principal, body: Readable, format: Parameters<typeof ingest>[3], options: Parameters<typeof ingest>[4]) {
  return ingest(await getDb(), principal, body, format, options);
}
