/**
 * The usage API's keyset query of conferences, apart from lib/usage-api/usage.ts so that the
 * benchmark (scripts/bench/api.ts) runs the same statement outside Next: not server-only.
 */
import { sql, type SQL } from "drizzle-orm";

/** A page's position: the last item's time (UTC, to the microsecond, as stored) and id. */
export type Position = { at: string; id: number };

const iso = (d: Date) => d.toISOString();

/**
 * A timestamp as the API writes it: UTC, ISO 8601, to the microsecond as stored, so that a page's
 * last start is also its cursor exactly. Written by PostgreSQL: the rows need no change in Node.
 */
export const exactUtc = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A conference (c, its room r) as the API answers it: the fields of the Conference schema, in its order. */
const conferenceFields = (currency: string): [name: string, value: SQL][] => [
  ["id", sql`c.id`],
  ["external_id", sql`c.external_id`],
  ["room", sql`r.number`],
  ["product", sql`c.product`],
  ["started_at", exactUtc(sql`c.started_at`)],
  ["ended_at", exactUtc(sql`c.ended_at`)],
  ["billing_code", sql`c.billing_code`],
  ["billing_code_source", sql`c.billing_code_source`],
  ["legs", sql`c.legs`],
  ["duration_s", sql`c.duration_s`],
  ["charge_minor", sql`c.charge_minor`],
  ["currency", sql`${currency}::text`],
];

/** The conference's fields as columns. */
export const conferenceColumns = (currency: string) => sql.join(conferenceFields(currency).map(([name, value]) => sql`${value} as ${sql.identifier(name)}`), sql`, `);

/**
 * The conference as one JSON object written by PostgreSQL (row_to_json: compact, in the fields'
 * order): a page of 1,000 is then one text column per row for Node to join, not twelve to parse,
 * check and serialize again.
 */
const conferenceJson = (currency: string) => sql`(select row_to_json(f)::text from (select ${conferenceColumns(currency)}) f)`;

type Filter = { start?: Date; end?: Date; room?: string; code?: string };

/** The WHERE of a page of conferences (c, its room r): the account, the filters, after the cursor. */
function pageConditions(accountId: number, filter: Filter, after: Position | undefined): SQL {
  const conditions = [sql`c.account_id = ${accountId}`];
  if (filter.start) conditions.push(sql`c.started_at >= ${iso(filter.start)}::timestamptz`);
  if (filter.end) conditions.push(sql`c.started_at < ${iso(filter.end)}::timestamptz`);
  if (filter.room !== undefined) conditions.push(sql`r.number = ${filter.room}`);
  if (filter.code !== undefined) conditions.push(filter.code === "" ? sql`c.billing_code is null` : sql`c.billing_code = ${filter.code}`);
  // After the cursor, written so that the planner estimates it: a range on started_at (where the
  // index scan starts; PostgreSQL keeps the later of it and the period's start), then the ties.
  // The row comparison (started_at, id) > (…) says the same, but is estimated at one row, and the
  // planner then joins and sorts the rest of the month for every page.
  if (after) conditions.push(sql`c.started_at >= ${after.at}::timestamptz and (c.started_at > ${after.at}::timestamptz or c.id > ${after.id}::bigint)`);
  return sql.join(conditions, sql` and `);
}

/** After its columns, the keyset query of a page of conferences, in start order: the index conferences_started (account, started_at, id) gives them in order from the cursor on, filtered as asked. */
const pageFrom = (accountId: number, filter: Filter, after: Position | undefined, limit: number) => sql`
    from conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    where ${pageConditions(accountId, filter, after)}
    order by c.started_at, c.id
    limit ${limit + 1}`;

/** A page of conferences as rows of the Conference fields: the benchmark's baseline, run straight on pg. */
export const conferencesPageQuery = (account: { id: number; currency: string }, filter: Filter, after: Position | undefined, limit: number): SQL =>
  sql`select ${conferenceColumns(account.currency)} ${pageFrom(account.id, filter, after, limit)}`;

/** The same page as the API serves it: each conference's JSON, and its position for the next cursor. */
export const conferencesPageJsonQuery = (account: { id: number; currency: string }, filter: Filter, after: Position | undefined, limit: number): SQL =>
  sql`select ${conferenceJson(account.currency)} as json, ${exactUtc(sql`c.started_at`)} as started_at, c.id ${pageFrom(account.id, filter, after, limit)}`;
