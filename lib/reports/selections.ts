import "server-only";
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getReadDb } from "@/lib/read-your-writes";
import { reportSelections } from "@/db/schema";
import { assertOwner, type AccountScope } from "@/lib/auth/scope";
import { parseReportQuery, PARAM, reportSearchParams } from "./query";

/**
 * Report selections too long for an address, kept per account under a short id (table
 * report_selections). The report builder saves a selection whose address would pass
 * `SAVE_ABOVE_CHARACTERS`; `/reports?s=<id>` (its pages, downloads and schedule link alike) reads
 * it back. Owners only, as reports are; another account's id, or a room session, finds nothing.
 */

/**
 * Addresses up to this length stay as they are: every browser, proxy and log keeps them whole, and
 * they still say what the report is. About 300 ticked cardholders; 1,700 make 10–16 KB.
 */
export const SAVE_ABOVE_CHARACTERS = 2_000;
/** The largest selection kept: 40,000 ids of 12 digits; beyond it the request is refused (413). */
export const MAX_SELECTION_BYTES = 512 * 1024;
/** The short id's shape (96 bits of the SHA-256 of the account and the query, base64url). */
const SELECTION_ID = /^[A-Za-z0-9_-]{16}$/;

const REPORT_PARAMS = new Set<string>(Object.values(PARAM));

/**
 * The report parameters of `params` as stored: a valid report in its canonical form (as /reports
 * writes it: a preset stays a preset, so the saved report moves with the days as its address
 * would), else only the report's own parameters as given, so the page shows what is wrong.
 */
function storedQuery(params: URLSearchParams, now: Date): string {
  const own = new URLSearchParams([...params].filter(([name]) => REPORT_PARAMS.has(name)));
  const parsed = parseReportQuery(own, now);
  return parsed.ok ? reportSearchParams(parsed.query).toString() : own.toString();
}

const selectionId = (accountId: number, query: string) => createHash("sha256").update(`${accountId}\n${query}`).digest("base64url").slice(0, 16);

/** Saves a selection of the account (again: the same row) and returns its short id. */
export async function saveSelection(scope: AccountScope, params: URLSearchParams, now = new Date()): Promise<string> {
  assertOwner(scope, "report");
  const query = storedQuery(params, now);
  const id = selectionId(scope.accountId, query);
  await (await getDb())
    .insert(reportSelections)
    .values({ accountId: scope.accountId, id, query, createdBy: scope.userId })
    .onConflictDoUpdate({ target: [reportSelections.accountId, reportSelections.id], set: { lastUsedAt: sql`now()` } });
  return id;
}

/** The report parameters saved under `id` for the session's account; undefined for an id it does not have. */
async function loadSelection(scope: AccountScope, id: string): Promise<URLSearchParams | undefined> {
  if (scope.kind !== "account" || !SELECTION_ID.test(id)) return undefined;
  const [row] = await (await getReadDb())
    .select({ query: reportSelections.query })
    .from(reportSelections)
    .where(and(eq(reportSelections.accountId, scope.accountId), eq(reportSelections.id, id)));
  return row ? new URLSearchParams(row.query) : undefined;
}

/**
 * A request's report parameters: its own, or with `s=<id>` the saved selection's (any other
 * parameter, such as the page or the format, kept). Undefined when `s` names nothing of the account.
 */
export async function reportParams(scope: AccountScope, params: URLSearchParams): Promise<URLSearchParams | undefined> {
  const id = params.get("s");
  if (id === null) return params;
  const saved = await loadSelection(scope, id);
  if (!saved) return undefined;
  for (const [name, value] of params) if (name !== "s" && !REPORT_PARAMS.has(name)) saved.append(name, value);
  return saved;
}
