/**
 * The nine report types: their columns and the one SQL statement that reads their lines, in
 * order. Every statement is scoped by account in its WHERE; the date range is the conference's
 * start in GMT (a leg belongs to its conference's day); the people filters apply to the room's
 * cardholder (to the user for User status) and the product filter to the conference's product
 * (to the room's product for Conference rooms, to the rooms a user holds for User status).
 */
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Cell, ColumnKind } from "@/lib/export/workbook";
import type { Locale, Messages } from "@/lib/i18n/messages";
import { formatRoomNumber } from "@/lib/format";
import { everyone, type ReportQuery, type ReportType } from "./query";

type ColumnKey = keyof Messages["reports"]["columns"];
export type ReportColumn = {
  key: ColumnKey;
  kind: ColumnKind;
  /** The SQL column summed into the total row (the line shows the same number). */
  sum?: string;
  /**
   * A count of conferences whose lines may share one (a line per service type): the total row
   * shows this SQL column, the distinct count of the whole report, the same on every line.
   */
  overall?: string;
  width?: number;
};
/**
 * A report's line as PostgreSQL sends it: any columns, each a scalar. The screen's page of lines is
 * parsed with it; the files' cursor hands its rows over unparsed (millions of lines).
 */
export const reportRow = z.record(z.string(), z.union([z.string(), z.number(), z.date(), z.null()]));
export type Row = z.output<typeof reportRow>;
type LineContext = { t: Messages; locale: Locale; currency: string };

export type ReportDefinition = {
  type: ReportType;
  group: keyof Messages["reports"]["groupHeadings"];
  columns: ReportColumn[];
  /** False for reports of what the account is now (user status, phone numbers): no range, no usage filter. */
  usesRange: boolean;
  usesFilters: boolean;
  /** A summary (a line per person, room or month: thousands at most): the page reads lines and totals in one pass. */
  summary?: boolean;
  rows: (accountId: number, query: ReportQuery) => SQL;
  /** The whole report's line count and sums, read from the daily rollup instead of the lines. */
  total?: (accountId: number, query: ReportQuery) => SQL;
  line: (row: Row, c: LineContext) => Cell[];
};

const n = (value: unknown) => Number(value ?? 0);
/**
 * An instant, for the date and time columns: ms since the epoch (from `epochMs`, or a Date). Kept
 * a number down to the output (Excel's serial day or time of day, text on pages and in CSV): no
 * Date per cell, each of which costs a wrapped constructor in the server (Next.js extends Date).
 */
const d = (value: unknown): number | null =>
  value === null || value === undefined ? null : typeof value === "number" ? value : value instanceof Date ? value.getTime() : Date.parse(String(value));
const s = (value: unknown) => (value === null || value === undefined ? "" : String(value));
const room = (value: unknown) => formatRoomNumber(s(value));
const service = (t: Messages, value: unknown) => t.serviceTypes[value as keyof Messages["serviceTypes"]] ?? s(value);
const product = (t: Messages, value: unknown) => t.reports.products[value as keyof Messages["reports"]["products"]] ?? s(value);

/**
 * An instant as ms since the epoch (a float8 read with parseFloat), for the long reports: the
 * driver's parsing of a timestamptz into a Date cost about 0.5 µs a value, a sixth of an Excel
 * line's time. Floored to the millisecond as that parsing does, so the cells are the same.
 */
const epochMs = (column: SQL) => sql`floor(extract(epoch from ${column}) * 1000)::float8`;

/** Conferences that started inside the range (GMT days, inclusive). The period bounds let the (account, period) index narrow the scan. */
function inRange(q: ReportQuery, alias = sql`c`): SQL {
  return sql`${alias}.started_at >= (${q.from}::date)::timestamp at time zone 'UTC'
    and ${alias}.started_at < (${q.to}::date + 1)::timestamp at time zone 'UTC'
    and ${alias}.period >= date_trunc('month', ${q.from}::date - 1)::date
    and ${alias}.period <= date_trunc('month', ${q.to}::date + 1)::date`;
}

/** The people filters, which add up; nothing when none is set. `user` is the user id the line belongs to. */
function peopleFilter(accountId: number, q: ReportQuery, user: SQL): SQL {
  if (everyone(q)) return sql``;
  const parts: SQL[] = [];
  if (q.allCardholders) parts.push(sql`exists (select 1 from rooms rc where rc.account_id = ${accountId} and rc.cardholder_id = ${user})`);
  if (q.cardholders.length) parts.push(sql`${user} in ${q.cardholders}`);
  if (q.owners.length) parts.push(sql`${user} in ${q.owners}`);
  if (q.groups.length) parts.push(sql`exists (select 1 from group_members gm where gm.account_id = ${accountId} and gm.user_id = ${user} and gm.group_id in ${q.groups})`);
  if (q.ungrouped) parts.push(sql`not exists (select 1 from group_members gm where gm.account_id = ${accountId} and gm.user_id = ${user})`);
  return sql`and (${sql.join(parts, sql` or `)})`;
}

const productFilter = (q: ReportQuery, column: SQL) => (q.products.length ? sql`and ${column} in ${q.products}` : sql``);

/** Conferences of the range and filters with their room and cardholder: the FROM and WHERE of the usage reports. */
function conferencesOf(accountId: number, q: ReportQuery, join: SQL = sql``): SQL {
  return sql`conferences c
    join rooms r on r.account_id = c.account_id and r.id = c.room_id
    join users holder on holder.id = r.cardholder_id
    ${join}
    where c.account_id = ${accountId} and ${inRange(q)}
      ${peopleFilter(accountId, q, sql`r.cardholder_id`)} ${productFilter(q, sql`c.product`)}`;
}

/**
 * The daily rollup rows (report_days) of the range and filters: the same conferences as
 * `conferencesOf`, already summed per GMT day, room, product and service type ('' = the
 * conferences themselves). Rooms are read only to filter by people (a join per row otherwise
 * took half the time of a year's 1.6 million rows).
 */
function daysOf(accountId: number, q: ReportQuery, rows: "conferences" | "legs" | "all", serviceType?: string): SQL {
  const kind = rows === "conferences" ? sql`and d.service_type = ''` : rows === "legs" ? sql`and d.service_type <> ''` : sql``;
  const people = peopleFilter(accountId, q, sql`r.cardholder_id`);
  return sql`report_days d
    where d.account_id = ${accountId} and d.day >= ${q.from}::date and d.day <= ${q.to}::date ${kind}
      ${serviceType ? sql`and d.service_type = ${serviceType}` : sql``}
      ${everyone(q) ? sql`` : sql`and d.room_id in (select r.id from rooms r where r.account_id = ${accountId} ${people})`} ${productFilter(q, sql`d.product`)}`;
}

/** A line report's total row from the rollup: `lines` and each summed column, as the lines would add up. */
function rollupTotal(from: SQL, sums: Record<string, SQL>): SQL {
  const columns = Object.entries(sums).map(([name, value]) => sql`coalesce(${value}, 0)::bigint as ${sql.identifier(name)}`);
  return sql`select ${sql.join(columns, sql`, `)} from ${from}`;
}

/**
 * The legs of each conference `c`, in order, read through the legs' (account, conference) index as
 * the conferences come in order: the lines stream from the first one. A plain join had PostgreSQL
 * hash all the range's legs and sort them (on disk: 4.9 M legs over 12 months at 2,000 rooms)
 * before the first line.
 */
const conferenceLegs = sql`cross join lateral (
  select l.id, l.participant_name, l.caller_number, l.service_type, l.joined_at, l.left_at, l.duration_s, l.charge_minor
  from legs l where l.account_id = c.account_id and l.period = c.period and l.conference_id = c.id order by l.joined_at, l.id) l`;

/** Columns several reports share: the same heading, format, width and total in each. */
const COLUMN = {
  date: { key: "date", kind: "date" },
  time: { key: "time", kind: "time" },
  room: { key: "room", kind: "text", width: 12 },
  cardholder: { key: "cardholder", kind: "text", width: 26 },
  product: { key: "product", kind: "text" },
  conferences: { key: "conferences", kind: "int", sum: "conferences" },
  legs: { key: "legs", kind: "int", sum: "legs" },
  accumulatedTime: { key: "accumulatedTime", kind: "duration", sum: "duration_s" },
  billableTime: { key: "billableTime", kind: "duration", sum: "billable_s" },
  charge: { key: "charge", kind: "money", sum: "charge_minor" },
} satisfies Record<string, ReportColumn>;

const definitions: ReportDefinition[] = [
  {
    type: "activity",
    summary: true,
    group: "account",
    usesRange: true,
    usesFilters: true,
    columns: [
      { key: "cardholder", kind: "text", width: 28 },
      { key: "email", kind: "text", width: 30 },
      COLUMN.product,
      { key: "rooms", kind: "int", sum: "rooms" },
      COLUMN.conferences,
      COLUMN.legs,
      COLUMN.accumulatedTime,
      COLUMN.billableTime,
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select holder.id as user_id, holder.display_name as cardholder, holder.email, u.product,
             count(*)::int as rooms, sum(u.conferences)::int as conferences, sum(u.legs)::int as legs,
             sum(u.duration_s)::bigint as duration_s, sum(u.billable_s)::bigint as billable_s, sum(u.charge_minor)::bigint as charge_minor
      from (
        -- Per room and product first (every such pair has its conferences row), then per cardholder.
        select d.room_id, d.product, sum(d.conferences) filter (where d.service_type = '') as conferences, sum(d.legs) as legs,
               sum(d.duration_s) as duration_s, sum(d.billable_s) as billable_s, sum(d.charge_minor) as charge_minor
        from report_days d
        where d.account_id = ${a} and d.day >= ${q.from}::date and d.day <= ${q.to}::date ${productFilter(q, sql`d.product`)}
        group by d.room_id, d.product) u
      join rooms r on r.account_id = ${a} and r.id = u.room_id
      join users holder on holder.id = r.cardholder_id
      where true ${peopleFilter(a, q, sql`r.cardholder_id`)}
      group by holder.id, holder.display_name, holder.email, u.product
      order by lower(holder.display_name), holder.id, u.product`,
    line: (r, c) => [s(r.cardholder), s(r.email), product(c.t, r.product), n(r.rooms), n(r.conferences), n(r.legs), n(r.duration_s), n(r.billable_s), n(r.charge_minor)],
  },
  {
    type: "user-status",
    summary: true,
    group: "account",
    usesRange: false,
    usesFilters: true,
    columns: [
      { key: "name", kind: "text", width: 28 },
      { key: "email", kind: "text", width: 30 },
      { key: "roles", kind: "text", width: 22 },
      { key: "groups", kind: "text", width: 26 },
      { key: "status", kind: "text" },
      { key: "rooms", kind: "int", sum: "rooms" },
      { key: "lastLogin", kind: "date", width: 20 },
      COLUMN.time,
    ],
    rows: (a, q) => sql`
      with people as (
        select user_id from account_members where account_id = ${a}
        union select cardholder_id from rooms where account_id = ${a}
        union select user_id from group_members where account_id = ${a})
      select u.id as user_id, u.display_name as name, u.email, u.status, u.last_login_at,
             (select role from account_members m where m.account_id = ${a} and m.user_id = u.id) as role,
             (select count(*) from rooms r where r.account_id = ${a} and r.cardholder_id = u.id)::int as rooms,
             (select string_agg(g.name, ', ' order by g.name) from group_members gm join groups g on g.account_id = gm.account_id and g.id = gm.group_id
               where gm.account_id = ${a} and gm.user_id = u.id) as groups
      from people p join users u on u.id = p.user_id
      where true ${peopleFilter(a, q, sql`u.id`)}
        ${q.products.length ? sql`and exists (select 1 from rooms r where r.account_id = ${a} and r.cardholder_id = u.id and r.product in ${q.products})` : sql``}
      order by lower(u.display_name), u.id`,
    line: (r, c) => {
      const roles = [r.role === "owner" ? c.t.reports.roles.owner : r.role === "member" ? c.t.reports.roles.member : "", n(r.rooms) ? c.t.reports.roles.cardholder : ""].filter(Boolean);
      const login = d(r.last_login_at);
      return [s(r.name), s(r.email), roles.join(", "), s(r.groups), r.status === "suspended" ? c.t.reports.status.suspended : c.t.reports.status.active, n(r.rooms), login, login];
    },
  },
  {
    type: "toll-free",
    group: "account",
    usesRange: true,
    usesFilters: true,
    columns: [
      COLUMN.date,
      COLUMN.time,
      COLUMN.room,
      COLUMN.cardholder,
      { key: "callerNumber", kind: "phone", width: 18 },
      { key: "dialedNumber", kind: "phone", width: 18 },
      { key: "duration", kind: "duration", sum: "duration_s" },
      COLUMN.billableTime,
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select ${epochMs(sql`l.joined_at`)} as joined_at, r.number as room, holder.display_name as cardholder, l.caller_number, l.dialed_number,
             l.duration_s, l.billable_s, l.charge_minor
      from ${conferencesOf(a, q, sql`join legs l on l.account_id = c.account_id and l.period = c.period and l.conference_id = c.id and l.service_type = 'toll-free'`)}
      order by l.joined_at, l.id`,
    total: (a, q) => rollupTotal(daysOf(a, q, "legs", "toll-free"), { lines: sql`sum(d.legs)`, duration_s: sql`sum(d.duration_s)`, billable_s: sql`sum(d.billable_s)`, charge_minor: sql`sum(d.charge_minor)` }),
    line: (r) => [d(r.joined_at), d(r.joined_at), room(r.room), s(r.cardholder), s(r.caller_number), s(r.dialed_number), n(r.duration_s), n(r.billable_s), n(r.charge_minor)],
  },
  {
    type: "conference-history",
    group: "conferences",
    usesRange: true,
    usesFilters: true,
    columns: [
      COLUMN.date,
      { key: "start", kind: "time" },
      { key: "end", kind: "time" },
      COLUMN.room,
      COLUMN.cardholder,
      COLUMN.product,
      { key: "length", kind: "duration", sum: "length_s" },
      { key: "participants", kind: "int", sum: "legs" },
      { key: "billingCode", kind: "text", width: 18 },
      COLUMN.accumulatedTime,
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select ${epochMs(sql`c.started_at`)} as started_at, ${epochMs(sql`c.ended_at`)} as ended_at, r.number as room, holder.display_name as cardholder, c.product, c.billing_code,
             extract(epoch from c.ended_at - c.started_at)::int as length_s, c.legs, c.duration_s, c.charge_minor
      from ${conferencesOf(a, q)}
      order by c.started_at, c.id`,
    total: (a, q) =>
      rollupTotal(daysOf(a, q, "all"), {
        lines: sql`sum(d.conferences) filter (where d.service_type = '')`,
        length_s: sql`sum(d.length_s)`,
        legs: sql`sum(d.legs)`,
        duration_s: sql`sum(d.duration_s)`,
        charge_minor: sql`sum(d.charge_minor)`,
      }),
    line: (r, c) => [d(r.started_at), d(r.started_at), d(r.ended_at), room(r.room), s(r.cardholder), product(c.t, r.product), n(r.length_s), n(r.legs), r.billing_code === null ? c.t.codes.unallocated : s(r.billing_code), n(r.duration_s), n(r.charge_minor)],
  },
  {
    type: "participation",
    group: "conferences",
    usesRange: true,
    usesFilters: true,
    columns: [
      { key: "conferenceDate", kind: "date" },
      { key: "conferenceStart", kind: "time" },
      COLUMN.room,
      { key: "participant", kind: "text", width: 26 },
      { key: "phoneNumber", kind: "phone", width: 18 },
      { key: "serviceType", kind: "text", width: 18 },
      { key: "joined", kind: "time" },
      { key: "left", kind: "time" },
      { key: "duration", kind: "duration", sum: "duration_s" },
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select ${epochMs(sql`c.started_at`)} as started_at, r.number as room, l.participant_name, l.caller_number, l.service_type,
             ${epochMs(sql`l.joined_at`)} as joined_at, ${epochMs(sql`l.left_at`)} as left_at, l.duration_s, l.charge_minor
      from ${conferencesOf(a, q, conferenceLegs)}
      order by c.started_at, c.id, l.joined_at, l.id`,
    total: (a, q) => rollupTotal(daysOf(a, q, "legs"), { lines: sql`sum(d.legs)`, duration_s: sql`sum(d.duration_s)`, charge_minor: sql`sum(d.charge_minor)` }),
    line: (r, c) => [d(r.started_at), d(r.started_at), room(r.room), s(r.participant_name), s(r.caller_number), service(c.t, r.service_type), d(r.joined_at), d(r.left_at), n(r.duration_s), n(r.charge_minor)],
  },
  {
    type: "billing-history",
    summary: true,
    group: "audio",
    usesRange: true,
    usesFilters: true,
    columns: [
      { key: "month", kind: "month", width: 18 },
      { key: "serviceType", kind: "text", width: 20 },
      // Conferences that had a leg of the line's service type; the total counts each once.
      { key: "conferences", kind: "int", overall: "all_conferences" },
      COLUMN.legs,
      COLUMN.accumulatedTime,
      COLUMN.billableTime,
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select to_char(m.month, 'YYYY-MM') as month, m.service_type, m.conferences, m.legs, m.duration_s, m.billable_s, m.charge_minor,
             -- Every conference once (the rollup's conferences rows), whatever the service types of its legs.
             (select coalesce(sum(d.conferences), 0) from ${daysOf(a, q, "conferences")})::int as all_conferences
      from (
        -- Grouped by the month's first day: formatting each of a year's 1.6 million rows first took a third longer.
        select date_trunc('month', d.day::timestamp) as month, d.service_type,
               sum(d.conferences)::int as conferences, sum(d.legs)::int as legs, sum(d.duration_s)::bigint as duration_s,
               sum(d.billable_s)::bigint as billable_s, sum(d.charge_minor)::bigint as charge_minor
        from ${daysOf(a, q, "legs")}
        group by 1, 2) m
      order by 1, 2`,
    line: (r, c) => [Date.parse(`${s(r.month)}-01T00:00:00Z`), service(c.t, r.service_type), n(r.conferences), n(r.legs), n(r.duration_s), n(r.billable_s), n(r.charge_minor)],
  },
  {
    type: "phone-numbers",
    summary: true,
    group: "audio",
    usesRange: false,
    usesFilters: false,
    columns: [
      { key: "number", kind: "phone", width: 22 },
      { key: "country", kind: "text", width: 18 },
      { key: "serviceType", kind: "text", width: 20 },
      { key: "rate", kind: "rate", width: 16 },
      { key: "increment", kind: "int" },
      { key: "minimum", kind: "int" },
    ],
    rows: (a) => sql`
      select an.number, an.country, an.service_type, t.rate_per_minute_e4, t.increment_s, t.minimum_s
      from access_numbers an
      left join lateral (
        select rate_per_minute_e4, increment_s, minimum_s from tariffs t
        where t.service_type = an.service_type and (t.account_id = ${a} or t.account_id is null) and t.valid_from <= current_date
        order by (t.account_id is null), t.valid_from desc limit 1) t on true
      where an.account_id = ${a} or (an.account_id is null and not exists (select 1 from access_numbers own where own.account_id = ${a} and own.number = an.number))
      order by an.country, an.service_type, an.number`,
    line: (r, c) => [s(r.number), s(r.country), service(c.t, r.service_type), r.rate_per_minute_e4 === null ? null : n(r.rate_per_minute_e4), r.increment_s === null ? null : n(r.increment_s), r.minimum_s === null ? null : n(r.minimum_s)],
  },
  {
    type: "usage",
    group: "audio",
    usesRange: true,
    usesFilters: true,
    columns: [
      COLUMN.date,
      COLUMN.time,
      COLUMN.room,
      COLUMN.cardholder,
      { key: "serviceType", kind: "text", width: 18 },
      { key: "quantity", kind: "int", sum: "quantity" },
      { key: "billingCode", kind: "text", width: 18 },
      { key: "length", kind: "duration" },
      COLUMN.accumulatedTime,
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select ${epochMs(sql`c.started_at`)} as started_at, r.number as room, holder.display_name as cardholder, ls.service_type, ls.quantity, c.billing_code,
             extract(epoch from c.ended_at - c.started_at)::int as length_s, ls.duration_s, ls.charge_minor
      from ${conferencesOf(a, q, sql`cross join lateral (
        select l.service_type, count(*)::int as quantity, sum(l.duration_s)::bigint as duration_s, sum(l.charge_minor)::bigint as charge_minor
        from legs l where l.account_id = c.account_id and l.period = c.period and l.conference_id = c.id group by l.service_type) ls`)}
      order by c.started_at, c.id, ls.service_type`,
    total: (a, q) =>
      rollupTotal(daysOf(a, q, "legs"), { lines: sql`sum(d.conferences)`, quantity: sql`sum(d.legs)`, duration_s: sql`sum(d.duration_s)`, charge_minor: sql`sum(d.charge_minor)` }),
    line: (r, c) => [d(r.started_at), d(r.started_at), room(r.room), s(r.cardholder), service(c.t, r.service_type), n(r.quantity), r.billing_code === null ? c.t.codes.unallocated : s(r.billing_code), n(r.length_s), n(r.duration_s), n(r.charge_minor)],
  },
  {
    type: "conference-rooms",
    summary: true,
    group: "audio",
    usesRange: true,
    usesFilters: true,
    columns: [
      COLUMN.room,
      COLUMN.cardholder,
      { key: "autoBillingCode", kind: "text", width: 18 },
      COLUMN.product,
      { key: "firstUse", kind: "date", width: 18 },
      { key: "lastUse", kind: "date", width: 18 },
      COLUMN.conferences,
      COLUMN.legs,
      COLUMN.accumulatedTime,
      COLUMN.charge,
    ],
    rows: (a, q) => sql`
      select r.number as room, holder.display_name as cardholder, r.auto_billing_code, r.product,
             u.first_use, u.last_use, coalesce(u.conferences, 0)::int as conferences, coalesce(u.legs, 0)::int as legs,
             coalesce(u.duration_s, 0)::bigint as duration_s, coalesce(u.charge_minor, 0)::bigint as charge_minor
      from rooms r
      join users holder on holder.id = r.cardholder_id
      left join (
        select d.room_id, min(d.first_started_at) as first_use, max(d.last_started_at) as last_use,
               sum(d.conferences) filter (where d.service_type = '') as conferences,
               sum(d.legs) as legs, sum(d.duration_s) as duration_s, sum(d.charge_minor) as charge_minor
        from report_days d
        where d.account_id = ${a} and d.day >= ${q.from}::date and d.day <= ${q.to}::date
        group by d.room_id) u on u.room_id = r.id
      where r.account_id = ${a} ${peopleFilter(a, q, sql`r.cardholder_id`)} ${productFilter(q, sql`r.product`)}
      order by r.number`,
    line: (r, c) => [room(r.room), s(r.cardholder), s(r.auto_billing_code), product(c.t, r.product), d(r.first_use), d(r.last_use), n(r.conferences), n(r.legs), n(r.duration_s), n(r.charge_minor)],
  },
];

/** Columns read as one token (numbers, codes, dates, amounts): kept on one line on screen. */
const ONE_LINE = new Set<ColumnKey>(["room", "billingCode", "autoBillingCode"]);
export const keepOnOneLine = (column: ReportColumn) => column.kind !== "text" || ONE_LINE.has(column.key);

export const reportDefinitions = new Map(definitions.map((def) => [def.type, def]));

export function reportDefinition(type: ReportType): ReportDefinition {
  return reportDefinitions.get(type)!;
}

/** The total row's SQL: the number of lines and the sum of every summed column, over the same statement. */
export function totalsQuery(def: ReportDefinition, accountId: number, query: ReportQuery): SQL {
  if (def.total) return def.total(accountId, query);
  const sums = [
    ...def.columns.filter((c) => c.sum).map((c) => sql`coalesce(sum(q.${sql.identifier(c.sum!)}), 0)::bigint as ${sql.identifier(c.sum!)}`),
    ...def.columns.filter((c) => c.overall).map((c) => sql`coalesce(max(q.${sql.identifier(c.overall!)}), 0)::bigint as ${sql.identifier(c.overall!)}`),
  ];
  return sql`select count(*)::int as lines${sums.length ? sql`, ${sql.join(sums, sql`, `)}` : sql``} from (${def.rows(accountId, query)}) q`;
}

/**
 * A page of a summary report with the whole report's count and sums on each line (window
 * aggregates over the few thousand lines at most), so the lines are computed once.
 */
export function summaryPageQuery(def: ReportDefinition, accountId: number, query: ReportQuery, limit: number, offset: number): SQL {
  const sums = [
    ...def.columns.filter((c) => c.sum).map((c) => sql`coalesce(sum(q.${sql.identifier(c.sum!)}) over (), 0)::bigint as ${sql.identifier(`total_${c.sum!}`)}`),
    ...def.columns.filter((c) => c.overall).map((c) => sql`coalesce(max(q.${sql.identifier(c.overall!)}) over (), 0)::bigint as ${sql.identifier(`total_${c.overall!}`)}`),
  ];
  return sql`select q.*, count(*) over ()::int as total_lines${sums.length ? sql`, ${sql.join(sums, sql`, `)}` : sql``} from (${def.rows(accountId, query)}) q limit ${limit} offset ${offset}`;
}

/** The total row's values by column index: the sums and the overall counts, as numbers. */
export function totalsByColumn(def: ReportDefinition, totals: Row): Partial<Record<number, number>> {
  const out: Partial<Record<number, number>> = {};
  def.columns.forEach((c, i) => {
    const total = c.sum ?? c.overall;
    if (total) out[i] = n(totals[total]);
  });
  return out;
}
