import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getReadDb } from "@/lib/read-your-writes";
import { oneRow, rows } from "@/db/rows";
import { billingCodeSources } from "@/db/schema";
import type { Scope } from "@/lib/auth/scope";
import { subtotal } from "@/lib/paging";
import type { Period } from "@/lib/periods";
import { conferenceLinesQuery, conferenceQuery, conferenceTotalsQuery, participantsQuery, type ConferenceFilter } from "./conference-queries";

/** bigint and numeric columns (sums, ids) arrive as text: exact up to 2^53, as every amount here is. */
const integer = z.coerce.number();
/** Drizzle has node-postgres hand timestamps over as text. */
const instant = z.coerce.date();

/** One line of a room's conference list: a conference and one of its service types. */
const conferenceLine = z
  .object({
    id: integer,
    version: z.number(),
    room_number: z.string(),
    started_at: instant,
    length_s: z.number(),
    service_type: z.string(),
    quantity: z.number(),
    duration_s: integer,
    charge_minor: integer,
    billing_code: z.string().nullable(),
  })
  .transform((r) => ({
    conferenceId: r.id,
    version: r.version,
    roomNumber: r.room_number,
    startedAt: r.started_at,
    lengthS: r.length_s,
    serviceType: r.service_type,
    quantity: r.quantity,
    durationS: r.duration_s,
    chargeMinor: r.charge_minor,
    billingCode: r.billing_code,
  }));
export type ConferenceLine = z.output<typeof conferenceLine>;

const listTotals = z.object({ conferences: z.number(), duration_s: integer, charge_minor: integer });

type Totals = { durationS: number; chargeMinor: number };

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
  const db = await getReadDb();
  const [lines, whole] = await Promise.all([
    rows(db, conferenceLine, conferenceLinesQuery(scope, period, filter, slice)),
    slice ? oneRow(db, listTotals, conferenceTotalsQuery(scope, period, filter)) : undefined,
  ]);
  if (whole) return { lines, total: { durationS: whole.duration_s, chargeMinor: whole.charge_minor }, conferences: whole.conferences };
  return { lines, total: subtotal(lines), conferences: new Set(lines.map((l) => l.conferenceId)).size };
}

const conferenceDetail = z
  .object({
    id: integer,
    version: z.number(),
    number: z.string(),
    cardholder: z.string(),
    started_at: instant,
    ended_at: instant,
    period: z.string(),
    invoiced: z.boolean(),
    billing_code: z.string().nullable(),
    billing_code_source: z.enum(billingCodeSources).nullable(),
    set_by: z.string().nullable(),
    billing_code_set_at: instant.nullable(),
  })
  .transform((c) => ({
    id: c.id,
    version: c.version,
    roomNumber: c.number,
    cardholder: c.cardholder,
    startedAt: c.started_at,
    endedAt: c.ended_at,
    period: c.period as Period,
    invoiced: c.invoiced,
    billingCode: c.billing_code,
    billingCodeSource: c.billing_code_source,
    billingCodeSetBy: c.set_by,
    billingCodeSetAt: c.billing_code_set_at,
  }));
export type ConferenceDetail = z.output<typeof conferenceDetail>;

const participant = z
  .object({
    participant_name: z.string(),
    caller_number: z.string(),
    service_type: z.string(),
    joined_at: instant,
    left_at: instant,
    duration_s: z.number(),
    charge_minor: integer,
    late: z.boolean(),
  })
  .transform((l) => ({
    name: l.participant_name,
    phoneNumber: l.caller_number,
    serviceType: l.service_type,
    joinedAt: l.joined_at,
    leftAt: l.left_at,
    durationS: l.duration_s,
    chargeMinor: l.charge_minor,
    late: l.late,
  }));
export type Participant = z.output<typeof participant>;

/** A conference of the scope in the given room, with its participants; undefined (→ 404) outside the scope. */
export async function getConference(scope: Scope, roomNumber: string, conferenceId: number): Promise<{ conference: ConferenceDetail; participants: Participant[]; total: Totals } | undefined> {
  if (!Number.isSafeInteger(conferenceId) || conferenceId <= 0) return undefined;
  const db = await getReadDb();
  const [[conference], participants] = await Promise.all([
    rows(db, conferenceDetail, conferenceQuery(scope, roomNumber, conferenceId)),
    rows(db, participant, participantsQuery(scope, roomNumber, conferenceId)),
  ]);
  if (!conference) return undefined;
  return { conference, participants, total: subtotal(participants) };
}

/** How many suggestions the form offers at most. */
const SUGGESTIONS = 500;

/**
 * The account's codes in use, for the assignment form's suggestions. The rollups hold one row per
 * month, room and code (260,000 for a 2,000-room account), so the distinct codes are found by
 * skipping through the (account, code) index, one probe per code.
 */
export async function getBillingCodeSuggestions(scope: Scope): Promise<string[]> {
  const db = await getReadDb();
  const codes = await rows(db, z.object({ code: z.string() }), sql`
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
  return codes.map((r) => r.code);
}
