import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rooms } from "@/db/schema";
import type { Principal } from "./api-key";
import { legSeconds, stagedLeg, type Room, type StagedLeg } from "./leg";
import type { RawRecord } from "./parse";
import { TariffBook } from "./tariff-book";
import { validateRecord, type RowError } from "./validate";

/** What a batch is checked and rated against: the principal's rooms by number, and their accounts' tariffs. */
export type Book = { rooms: Map<string, Room>; tariffs: TariffBook; now: Date; oldest: Date };

/** Legs are accepted up to a year and a day old. */
const OLDEST_MS = 366 * 86_400_000;

/** The principal's rooms and their accounts' tariffs, read once for the batch. */
export async function loadBook(db: Database, principal: Principal, now: Date): Promise<Book> {
  const found = await db
    .select({ number: rooms.number, accountId: rooms.accountId, roomId: rooms.id, product: rooms.product })
    .from(rooms)
    .where(principal.accountId === null ? undefined : eq(rooms.accountId, principal.accountId));
  const byNumber = new Map(found.map(({ number, ...room }) => [number, room]));
  const tariffs = await TariffBook.load(db, [...new Set(found.map((r) => r.accountId))]);
  return { rooms: byNumber, tariffs, now, oldest: new Date(now.getTime() - OLDEST_MS) };
}

/** A record's leg, checked and rated, or its problems. */
export function checkRecord(record: RawRecord, book: Book): { leg: StagedLeg } | { problems: RowError[] } {
  if ("error" in record) return { problems: [{ line: record.line, field: "row", message: record.error }] };
  const checked = validateRecord(record.line, record.values, book.now, book.oldest);
  if ("errors" in checked) return { problems: checked.errors };
  const { cdr } = checked;
  const room = book.rooms.get(cdr.roomNumber);
  // Another account's room reads exactly like an unknown one.
  if (!room) return { problems: [{ line: record.line, field: "room_number", message: "is not a room of this account" }] };
  const durationS = legSeconds(cdr);
  const rated = book.tariffs.rate(room.accountId, cdr.serviceType, cdr.startedMs, durationS);
  if (!rated) return { problems: [{ line: record.line, field: "service_type", message: "has no tariff for this date" }] };
  return { leg: stagedLeg(cdr, room, durationS, rated) };
}
