import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getReadDb } from "@/lib/read-your-writes";
import { oneRow, rows } from "@/db/rows";
import { roomFilter, type Scope } from "@/lib/auth/scope";
import { subtotal } from "@/lib/paging";
import type { Period } from "@/lib/periods";

export type RoomDisplay = "active" | "all";

const usageLine = z
  .object({ number: z.string(), cardholder: z.string(), auto_billing_code: z.string().nullable(), duration_s: z.coerce.number(), charge_minor: z.coerce.number() })
  .transform((r) => ({ number: r.number, cardholder: r.cardholder, autoBillingCode: r.auto_billing_code, durationS: r.duration_s, chargeMinor: r.charge_minor }));
type RoomUsageRow = z.output<typeof usageLine>;

const usageTotal = z.object({ count: z.number(), duration_s: z.coerce.number(), charge_minor: z.coerce.number() });

export type RoomUsage = { rows: RoomUsageRow[]; total: { durationS: number; chargeMinor: number } };

/**
 * The account summary table: each room's accumulated time and charge for a period, read from the
 * per-room rollup (one row a room). A room session sees only its room. "active" keeps the rooms
 * with usage in the period. With `slice`, only those lines are read, while `total` and `count`
 * still cover the whole list (the total of all rooms equals the sum of all their lines).
 */
export async function getRoomUsage(scope: Scope, period: Period, display: RoomDisplay, slice?: { offset: number; limit: number }): Promise<RoomUsage & { count: number }> {
  const db = await getReadDb();
  const inScope = sql`r.account_id = ${scope.accountId} and ${roomFilter(scope, sql`r.id`)}`;
  const joinUsage = sql`${display === "active" ? sql`join` : sql`left join`} room_usage x on x.account_id = r.account_id and x.room_id = r.id and x.period = ${period}`;
  const [lines, sum] = await Promise.all([
    rows(db, usageLine, sql`
      select r.number, u.display_name as cardholder, r.auto_billing_code,
             coalesce(x.duration_s, 0) as duration_s, coalesce(x.charge_minor, 0) as charge_minor
      from rooms r
      join users u on u.id = r.cardholder_id
      ${joinUsage}
      where ${inScope}
      order by r.number
      ${slice ? sql`limit ${slice.limit} offset ${slice.offset}` : sql``}`),
    slice
      ? oneRow(db, usageTotal, sql`
          select count(*)::int as count, coalesce(sum(x.duration_s), 0) as duration_s, coalesce(sum(x.charge_minor), 0) as charge_minor
          from rooms r ${joinUsage} where ${inScope}`)
      : undefined,
  ]);
  const total = sum ? { durationS: sum.duration_s, chargeMinor: sum.charge_minor } : subtotal(lines);
  return { rows: lines, total, count: sum ? sum.count : lines.length };
}
