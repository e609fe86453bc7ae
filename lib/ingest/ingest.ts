import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PoolClient } from "pg";
import type { Database } from "@/db/client";
import { audit } from "@/lib/audit";
import { shiftRollups } from "@/lib/usage/rollups";
import { readRecords, type Format } from "./parse";
import { TariffBook } from "./tariff-book";
import { validateRecord, type Cdr, type RowError } from "./validate";

/** Who sends usage: one account's key, or a provider key (account null) valid for every account. */
export type Principal = { accountId: number | null; label: string };

export type IngestOptions = {
  /** Write the good rows and hand back the bad ones instead of refusing the whole batch. */
  skipInvalid?: boolean;
  maxErrors?: number;
  onProgress?: (rows: number) => void;
  now?: Date;
};

export type IngestResult =
  | { ok: true; accepted: number; duplicates: number; late: number; rejected: RejectedRow[] }
  | { ok: false; errors: RowError[]; errorCount: number };

export type RejectedRow = { line: number; fields: Record<string, unknown>; errors: RowError[] };

type Room = { accountId: number; roomId: number };

const STAGE_BATCH = 5000;

/**
 * Reads a batch of CDRs, validates every row, rates each leg and stores the batch in one
 * transaction: conferences created or extended, legs added (a leg already stored is a duplicate),
 * rollups moved with them. Any invalid row (unless skipInvalid) → nothing is written.
 */
export async function ingest(db: Database, principal: Principal, input: Readable, format: Format, options: IngestOptions = {}): Promise<IngestResult> {
  const now = options.now ?? new Date();
  const oldest = new Date(now.getTime() - 366 * 86_400_000);
  const maxErrors = options.maxErrors ?? 1000;
  const client = await db.$client.connect();
  // A connection lost mid-query (the server cut it) fails that query; it must not crash the process.
  client.on("error", () => {});
  const tx = drizzle(client);
  let released = false;
  const release = (error?: Error) => {
    if (!released) client.release(error);
    released = true;
  };
  try {
    await client.query("begin");
    const rooms = await roomsOf(client, principal);
    const tariffs = await TariffBook.load(tx, [...new Set([...rooms.values()].map((r) => r.accountId))]);
    await client.query(`create temp table ingest_legs (
      line int, account_id bigint, room_id bigint, conference_ext text, leg_ext text, service_type text,
      joined_at timestamptz, left_at timestamptz, duration_s int, billable_s int, charge_minor bigint,
      participant_name text, caller_number text, dialed_number text, keypad_code text, product text) on commit drop`);

    const errors: RowError[] = [];
    let errorCount = 0;
    const rejected: RejectedRow[] = [];
    let batch: Staged[] = [];
    let rows = 0;
    const flush = async () => {
      if (batch.length) await stage(client, batch);
      batch = [];
    };
    for await (const record of readRecords(input, format)) {
      rows++;
      if (rows % 10_000 === 0) options.onProgress?.(rows);
      let problems: RowError[];
      let staged: Staged | undefined;
      if ("error" in record) problems = [{ line: record.line, field: "row", message: record.error }];
      else {
        const checked = validateRecord(record.line, record.fields, now, oldest);
        if ("errors" in checked) problems = checked.errors;
        else {
          const room = rooms.get(checked.cdr.roomNumber);
          const rated = room && tariffs.rate(room.accountId, checked.cdr.serviceType, checked.cdr.startedAt, Math.round((checked.cdr.endedAt.getTime() - checked.cdr.startedAt.getTime()) / 1000));
          // Another account's room reads exactly like an unknown one.
          problems = !room ? [{ line: record.line, field: "room_number", message: "is not a room of this account" }] : !rated ? [{ line: record.line, field: "service_type", message: "has no tariff for this date" }] : [];
          if (room && rated) staged = { cdr: checked.cdr, room, ...rated };
        }
      }
      if (problems.length) {
        errorCount += problems.length;
        if (options.skipInvalid) rejected.push({ line: record.line, fields: "fields" in record ? record.fields : {}, errors: problems });
        else if (errors.length < maxErrors) errors.push(...problems.slice(0, maxErrors - errors.length));
        continue;
      }
      // Once the batch is known to be refused, only keep validating: nothing more to stage.
      if (errorCount && !options.skipInvalid) continue;
      batch.push(staged!);
      if (batch.length >= STAGE_BATCH) await flush();
    }
    options.onProgress?.(rows);
    if (errorCount && !options.skipInvalid) {
      await client.query("rollback");
      return { ok: false, errors, errorCount };
    }
    await flush();
    const conflicts = await conferenceConflicts(client);
    if (conflicts.length && !options.skipInvalid) {
      await client.query("rollback");
      return { ok: false, errors: conflicts.slice(0, maxErrors), errorCount: conflicts.length };
    }
    if (conflicts.length) rejected.push(...(await unstageConflicts(client, conflicts)));
    const result = await merge(client, tx, principal);
    await client.query("commit");
    return { ok: true, ...result, rejected };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    release();
  }
}

type Staged = { cdr: Cdr; room: Room; billableS: number; chargeMinor: number };

async function roomsOf(client: PoolClient, principal: Principal): Promise<Map<string, Room>> {
  const { rows } = await client.query<{ number: string; account_id: string; id: string }>(
    principal.accountId === null ? "select number, account_id, id from rooms" : "select number, account_id, id from rooms where account_id = $1",
    principal.accountId === null ? [] : [principal.accountId],
  );
  return new Map(rows.map((r) => [r.number, { accountId: Number(r.account_id), roomId: Number(r.id) }]));
}

/** Stages rows with one statement per batch: arrays unnested server-side. */
async function stage(client: PoolClient, rows: Staged[]) {
  const column = <T>(pick: (r: Staged) => T) => rows.map(pick);
  await client.query(
    `insert into ingest_legs select * from unnest($1::int[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
       $7::timestamptz[], $8::timestamptz[], $9::int[], $10::int[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])`,
    [
      column((r) => r.cdr.line),
      column((r) => r.room.accountId),
      column((r) => r.room.roomId),
      column((r) => r.cdr.conferenceId),
      column((r) => r.cdr.legId),
      column((r) => r.cdr.serviceType),
      column((r) => r.cdr.startedAt.toISOString()),
      column((r) => r.cdr.endedAt.toISOString()),
      column((r) => Math.round((r.cdr.endedAt.getTime() - r.cdr.startedAt.getTime()) / 1000)),
      column((r) => r.billableS),
      column((r) => r.chargeMinor),
      column((r) => r.cdr.callerName),
      column((r) => r.cdr.callerNumber),
      column((r) => r.cdr.dialedNumber),
      column((r) => r.cdr.billingCode ?? null),
      column((r) => r.cdr.product ?? null),
    ],
  );
}

/** Legs of one conference naming different rooms, or a known conference named with another room. */
async function conferenceConflicts(client: PoolClient): Promise<(RowError & { account: number; conference: string })[]> {
  const { rows } = await client.query<{ line: number; conference_ext: string; account_id: string }>(`
    select min(s.line) as line, s.conference_ext, s.account_id from ingest_legs s
    left join conferences c on c.account_id = s.account_id and c.external_id = s.conference_ext
    group by s.account_id, s.conference_ext
    having count(distinct s.room_id) > 1 or bool_or(c.room_id is not null and c.room_id <> s.room_id)
    order by 1`);
  return rows.map((r) => ({ line: r.line, field: "room_number", message: `conference ${r.conference_ext} is held in another room`, account: Number(r.account_id), conference: r.conference_ext }));
}

/** With skipInvalid: the conflicting conferences' rows leave the batch and go to the rejects. */
async function unstageConflicts(client: PoolClient, conflicts: { account: number; conference: string; message: string }[]): Promise<RejectedRow[]> {
  const { rows } = await client.query<Record<string, string | number | Date | null> & { line: number; conference_ext: string; account_id: string }>(
    `delete from ingest_legs where (account_id, conference_ext) in (select * from unnest($1::bigint[], $2::text[]))
     returning line, account_id, leg_ext as leg_id, conference_ext, conference_ext as conference_id, service_type, joined_at as started_at, left_at as ended_at,
               participant_name as caller_name, caller_number, dialed_number, keypad_code as billing_code, product`,
    [conflicts.map((c) => c.account), conflicts.map((c) => c.conference)],
  );
  return rows.map(({ line, account_id, conference_ext, ...fields }) => ({
    line,
    fields,
    errors: [{ line, field: "room_number", message: conflicts.find((c) => c.account === Number(account_id) && c.conference === conference_ext)!.message }],
  }));
}

async function merge(client: PoolClient, tx: NodePgDatabase, principal: Principal) {
  // Batches of one account merge one at a time, so rollups never count a leg twice.
  const { rows: accountRows } = await client.query<{ account_id: string }>("select distinct account_id from ingest_legs order by 1");
  const accountIds = accountRows.map((r) => Number(r.account_id));
  for (const id of accountIds) await client.query("select pg_advisory_xact_lock(hashtext('ingest'), $1::int)", [id]);

  const staged = (await client.query<{ n: string }>("select count(*) as n from ingest_legs")).rows[0]!.n;
  await client.query(`
    create temp table ingest_conferences on commit drop as
    select account_id, conference_ext, min(room_id) as room_id, min(joined_at) as started_at, max(left_at) as ended_at,
           (array_agg(keypad_code order by line) filter (where keypad_code is not null))[1] as keypad_code,
           (array_agg(product order by line) filter (where product is not null))[1] as product
    from ingest_legs group by account_id, conference_ext`);
  // The stored conferences this batch extends: locked, then their usage taken out of the rollups.
  await client.query(`
    select c.id from conferences c join ingest_conferences i on i.account_id = c.account_id and i.conference_ext = c.external_id
    order by c.account_id, c.id for update of c`);
  const touched = sql`(c.account_id, c.external_id) in (select account_id, conference_ext from ingest_conferences)`;
  await shiftRollups(tx, -1, touched);
  await client.query(`
    insert into conferences as c (account_id, room_id, external_id, product, started_at, ended_at, period, billing_code, billing_code_source)
    select i.account_id, i.room_id, i.conference_ext, coalesce(i.product, r.product), i.started_at, i.ended_at,
           date_trunc('month', i.started_at at time zone a.time_zone)::date,
           coalesce(i.keypad_code, r.auto_billing_code),
           case when i.keypad_code is not null then 'keypad' when r.auto_billing_code is not null then 'auto' end
    from ingest_conferences i
    join rooms r on r.account_id = i.account_id and r.id = i.room_id
    join accounts a on a.id = i.account_id
    on conflict (account_id, external_id) do update set
      started_at = least(c.started_at, excluded.started_at),
      ended_at = greatest(c.ended_at, excluded.ended_at),
      period = case when excluded.started_at < c.started_at then excluded.period else c.period end,
      billing_code = coalesce(c.billing_code, case when excluded.billing_code_source = 'keypad' then excluded.billing_code end),
      billing_code_source = case when c.billing_code is null and excluded.billing_code_source = 'keypad' then 'keypad' else c.billing_code_source end`);
  const inserted = await client.query<{ late: boolean }>(`
    insert into legs (account_id, conference_id, external_id, participant_name, caller_number, dialed_number, service_type,
                      joined_at, left_at, duration_s, billable_s, charge_minor, late)
    select distinct on (s.account_id, s.leg_ext)
           s.account_id, c.id, s.leg_ext, s.participant_name, s.caller_number, s.dialed_number, s.service_type,
           s.joined_at, s.left_at, s.duration_s, s.billable_s, s.charge_minor, coalesce(b.status = 'invoiced', false)
    from ingest_legs s
    join conferences c on c.account_id = s.account_id and c.external_id = s.conference_ext
    left join billing_periods b on b.account_id = c.account_id and b.period = c.period
    order by s.account_id, s.leg_ext, s.line
    on conflict (account_id, external_id) do nothing
    returning late`);
  await shiftRollups(tx, 1, touched);
  const accepted = inserted.rowCount ?? 0;
  const late = inserted.rows.filter((r) => r.late).length;
  const duplicates = Number(staged) - accepted;
  for (const accountId of accountIds) {
    await audit(tx, { accountId, actorLabel: principal.label, action: "usage.ingested", after: { accepted, duplicates, late } });
  }
  return { accepted, duplicates, late };
}
