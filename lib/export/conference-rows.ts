import "server-only";
import type { Scope } from "@/lib/auth/scope";
import type { Period } from "@/lib/periods";
import { cursorBatches } from "./cursor";
import { statementQuery, type StatementRow } from "./statement-query";

/** Every conference of a period (of one room, or of the whole scope), oldest first, through a cursor, in batches. */
export function statementRows(scope: Scope, period: Period, roomId: number | null, signal?: AbortSignal) {
  return cursorBatches<StatementRow>(statementQuery(scope, period, roomId), signal);
}
