import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { roomFilter, type Scope } from "@/lib/auth/scope";
import type { Period } from "@/lib/periods";

/** One line of a room's conference list: a conference and one of its service types. */
export type ConferenceLine = {
  conferenceId: number;
  version: number;
  roomNumber: string;
  startedAt: Date;
  lengthS: number;
  serviceType: string;
  quantity: number;
  durationS: number;
  chargeMinor: number;
  billingCode: string | null;
};

type Totals = { durationS: number; chargeMinor: number };

const sumLines = (lines: { durationS: number; chargeMinor: number }[]): Totals =>
  lines.reduce((t, l) => ({ durationS: t.durationS + l.durationS, chargeMinor: t.chargeMinor + l.chargeMinor }), { durationS: 0, chargeMinor: 0 });

/** Which conferences of a period: one room's, or those with one billing code (null = Unallocated) across rooms. */
export type ConferenceFilter = { roomId: number } | { billingCode: string | null };

/**
 * Conferences of a period, one line per conference and service type, oldest first. With `slice`,
 * only those conferences are read; `total` and `conferences` still cover the whole list, from the
 * rollups (the whole list's total equals the sum of all its lines).
 */
export async function getConferenceLines(
  scope: Scope,
  period: Period,
  filter: ConferenceFilter,
  slice?: { offset: number; limit: number },
): Promise<{ lines: ConferenceLine[]; total: Totals; conferences: number }> {
  const db = await getDb();
  const where =
    "roomId" in filter
      ? sql`and c.room_id = ${filter.roomId}`
      : filter.billingCode === null
        ? sql`and c.billing_code is null`
        : sql`and c.billing_code = ${filter.billingCode}`;
  const roomScope = sql`and ${roomFilter(scope, sql`c.room_id`)}`;
  const chosen = slice
    ? sql`and c.id in (select c.id from conferences c where c.account_id = ${scope.accountId} and c.period = ${period} ${where} ${roomScope}
                       order by c.started_at, c.id limit ${slice.limit} offset ${slice.offset})`
    : sql``;
  const totals = slice
    ? db.execute<{ conferences: number; duration_s: string; charge_minor: string }>(sql`
        select coalesce(sum(c.conferences), 0)::int as conferences, coalesce(sum(c.duration_s), 0) as duration_s, coalesce(sum(c.charge_minor), 0) as charge_minor
        from ${"roomId" in filter ? sql`room_usage c` : sql`usage_rollups c`}
        where c.account_id = ${scope.accountId} and c.period = ${period} ${roomScope}
          ${"roomId" in filter ? sql`and c.room_id = ${filter.roomId}` : sql`and c.billing_code = ${filter.billingCode ?? ""}`}`)
    : undefined;
  const [{ rows }, sums] = await Promise.all([db.execute<{
    id: string;
    version: number;
    room_number: string;
    started_at: Date;
    length_s: number;
    service_type: string;
    quantity: number;
    duration_s: string;
    charge_minor: string;
    billing_code: string | null;
  }>(sql`
    select c.id, c.version, r.number as room_number, c.started_at, extract(epoch from c.ended_at - c.started_at)::int as length_s,
           l.service_type, count(*)::int as quantity, sum(l.duration_s) as duration_s, sum(l.charge_minor) as charge_minor,
           c.billing_code
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    join legs l on l.account_id = c.account_id and l.conference_id = c.id
    where c.account_id = ${scope.accountId} and c.period = ${period} ${where} ${roomScope} ${chosen}
    group by c.account_id, c.id, r.number, l.service_type
    order by c.started_at, c.id, l.service_type`), totals]);
  const lines = rows.map((r) => ({
    conferenceId: Number(r.id),
    version: r.version,
    roomNumber: r.room_number,
    startedAt: new Date(r.started_at),
    lengthS: r.length_s,
    serviceType: r.service_type,
    quantity: r.quantity,
    durationS: Number(r.duration_s),
    chargeMinor: Number(r.charge_minor),
    billingCode: r.billing_code,
  }));
  const whole = sums?.rows[0];
  if (whole) return { lines, total: { durationS: Number(whole.duration_s), chargeMinor: Number(whole.charge_minor) }, conferences: whole.conferences };
  return { lines, total: sumLines(lines), conferences: new Set(lines.map((l) => l.conferenceId)).size };
}

export type ConferenceDetail = {
  id: number;
  version: number;
  roomNumber: string;
  cardholder: string;
  startedAt: Date;
  endedAt: Date;
  period: Period;
  invoiced: boolean;
  billingCode: string | null;
  billingCodeSource: "keypad" | "auto" | "assigned" | null;
  billingCodeSetBy: string | null;
  billingCodeSetAt: Date | null;
};

export type Participant = {
  name: string;
  phoneNumber: string;
  serviceType: string;
  joinedAt: Date;
  leftAt: Date;
  durationS: number;
  chargeMinor: number;
  late: boolean;
};

/** A conference of the scope in the given room, with its participants; undefined (→ 404) outside the scope. */
export async function getConference(scope: Scope, roomNumber: string, conferenceId: number): Promise<{ conference: ConferenceDetail; participants: Participant[]; total: Totals } | undefined> {
  if (!Number.isSafeInteger(conferenceId) || conferenceId <= 0) return undefined;
  const db = await getDb();
  const where = sql`c.account_id = ${scope.accountId} and c.id = ${conferenceId} and r.number = ${roomNumber} and ${roomFilter(scope, sql`c.room_id`)}`;
  const [head, legs] = await Promise.all([
    db.execute<{
      id: string;
      version: number;
      number: string;
      cardholder: string;
      started_at: Date;
      ended_at: Date;
      period: string;
      invoiced: boolean;
      billing_code: string | null;
      billing_code_source: ConferenceDetail["billingCodeSource"];
      set_by: string | null;
      billing_code_set_at: Date | null;
    }>(sql`
      select c.id, c.version, r.number, holder.display_name as cardholder, c.started_at, c.ended_at, c.period::text as period,
             coalesce(b.status = 'invoiced', false) as invoiced, c.billing_code, c.billing_code_source,
             setter.display_name as set_by, c.billing_code_set_at
      from conferences c
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      join users holder on holder.id = r.cardholder_id
      left join users setter on setter.id = c.billing_code_set_by
      left join billing_periods b on b.account_id = c.account_id and b.period = c.period
      where ${where}`),
    db.execute<{ participant_name: string; caller_number: string; service_type: string; joined_at: Date; left_at: Date; duration_s: number; charge_minor: string; late: boolean }>(sql`
      select l.participant_name, l.caller_number, l.service_type, l.joined_at, l.left_at, l.duration_s, l.charge_minor, l.late
      from legs l
      join conferences c on c.account_id = l.account_id and c.id = l.conference_id
      join rooms r on r.account_id = c.account_id and r.id = c.room_id
      where ${where}
      order by l.joined_at, l.id`),
  ]);
  const c = head.rows[0];
  if (!c) return undefined;
  const participants = legs.rows.map((l) => ({
    name: l.participant_name,
    phoneNumber: l.caller_number,
    serviceType: l.service_type,
    joinedAt: new Date(l.joined_at),
    leftAt: new Date(l.left_at),
    durationS: l.duration_s,
    chargeMinor: Number(l.charge_minor),
    late: l.late,
  }));
  return {
    conference: {
      id: Number(c.id),
      version: c.version,
      roomNumber: c.number,
      cardholder: c.cardholder,
      startedAt: new Date(c.started_at),
      endedAt: new Date(c.ended_at),
      period: c.period,
      invoiced: c.invoiced,
      billingCode: c.billing_code,
      billingCodeSource: c.billing_code_source,
      billingCodeSetBy: c.set_by,
      billingCodeSetAt: c.billing_code_set_at ? new Date(c.billing_code_set_at) : null,
    },
    participants,
    total: sumLines(participants),
  };
}

/** How many suggestions the form offers at most. */
const SUGGESTIONS = 500;

/**
 * The account's codes in use, for the assignment form's suggestions. The rollups hold one row per
 * month, room and code (260,000 for a 2,000-room account), so the distinct codes are found by
 * skipping through the (account, code) index, one probe per code.
 */
export async function getBillingCodeSuggestions(scope: Scope): Promise<string[]> {
  const db = await getDb();
  const { rows } = await db.execute<{ code: string }>(sql`
    with recursive used(code, n) as (
      (select billing_code, 1 from usage_rollups where account_id = ${scope.accountId} and billing_code > '' order by billing_code limit 1)
      union all
      select (select u.billing_code from usage_rollups u where u.account_id = ${scope.accountId} and u.billing_code > used.code order by u.billing_code limit 1), n + 1
      from used where used.code is not null and n < ${SUGGESTIONS}
    )
    select code from (
      select code from used where code is not null
      union select auto_billing_code from rooms where account_id = ${scope.accountId} and auto_billing_code is not null
    ) codes order by lower(code) limit ${SUGGESTIONS}`);
  return rows.map((r) => r.code);
}
