import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { Scope } from "@/lib/auth/login";
import type { Period } from "@/lib/periods";

export type RoomDisplay = "active" | "all";

export type RoomUsageRow = {
  number: string;
  cardholder: string;
  autoBillingCode: string | null;
  durationS: number;
  chargeMinor: number;
};

export type RoomUsage = { rows: RoomUsageRow[]; total: { durationS: number; chargeMinor: number } };

/**
 * The account summary table: each room's accumulated time and charge for a period, read from the
 * per-room rollup (one row a room). A room session sees only its room. "active" keeps the rooms with usage in the period.
 */
export async function getRoomUsage(scope: Scope, period: Period, display: RoomDisplay): Promise<RoomUsage> {
  const db = await getDb();
  const result = await db.execute<{ number: string; cardholder: string; auto_billing_code: string | null; duration_s: string; charge_minor: string }>(sql`
    select r.number, u.display_name as cardholder, r.auto_billing_code,
           coalesce(x.duration_s, 0) as duration_s, coalesce(x.charge_minor, 0) as charge_minor
    from rooms r
    join users u on u.id = r.cardholder_id
    ${display === "active" ? sql`join` : sql`left join`} room_usage x on x.account_id = r.account_id and x.room_id = r.id and x.period = ${period}
    where r.account_id = ${scope.accountId} ${scope.roomId ? sql`and r.id = ${scope.roomId}` : sql``}
    order by r.number`);
  const rows = result.rows.map((r) => ({
    number: r.number,
    cardholder: r.cardholder,
    autoBillingCode: r.auto_billing_code,
    durationS: Number(r.duration_s),
    chargeMinor: Number(r.charge_minor),
  }));
  // The total is the sum of the lines shown, so it always adds up.
  const total = rows.reduce((t, r) => ({ durationS: t.durationS + r.durationS, chargeMinor: t.chargeMinor + r.chargeMinor }), { durationS: 0, chargeMinor: 0 });
  return { rows, total };
}
