import "server-only";
import type { CleanupQuery } from "@/lib/cleanup";
import { formatRoomNumber } from "@/lib/format";
import { fill } from "@/lib/i18n/messages";
import { conferenceListExport, type Export, type ExportContext } from "./oai";

/** A code's name in a file name: the characters a keypad may have sent besides letters, digits and hyphens become "_". */
const fileSafe = (code: string) => code.replace(/[^A-Za-z0-9-]/g, "_");

/** The conferences of one billing code ("" = Unallocated) across the account's rooms, as "Show the conferences →" lists them. */
export function codeListExport(c: ExportContext, code: string): Export {
  const heading = code ? fill(c.t.codes.codeConferencesTitle, { code }) : c.t.codes.unallocatedConferencesTitle;
  return conferenceListExport(c, { name: code ? `code-${fileSafe(code)}` : "unallocated", heading, lines: [] }, { billingCode: code || null });
}

/** The month-end clean-up's list: the period's unallocated conferences its filter (room, days) matches, the filter written above the lines. */
export function cleanupExport(c: ExportContext, query: CleanupQuery): Export {
  const { room, values, filter } = query;
  const filters = [
    room ? `${c.t.cleanup.room} ${formatRoomNumber(room.number)} — ${room.cardholder}` : c.t.cleanup.allRooms,
    filter.from && `${c.t.cleanup.from} ${values.from}`,
    filter.to && `${c.t.cleanup.to} ${values.to}`,
  ].filter(Boolean);
  const name = room ? `unallocated-${room.number}` : "unallocated";
  return conferenceListExport(c, { name, heading: c.t.cleanup.downloadTitle, lines: [fill(c.t.cleanup.downloadFilter, { filters: filters.join(", ") })] }, filter);
}
