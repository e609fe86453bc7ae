import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import type { Database } from "@/db/client";
import { parseLsn, primaryPosition, readDatabase } from "@/db/replicas";

/**
 * The primary's WAL position after the browser's last write. Short-lived: a replica that is still
 * behind it after a minute is lagging, and skipped anyway. Not a secret, and not trusted for
 * anything but where to read: a forged one can only send its own reads to the primary.
 */
const LAST_WRITE_COOKIE = "portal-last-write";
const LAST_WRITE_SECONDS = 60;

async function lastWriteOfRequest(): Promise<string | undefined> {
  try {
    const value = (await cookies()).get(LAST_WRITE_COOKIE)?.value;
    return parseLsn(value) === undefined ? undefined : value;
  } catch (error) {
    // Outside a request (the worker, a script, a test) there is no cookie; anything else (Next's
    // own signals while it prerenders) goes on.
    if (error instanceof Error && /outside a request scope/.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * The database for a page's, a download's or an API GET's reads: a replica when one is up to date
 * enough, else the primary (db/replicas.ts). After the browser's own write (`rememberWrite`), only a
 * replica that has replayed it: the page shown next shows the write. Chosen once per request.
 */
export const getReadDb = cache(async (): Promise<Database> => readDatabase(await lastWriteOfRequest()));

/**
 * After a user's write has committed (the action wrapper, a route handler that writes): keeps the
 * primary's position in a cookie, so that the next pages read from a replica only once it has
 * replayed the write. Also seen by the page an action re-renders in its own response (Next passes
 * an action's cookies on to that render). Nothing without replicas.
 */
export async function rememberWrite(): Promise<void> {
  // The primary that just took the write and then fails this one read: the write stands, and at
  // worst the next page is a moment old; the action's answer must not turn into a failure.
  const lsn = await primaryPosition().catch(() => undefined);
  if (!lsn) return;
  (await cookies()).set(LAST_WRITE_COOKIE, lsn, { httpOnly: true, sameSite: "lax", path: "/", maxAge: LAST_WRITE_SECONDS });
}
