import "server-only";
import { TZDate } from "@date-fns/tz";
import type { AccountScope } from "@/lib/auth/scope";
import type { UnallocatedFilter } from "@/lib/data/conference-queries";
import { findRoom, type RoomHeader } from "@/lib/data/rooms";
import { fill, type Messages } from "@/lib/i18n/messages";
import { periodInSentence, type Period } from "@/lib/periods";

/** The clean-up page's filter as its URL (and the assignment bound to it) writes it. */
export type CleanupParams = { room?: string; from?: string; to?: string };

export type CleanupQuery = {
  filter: UnallocatedFilter;
  room: RoomHeader | undefined;
  /** What the filter fields show: the values given, a wrong day included (with its error). */
  values: { room: string; from: string; to: string };
  errors: { from?: string; to?: string };
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a day of the period starts in the account's zone (`next`: the day after it); undefined for a day outside the period. */
function dayStart(value: string, period: Period, timeZone: string, next = false): Date | undefined {
  const match = DAY.exec(value);
  if (!match || `${match[1]}-${match[2]}-01` !== period) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new TZDate(y, m - 1, d + (next ? 1 : 0), timeZone);
  // 2026-11-31 rolls over to December: not a day of the period.
  if (new TZDate(y, m - 1, d, timeZone).getDate() !== d) return undefined;
  return new Date(start.getTime());
}

/**
 * Reads the clean-up's filter: a room of the account (another's, or an unknown one, is not found:
 * undefined, 404) and days of the period, `to` included. A wrong day is shown with its error and
 * not applied; the page and "select all" read the same values the same way, so they choose the
 * same conferences.
 */
export async function readCleanupFilter(scope: AccountScope, period: Period, timeZone: string, params: CleanupParams, t: Messages, locale: string): Promise<CleanupQuery | undefined> {
  const values = { room: (params.room ?? "").replace(/\s/g, ""), from: params.from ?? "", to: params.to ?? "" };
  const room = values.room ? await findRoom(scope, values.room) : undefined;
  if (values.room && !room) return undefined;
  const errors: CleanupQuery["errors"] = {};
  const outside = fill(t.cleanup.dateOutside, { period: periodInSentence(period, locale) });
  let from = values.from ? dayStart(values.from, period, timeZone) : null;
  let to = values.to ? dayStart(values.to, period, timeZone, true) : null;
  if (from === undefined) errors.from = outside;
  if (to === undefined) errors.to = outside;
  from ??= null;
  to ??= null;
  if (from && to && to <= from) {
    errors.to = t.cleanup.dateOrder;
    to = null;
  }
  return { filter: { unallocated: true, roomId: room?.id ?? null, from, to }, room, values, errors };
}
