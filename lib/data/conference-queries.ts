/**
 * The SQL of the drill-down pages (a room's or a billing code's conferences, a conference's
 * participants), apart from lib/data/conferences.ts because the drill-down benchmark runs the very
 * same statements outside Next: this module is not server-only.
 */
import { sql, type SQL } from "drizzle-orm";
import { roomFilter, type Scope } from "@/lib/auth/scope";
import type { Period } from "@/lib/periods";

/**
 * The month-end clean-up's list: a period's unallocated conferences, of one room or of all, started
 * from `from` (included) to `to` (excluded) when given.
 */
export type UnallocatedFilter = { unallocated: true; roomId: number | null; from: Date | null; to: Date | null };

/** Which conferences of a period: one room's, those with one billing code (null = Unallocated) across rooms, or the clean-up's. */
export type ConferenceFilter = { roomId: number } | { billingCode: string | null } | UnallocatedFilter;

const unallocatedOf = (filter: UnallocatedFilter) =>
  sql`and c.billing_code is null ${filter.roomId === null ? sql`` : sql`and c.room_id = ${filter.roomId}`}
      ${filter.from ? sql`and c.started_at >= ${filter.from.toISOString()}` : sql``} ${filter.to ? sql`and c.started_at < ${filter.to.toISOString()}` : sql``}`;

const filterOf = (filter: ConferenceFilter) =>
  "unallocated" in filter
    ? unallocatedOf(filter)
    : "roomId" in filter
      ? sql`and c.room_id = ${filter.roomId}`
      : filter.billingCode === null
        ? sql`and c.billing_code is null`
        : sql`and c.billing_code = ${filter.billingCode}`;

/**
 * The conferences of the scope and period that a filter chooses (`c` conferences): what the
 * clean-up page lists and what "select all" assigns, so both always mean the same conferences.
 */
export const conferencesWhere = (scope: Scope, period: Period, filter: ConferenceFilter): SQL =>
  sql`c.account_id = ${scope.accountId} and c.period = ${period} ${filterOf(filter)} and ${roomFilter(scope, sql`c.room_id`)}`;

/**
 * A period's conferences, one line per conference and service type, oldest first; with `slice`,
 * only the conferences of that slice of the list.
 */
export function conferenceLinesQuery(scope: Scope, period: Period, filter: ConferenceFilter, slice?: { offset: number; limit: number }): SQL {
  const where = conferencesWhere(scope, period, filter);
  const chosen = slice
    ? sql`and c.id in (select c.id from conferences c where ${where}
                       order by c.started_at, c.id limit ${slice.limit} offset ${slice.offset})`
    : sql``;
  return sql`
    select c.id, c.version, r.number as room_number, c.started_at, extract(epoch from c.ended_at - c.started_at)::int as length_s,
           l.service_type, count(*)::int as quantity, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor,
           c.billing_code
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    join legs l on l.account_id = c.account_id and l.period = c.period and l.conference_id = c.id
    where ${where} ${chosen}
    group by c.account_id, c.id, r.number, l.service_type
    order by c.started_at, c.id, l.service_type`;
}

/**
 * The whole list's count and sums, from the rollups: per room (room_usage), or per billing code
 * (usage_rollups); the clean-up's list (a room, days) has no rollup of its own: its conferences'
 * stored totals.
 */
export function conferenceTotalsQuery(scope: Scope, period: Period, filter: ConferenceFilter): SQL {
  if ("unallocated" in filter) {
    return sql`
        select count(*)::int as conferences, coalesce(sum(c.duration_s), 0) as duration_s, coalesce(sum(c.charge_minor), 0) as charge_minor
        from conferences c where ${conferencesWhere(scope, period, filter)}`;
  }
  return sql`
        select coalesce(sum(c.conferences), 0)::int as conferences, coalesce(sum(c.duration_s), 0) as duration_s, coalesce(sum(c.charge_minor), 0) as charge_minor
        from ${"roomId" in filter ? sql`room_usage c` : sql`usage_rollups c`}
        where c.account_id = ${scope.accountId} and c.period = ${period} and ${roomFilter(scope, sql`c.room_id`)}
          ${"roomId" in filter ? sql`and c.room_id = ${filter.roomId}` : sql`and c.billing_code = ${filter.billingCode ?? ""}`}`;
}

/** One conference of the scope, by its id and its room's number (`c` conferences, `r` rooms). */
const oneConference = (scope: Scope, roomNumber: string, conferenceId: number) =>
  sql`c.account_id = ${scope.accountId} and c.id = ${conferenceId} and r.number = ${roomNumber} and ${roomFilter(scope, sql`c.room_id`)}`;

/** A conference's header: room, cardholder, times, billing code and who set it, invoiced or not. */
export function conferenceQuery(scope: Scope, roomNumber: string, conferenceId: number): SQL {
  return sql`
      select c.id, c.version, r.number, holder.display_name as cardholder, c.started_at, c.ended_at, c.period::text as period,
             coalesce(b.status = 'invoiced', false) as invoiced, c.billing_code, c.billing_code_source,
             setter.display_name as set_by, c.billing_code_set_at
      from conferences c
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      join users holder on holder.id = r.cardholder_id
      left join users setter on setter.id = c.billing_code_set_by
      left join billing_periods b on b.account_id = c.account_id and b.period = c.period
      where ${oneConference(scope, roomNumber, conferenceId)}`;
}

/** A conference's participants (its legs), in the order they joined. */
export function participantsQuery(scope: Scope, roomNumber: string, conferenceId: number): SQL {
  return sql`
      select l.participant_name, l.caller_number, l.service_type, l.joined_at, l.left_at, l.duration_s, l.charge_minor, l.late
      from legs l
      join conferences c on c.account_id = l.account_id and c.id = l.conference_id and c.period = l.period
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      where ${oneConference(scope, roomNumber, conferenceId)}
      order by l.joined_at, l.id`;
}
