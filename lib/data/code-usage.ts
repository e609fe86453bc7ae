import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getReadDb } from "@/lib/read-your-writes";
import { rows } from "@/db/rows";
import { roomFilter, type AccountScope, type Scope } from "@/lib/auth/scope";
import type { Period } from "@/lib/periods";

type CodeRoomLine = { number: string; cardholder: string; conferences: number; durationS: number; chargeMinor: number };
export type CodeUsage = { code: string | null; conferences: number; durationS: number; chargeMinor: number; rooms: CodeRoomLine[] };

/** One rollup row: a room's conferences with one code in the period ('' = Unallocated). */
const rollupLine = z.object({ billing_code: z.string(), number: z.string(), cardholder: z.string(), conferences: z.number(), duration_s: z.coerce.number(), charge_minor: z.coerce.number() });

/** Totals per billing code for a period (Unallocated first), each with its rooms, from the rollups. */
export async function getCodeUsage(scope: Scope, period: Period): Promise<{ codes: CodeUsage[]; total: { conferences: number; durationS: number; chargeMinor: number } }> {
  const db = await getReadDb();
  const lines = await rows(db, rollupLine, sql`
    select u.billing_code, r.number, holder.display_name as cardholder, u.conferences, u.duration_s, u.charge_minor
    from usage_rollups u
    join rooms r on r.account_id = u.account_id and r.id = u.room_id
    join users holder on holder.id = r.cardholder_id
    where u.account_id = ${scope.accountId} and u.period = ${period} and ${roomFilter(scope, sql`u.room_id`)}
    order by u.billing_code <> '', lower(u.billing_code), u.billing_code, r.number`);
  const codes: CodeUsage[] = [];
  for (const row of lines) {
    const code = row.billing_code || null;
    let group = codes.at(-1);
    if (!group || group.code !== code) {
      group = { code, conferences: 0, durationS: 0, chargeMinor: 0, rooms: [] };
      codes.push(group);
    }
    const line = { number: row.number, cardholder: row.cardholder, conferences: row.conferences, durationS: row.duration_s, chargeMinor: row.charge_minor };
    group.rooms.push(line);
    group.conferences += line.conferences;
    group.durationS += line.durationS;
    group.chargeMinor += line.chargeMinor;
  }
  const total = codes.reduce((t, c) => ({ conferences: t.conferences + c.conferences, durationS: t.durationS + c.durationS, chargeMinor: t.chargeMinor + c.chargeMinor }), { conferences: 0, durationS: 0, chargeMinor: 0 });
  return { codes, total };
}

const unallocatedRoom = z.object({ number: z.string(), cardholder: z.string(), conferences: z.number(), charge_minor: z.coerce.number() });

/**
 * The rooms with unallocated conferences in a period, with how many and their charge, from the
 * rollups: the clean-up page's room filter and the account summary's "Unallocated" line.
 */
export async function getUnallocatedRooms(scope: AccountScope, period: Period): Promise<{ rooms: { number: string; cardholder: string; conferences: number }[]; conferences: number; chargeMinor: number }> {
  const db = await getReadDb();
  const lines = await rows(db, unallocatedRoom, sql`
    select r.number, holder.display_name as cardholder, u.conferences, u.charge_minor
    from usage_rollups u
    join rooms r on r.account_id = u.account_id and r.id = u.room_id
    join users holder on holder.id = r.cardholder_id
    where u.account_id = ${scope.accountId} and u.period = ${period} and u.billing_code = '' and u.conferences > 0
    order by r.number`);
  return {
    rooms: lines.map((l) => ({ number: l.number, cardholder: l.cardholder, conferences: l.conferences })),
    conferences: lines.reduce((n, l) => n + l.conferences, 0),
    chargeMinor: lines.reduce((n, l) => n + l.charge_minor, 0),
  };
}
