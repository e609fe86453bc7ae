import "server-only";
import type { Scope } from "@/lib/auth/scope";
import type { ConferenceFilter } from "@/lib/data/conference-queries";
import type { Period } from "@/lib/periods";
import { cursorBatches } from "./cursor";
import { statementQuery, type StatementRow } from "./statement-query";

/** Every conference of a period (those of a page's filter, or the whole scope's), oldest first, through a cursor, in batches. */
export function statementRows(scope: Scope, period: Period, filter: ConferenceFilter | null, signal?: AbortSignal) {
  return cursorBatches<StatementRow>(statementQuery(scope, period, filter), signal);
}
