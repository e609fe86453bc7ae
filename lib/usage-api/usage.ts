import "server-only";
import { TZDate } from "@date-fns/tz";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getReadDb } from "@/lib/read-your-writes";
import { rows } from "@/db/rows";
import type { AccountScope } from "@/lib/auth/scope";
import { getAccount } from "@/lib/data/account";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getRoomUsage } from "@/lib/data/room-usage";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { fromUrlPeriod, periodBounds, periodOf, toUrlPeriod, type Period } from "@/lib/periods";
import { conferenceColumns, conferencesPageJsonQuery, exactUtc, type Position } from "./queries";
import { JsonText } from "./route";
import type { ConferencesQuery, codeTotals, legPage, roomTotals } from "./schemas";

/**
 * What the usage API reads, for an owner's scope: conferences and legs a page at a time (keyset
 * pages: a cursor is the last item's (start, id), so items that arrive meanwhile never shift a
 * page), and a period's totals from the same functions as the portal's pages.
 */

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(\d{1,15})$/;

const encodeCursor = (p: Position) => Buffer.from(`${p.at}|${p.id}`).toString("base64url");

function decodeCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined;
  const match = POSITION.exec(Buffer.from(cursor, "base64url").toString("latin1"));
  if (!match || Number.isNaN(Date.parse(match[1]!))) throw new ValidationError("is not a cursor this API gave", "cursor");
  return { at: match[1]!, id: Number(match[2]) };
}

/** The instants a query's period or days cover, in the account's time zone: [start, end), either open. */
function rangeOf(query: Pick<ConferencesQuery, "period" | "from" | "to">, timeZone: string): { start?: Date; end?: Date } {
  const midnight = (day: string, plusDays = 0) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    return new Date(new TZDate(y, m - 1, d + plusDays, timeZone).getTime());
  };
  if (query.from || query.to) return { start: query.from ? midnight(query.from) : undefined, end: query.to ? midnight(query.to, 1) : undefined };
  return periodBounds(chosenPeriod(query.period, timeZone), timeZone);
}

const chosenPeriod = (period: string | undefined, timeZone: string): Period => (period ? fromUrlPeriod(period)! : periodOf(new Date(), timeZone));

/** A conference row as the API answers it (lib/usage-api/queries.ts `conferenceColumns`). */
const conferenceRow = z.object({
  id: z.coerce.number(),
  external_id: z.string(),
  room: z.string(),
  product: z.enum(["audio", "web", "webinar", "training"]),
  started_at: z.string(),
  ended_at: z.string(),
  billing_code: z.string().nullable(),
  billing_code_source: z.enum(["keypad", "auto", "assigned"]).nullable(),
  legs: z.number(),
  duration_s: z.coerce.number(),
  charge_minor: z.coerce.number(),
  currency: z.string(),
});

const pageRow = z.object({ json: z.string(), started_at: z.string(), id: z.coerce.number() });

/**
 * One page of the account's conferences, filtered by period or days, room and code: the
 * ConferencePage schema's JSON (`{"data":[…],"next_cursor":…}`), each conference written by
 * PostgreSQL in the schema's field order (usage.test.ts checks the pages against the schema).
 */
export async function listConferences(scope: AccountScope, query: ConferencesQuery): Promise<JsonText> {
  const [account, db] = await Promise.all([getAccount(scope), getReadDb()]);
  const after = decodeCursor(query.cursor);
  const found = await rows(db, pageRow, conferencesPageJsonQuery({ id: scope.accountId, currency: account.currency }, { ...rangeOf(query, account.timeZone), room: query.room, code: query.code }, after, query.limit));
  const more = found.length > query.limit;
  if (more) found.pop();
  const last = found.at(-1);
  const nextCursor = more && last ? encodeCursor({ at: last.started_at, id: last.id }) : null;
  return new JsonText(`{"data":[${found.map((c) => c.json).join(",")}],"next_cursor":${JSON.stringify(nextCursor)}}`);
}

const legRow = z.object({
  id: z.coerce.number(),
  external_id: z.string(),
  participant_name: z.string(),
  caller_number: z.string(),
  dialed_number: z.string(),
  service_type: z.enum(["toll", "toll-free", "dial-out", "voip", "operator-assisted"]),
  joined_at: z.string(),
  left_at: z.string(),
  duration_s: z.number(),
  billable_s: z.number(),
  charge_minor: z.coerce.number(),
  late: z.boolean(),
});

/** One conference of the account and a page of its legs in joining order; not found outside the account. */
export async function listLegs(scope: AccountScope, conferenceId: number, page: { limit: number; cursor?: string }): Promise<z.input<typeof legPage>> {
  const [account, db] = await Promise.all([getAccount(scope), getReadDb()]);
  const after = decodeCursor(page.cursor);
  const [conference] = await rows(db, conferenceRow, sql`
    select ${conferenceColumns(account.currency)}
    from conferences c join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where c.account_id = ${scope.accountId} and c.id = ${conferenceId}`);
  if (!conference) throw new NotFoundError("conference not found");
  const found = await rows(db, legRow, sql`
    select l.id, l.external_id, l.participant_name, l.caller_number, l.dialed_number, l.service_type,
           ${exactUtc(sql`l.joined_at`)} as joined_at, ${exactUtc(sql`l.left_at`)} as left_at, l.duration_s, l.billable_s, l.charge_minor, l.late
    from legs l
    where l.account_id = ${scope.accountId} and l.conference_id = ${conferenceId}
      and l.period = (select period from conferences where account_id = ${scope.accountId} and id = ${conferenceId})
      ${after ? sql`and l.joined_at >= ${after.at}::timestamptz and (l.joined_at > ${after.at}::timestamptz or l.id > ${after.id}::bigint)` : sql``}
    order by l.joined_at, l.id
    limit ${page.limit + 1}`);
  const shown = found.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    conference,
    data: shown.map(({ id: _id, external_id, ...l }) => ({ leg_id: external_id, ...l, currency: account.currency })),
    next_cursor: found.length > page.limit && last ? encodeCursor({ at: last.joined_at, id: last.id }) : null,
  };
}

/**
 * A period's totals by room (the account summary's lines: getRoomUsage, active rooms) or by
 * billing code (the by-code view's: getCodeUsage), so the API and the portal always agree.
 */
export async function usageTotals(scope: AccountScope, query: { period?: string; by: "room" | "code" }): Promise<z.input<typeof roomTotals> | z.input<typeof codeTotals>> {
  const account = await getAccount(scope);
  const period = chosenPeriod(query.period, account.timeZone);
  const currency = account.currency;
  if (query.by === "room") {
    const usage = await getRoomUsage(scope, period, "active");
    return {
      period: toUrlPeriod(period),
      by: "room",
      data: usage.rows.map((r) => ({ room: r.number, cardholder: r.cardholder, auto_billing_code: r.autoBillingCode, duration_s: r.durationS, charge_minor: r.chargeMinor, currency })),
      total: { duration_s: usage.total.durationS, charge_minor: usage.total.chargeMinor, currency },
    };
  }
  const usage = await getCodeUsage(scope, period);
  const sums = (s: { conferences: number; durationS: number; chargeMinor: number }) => ({ conferences: s.conferences, duration_s: s.durationS, charge_minor: s.chargeMinor, currency });
  return {
    period: toUrlPeriod(period),
    by: "code",
    data: usage.codes.map((c) => ({ billing_code: c.code, ...sums(c), rooms: c.rooms.map((r) => ({ room: r.number, ...sums(r) })) })),
    total: sums(usage.total),
  };
}
