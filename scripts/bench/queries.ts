/**
 * The account summary's figures two ways: (a) straight from the legs (the ground truth) and (b) from
 * the rollups, with the SQL of lib/data/room-usage.ts (that module is server-only, so its text is
 * repeated here; keep the two in step).
 */
import type { Pool } from "pg";
import { z } from "zod";

export type Display = "active" | "all";

/** Values for $1 (period, first day) and $2 (account id), as drizzle binds them in the page's query; (a) uses the same. */
export const summaryParams = (accountId: number, period: string) => [period, accountId];

/** Each room with its cardholder and its usage from `usage` (rows of room_id, duration_s, charge_minor) joined `on`; with `active`, only the rooms in it. */
function roomsWithUsage(display: Display, usage: string, on: string): string {
  return `
    select r.number, u.display_name as cardholder, r.auto_billing_code,
           coalesce(x.duration_s, 0) as duration_s, coalesce(x.charge_minor, 0) as charge_minor
    from rooms r
    join users u on u.id = r.cardholder_id
    ${display === "active" ? "join" : "left join"} ${usage} x on ${on}
    where r.account_id = $2
    order by r.number`;
}

/** (b) The page's query: each room's usage from the per-room rollup (room_usage). */
export function rollupQuery(display: Display): string {
  return roomsWithUsage(display, "room_usage", "x.account_id = r.account_id and x.room_id = r.id and x.period = $1");
}

/**
 * (a) The same figures computed from the legs of the period's conferences. A conference without
 * legs still makes its room active (as a rollup row would), hence the left join to legs.
 */
export function naiveQuery(display: Display): string {
  const fromLegs = `(
      select c.room_id, coalesce(sum(l.duration_s), 0) as duration_s, coalesce(sum(l.charge_minor), 0) as charge_minor
      from conferences c
      left join legs l on l.account_id = c.account_id and l.period = c.period and l.conference_id = c.id
      where c.account_id = $2 and c.period = $1
      group by c.room_id
    )`;
  return roomsWithUsage(display, fromLegs, "x.room_id = r.id");
}

const summaryRow = z
  .object({ number: z.string(), cardholder: z.string(), auto_billing_code: z.string().nullable(), duration_s: z.coerce.number(), charge_minor: z.coerce.number() })
  .transform((r) => ({ number: r.number, cardholder: r.cardholder, autoBillingCode: r.auto_billing_code, durationS: r.duration_s, chargeMinor: r.charge_minor }));

export type SummaryRow = z.output<typeof summaryRow>;

export async function fetchSummary(pool: Pool, text: string, params: unknown[]): Promise<SummaryRow[]> {
  const { rows } = await pool.query(text, params);
  return z.array(summaryRow).parse(rows);
}

/** The first difference between two summaries, or null when they are identical. */
export function firstDifference(a: SummaryRow[], b: SummaryRow[]): string | null {
  if (a.length !== b.length) return `${a.length} rows vs ${b.length} rows`;
  for (let i = 0; i < a.length; i++) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) return `row ${i + 1}: ${x} vs ${y}`;
  }
  return null;
}

export const totalOf = (rows: SummaryRow[]) =>
  rows.reduce((t, r) => ({ durationS: t.durationS + r.durationS, chargeMinor: t.chargeMinor + r.chargeMinor }), { durationS: 0, chargeMinor: 0 });
