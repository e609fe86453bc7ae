import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { roomFilter, type Scope } from "@/lib/auth/scope";
import { subtotal } from "@/lib/paging";
import type { Period } from "@/lib/periods";

export type RoomDisplay = "active" | "all";

type RoomUsageRow = {
  number: string;
  cardholder: string;
  autoBillingCode: string | null;
  durationS: number;
  chargeMinor: number;
};

export type RoomUsage = { rows: RoomUsageRow[]; total: { durationS: number; chargeMinor: number } };

/**
 * The account summary table: each room's accumulated time and charge for a period, read from the
 * per-room rollup (one row a room). A room session sees only its room. "active" keeps the rooms
 * with usage in the period. With `slice`, only those lines are read, while `total` and `count`
 * still cover the whole list (the total of all rooms equals the sum of all their lines).
 */
export async function getRoomUsage(scope: Scope, period: Period, display: RoomDisplay, slice?: { offset: number; limit: number }): Promise<RoomUsage & { count: number }> {
  const db = await getDb();
  const inScope = sql`r.account_id = ${scope.accountId} and ${roomFilter(scope, sql`r.id`)}`;
  const joinUsage = sql`${display === "active" ? sql`join` : sql`left join`} room_usage x on x.account_id = r.account_id and x.room_id = r.id and x.period = ${period}`;
  const [lines, totals] = await Promise.all([
    db.execute<{ number: string; cardholder: string; auto_billing_code: string | null; duration_s: string; charge_minor: string }>(sql`
      select r.number, u.display_name as cardholder, r.auto_billing_code,
             coalesce(x.duration_s, 0) as duration_s, coalesce(x.charge_minor, 0) as charge_minor
      from rooms r
      join users u on u.id = r.cardholder_id
      ${joinUsage}
      where ${inScope}
      order by r.number
      ${slice ? sql`limit ${slice.limit} offset ${slice.offset}` : sql``}`),
    slice
      ? db.execute<{ count: number; duration_s: string; charge_minor: string }>(sql`
          select count(*)::int as count, coalesce(sum(x.duration_s), 0) as duration_s, coalesce(sum(x.charge_minor), 0) as charge_minor
          from rooms r ${joinUsage} where ${inScope}`)
      : undefined,
  ]);
  const rows = lines.rows.map((r) => ({
    number: r.number,
    cardholder: r.cardholder,
    autoBillingCode: r.auto_billing_code,
    durationS: Number(r.duration_s),
    chargeMinor: Number(r.charge_minor),
  }));
  const sum = totals?.rows[0];
  const total = sum ? { durationS: Number(sum.duration_s), chargeMinor: Number(sum.charge_minor) } : subtotal(rows);
  return { rows, total, count: sum ? sum.count : rows.length };
}
