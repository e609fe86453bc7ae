import "server-only";
import { TZDate } from "@date-fns/tz";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getReadDb } from "@/lib/read-your-writes";
import { oneRow, rows } from "@/db/rows";
import { serviceTypes, type ServiceType } from "@/db/schema";
import { roomFilter, type AccountScope, type Scope } from "@/lib/auth/scope";
import { addMonths, periodBounds, type Period } from "@/lib/periods";

/** A month's seconds and charge for one service type. */
type Figures = { durationS: number; chargeMinor: number };
/** One month of a chart: its total, and the same per service type (every type, zero when unused). */
export type MonthUsage = Figures & { period: Period; byType: Record<ServiceType, Figures> };

/** Months shown by the charts: the current one and the 12 before it. */
export const CHART_MONTHS = 13;

const monthRow = z.object({ period: z.string(), service_type: z.enum(serviceTypes), duration_s: z.coerce.number(), charge_minor: z.coerce.number() });

/** The 13 months ending with `current`, oldest first, each with every service type, from rollup rows. */
function months(current: Period, found: z.output<typeof monthRow>[]): MonthUsage[] {
  return Array.from({ length: CHART_MONTHS }, (_, i) => {
    const period = addMonths(current, i - CHART_MONTHS + 1);
    const byType = Object.fromEntries(serviceTypes.map((type) => [type, { durationS: 0, chargeMinor: 0 }])) as Record<ServiceType, Figures>;
    let durationS = 0;
    let chargeMinor = 0;
    for (const r of found) {
      if (r.period !== period) continue;
      byType[r.service_type] = { durationS: r.duration_s, chargeMinor: r.charge_minor };
      durationS += r.duration_s;
      chargeMinor += r.charge_minor;
    }
    return { period, durationS, chargeMinor, byType };
  });
}

/**
 * The account's 13 months up to `current` per service type, from the account-wide daily rollup
 * (account_service_days, a few thousand rows whatever the number of rooms). Each month equals the
 * account summary's total for that period.
 */
export async function getAccountMonths(scope: AccountScope, current: Period): Promise<MonthUsage[]> {
  const found = await rows(await getReadDb(), monthRow, sql`
    select period::text as period, service_type, sum(duration_s) as duration_s, sum(charge_minor) as charge_minor
    from account_service_days
    where account_id = ${scope.accountId} and period between ${addMonths(current, 1 - CHART_MONTHS)} and ${current}
    group by period, service_type`);
  return months(current, found);
}

/** A room's 13 months up to `current` per service type (room_service_usage); each equals the room page's total. */
export async function getRoomMonths(scope: Scope, roomId: number, current: Period): Promise<MonthUsage[]> {
  const found = await rows(await getReadDb(), monthRow, sql`
    select period::text as period, service_type, duration_s, charge_minor
    from room_service_usage
    where account_id = ${scope.accountId} and room_id = ${roomId} and ${roomFilter(scope, sql`room_id`)}
      and period between ${addMonths(current, 1 - CHART_MONTHS)} and ${current}`);
  return months(current, found);
}

/** A line of a top-10 chart: its share is of `total`, the whole period's charge. */
export type TopLine = { key: string; label: string; durationS: number; chargeMinor: number };
export type Top = { lines: TopLine[]; total: Figures; count: number };

const topRow = z.object({
  key: z.string(),
  label: z.string(),
  duration_s: z.coerce.number(),
  charge_minor: z.coerce.number(),
  total_duration_s: z.coerce.number(),
  total_charge_minor: z.coerce.number(),
  count: z.coerce.number(),
});

function toTop(found: z.output<typeof topRow>[]): Top {
  const first = found[0];
  return {
    lines: found.map((r) => ({ key: r.key, label: r.label, durationS: r.duration_s, chargeMinor: r.charge_minor })),
    total: { durationS: first?.total_duration_s ?? 0, chargeMinor: first?.total_charge_minor ?? 0 },
    count: first?.count ?? 0,
  };
}

const TOP = 10;

/** The period's 10 rooms with the highest charge (room_usage, as the account summary), with the period's total and room count. */
export async function getTopRooms(scope: AccountScope, period: Period): Promise<Top> {
  return toTop(
    await rows(await getReadDb(), topRow, sql`
      select r.number as key, holder.display_name as label, x.duration_s, x.charge_minor,
             sum(x.duration_s) over () as total_duration_s, sum(x.charge_minor) over () as total_charge_minor, count(*) over () as count
      from room_usage x
      join rooms r on r.account_id = x.account_id and r.id = x.room_id
      join users holder on holder.id = r.cardholder_id
      where x.account_id = ${scope.accountId} and x.period = ${period}
      order by x.charge_minor desc, x.duration_s desc, r.number
      limit ${TOP}`),
  );
}

/**
 * The period's 10 billing codes ('' = Unallocated) with the highest charge (usage_rollups, as the
 * by-code view), of the account or of one room.
 */
export async function getTopCodes(scope: Scope, period: Period, roomId?: number): Promise<Top> {
  return toTop(
    await rows(await getReadDb(), topRow, sql`
      select billing_code as key, billing_code as label, duration_s, charge_minor,
             sum(duration_s) over () as total_duration_s, sum(charge_minor) over () as total_charge_minor, count(*) over () as count
      from (
        select billing_code, sum(duration_s) as duration_s, sum(charge_minor) as charge_minor
        from usage_rollups
        where account_id = ${scope.accountId} and period = ${period} and ${roomFilter(scope, sql`room_id`)}
          ${roomId === undefined ? sql`` : sql`and room_id = ${roomId}`}
        group by billing_code
      ) c
      order by charge_minor desc, duration_s desc, billing_code
      limit ${TOP}`),
  );
}

/**
 * The current month's charge so far beside the previous month's over the same days (1 to today's
 * day in the account's time zone, whole days; the whole month when it is shorter), and the
 * previous month's whole charge.
 */
export type MonthToDate = { day: number; current: number; previous: number; previousWhole: number; elapsed: number };

const mtdRow = z.object({ current: z.coerce.number(), previous: z.coerce.number(), previous_whole: z.coerce.number() });

/** How far into its month `now` is (0–1) and its day of the month, in the account's time zone. */
function monthProgress(current: Period, timeZone: string, now: Date): { day: number; elapsed: number } {
  const { start, end } = periodBounds(current, timeZone);
  const elapsed = Math.min(1, Math.max(0, (now.getTime() - start.getTime()) / (end.getTime() - start.getTime())));
  return { day: new TZDate(now.getTime(), timeZone).getDate(), elapsed };
}

/** Month to date for the whole account, from account_service_days. */
export async function getAccountMonthToDate(scope: AccountScope, current: Period, timeZone: string, now = new Date()): Promise<MonthToDate> {
  const { day, elapsed } = monthProgress(current, timeZone, now);
  const previous = addMonths(current, -1);
  const r = await oneRow(await getReadDb(), mtdRow, sql`
    select coalesce(sum(charge_minor) filter (where period = ${current}), 0) as current,
           coalesce(sum(charge_minor) filter (where period = ${previous} and extract(day from day) <= ${day}), 0) as previous,
           coalesce(sum(charge_minor) filter (where period = ${previous}), 0) as previous_whole
    from account_service_days
    where account_id = ${scope.accountId} and period in (${current}, ${previous})`);
  return { day, elapsed, current: r.current, previous: r.previous, previousWhole: r.previous_whole };
}

/** Month to date for one room, from its conferences (a room's month is a few hundred at most). */
export async function getRoomMonthToDate(scope: Scope, roomId: number, current: Period, timeZone: string, now = new Date()): Promise<MonthToDate> {
  const { day, elapsed } = monthProgress(current, timeZone, now);
  const previous = addMonths(current, -1);
  // The previous month's days 1 to `day`: up to the local midnight starting its day `day + 1` (or its end).
  const [y, m] = previous.split("-").map(Number) as [number, number];
  const cutoff = new Date(Math.min(periodBounds(previous, timeZone).end.getTime(), new TZDate(y, m - 1, day + 1, timeZone).getTime()));
  const r = await oneRow(await getReadDb(), mtdRow, sql`
    select coalesce(sum(charge_minor) filter (where period = ${current}), 0) as current,
           coalesce(sum(charge_minor) filter (where period = ${previous} and started_at < ${cutoff.toISOString()}), 0) as previous,
           coalesce(sum(charge_minor) filter (where period = ${previous}), 0) as previous_whole
    from conferences
    where account_id = ${scope.accountId} and room_id = ${roomId} and ${roomFilter(scope, sql`room_id`)} and period in (${current}, ${previous})`);
  return { day, elapsed, current: r.current, previous: r.previous, previousWhole: r.previous_whole };
}

export type AccountChartData = { months: MonthUsage[]; monthToDate: MonthToDate; topRooms: Top; topCodes: Top };
export type RoomChartData = { months: MonthUsage[]; monthToDate: MonthToDate; topCodes: Top };

/** Everything the account summary's charts show: 13 months up to the current one, its month to date, the selected period's tops. */
export async function getAccountCharts(scope: AccountScope, current: Period, period: Period, timeZone: string): Promise<AccountChartData> {
  const [months, monthToDate, topRooms, topCodes] = await Promise.all([
    getAccountMonths(scope, current),
    getAccountMonthToDate(scope, current, timeZone),
    getTopRooms(scope, period),
    getTopCodes(scope, period),
  ]);
  return { months, monthToDate, topRooms, topCodes };
}

/** Everything a room page's charts show. */
export async function getRoomCharts(scope: Scope, roomId: number, current: Period, period: Period, timeZone: string): Promise<RoomChartData> {
  const [months, monthToDate, topCodes] = await Promise.all([
    getRoomMonths(scope, roomId, current),
    getRoomMonthToDate(scope, roomId, current, timeZone),
    getTopCodes(scope, period, roomId),
  ]);
  return { months, monthToDate, topCodes };
}
