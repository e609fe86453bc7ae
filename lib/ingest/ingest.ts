import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PoolClient } from "pg";
import type { Database } from "@/db/client";
import { audit } from "@/lib/audit";
import { addToRollups, shiftRollups } from "@/lib/usage/rollups";
import { FIELDS, readRecords, type Format } from "./parse";
import { openStage, type Stage, type StagedLeg } from "./staging";
import { TariffBook } from "./tariff-book";
import { validateRecord, type RowError } from "./validate";

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
  let stage: Stage | undefined;
  try {
    await client.query("begin");
    const rooms = await roomsOf(client, principal);
    const tariffs = await TariffBook.load(tx, [...new Set([...rooms.values()].map((r) => r.accountId))]);
    stage = await openStage(client);

    const errors: RowError[] = [];
    let errorCount = 0;
    const rejected: RejectedRow[] = [];
    const accountIds = new Set<number>();
    let staged = 0;
    let rows = 0;
    for await (const records of readRecords(input, format)) {
      for (const record of records) {
        rows++;
        if (rows % 10_000 === 0) options.onProgress?.(rows);
        let problems: RowError[];
        let leg: StagedLeg | undefined;
        if ("error" in record) problems = [{ line: record.line, field: "row", message: record.error }];
        else {
          const checked = validateRecord(record.line, record.values, now, oldest);
          if ("errors" in checked) problems = checked.errors;
          else {
            const { cdr } = checked;
            const room = rooms.get(cdr.roomNumber);
            const durationS = Math.round((cdr.endedMs - cdr.startedMs) / 1000);
            const rated = room && tariffs.rate(room.accountId, cdr.serviceType, cdr.startedMs, durationS);
            // Another account's room reads exactly like an unknown one.
            problems = !room ? [{ line: record.line, field: "room_number", message: "is not a room of this account" }] : !rated ? [{ line: record.line, field: "service_type", message: "has no tariff for this date" }] : [];
            if (room && rated) {
              leg = {
                line: cdr.line,
                accountId: room.accountId,
                roomId: room.roomId,
                conferenceExt: cdr.conferenceId,
                legExt: cdr.legId,
                serviceType: cdr.serviceType,
                joinedMs: cdr.startedMs,
                leftMs: cdr.endedMs,
                durationS,
                billableS: rated.billableS,
                chargeMinor: rated.chargeMinor,
                participantName: cdr.callerName,
                callerNumber: cdr.callerNumber,
                dialedNumber: cdr.dialedNumber,
                keypadCode: cdr.billingCode,
                product: cdr.product,
              };
            }
          }
        }
        if (problems.length) {
          errorCount += problems.length;
          if (options.skipInvalid) rejected.push({ line: record.line, fields: "values" in record ? fieldsOf(record.values) : {}, errors: problems });
          else if (errors.length < maxErrors) errors.push(...problems.slice(0, maxErrors - errors.length));
          continue;
        }
        // Once the batch is known to be refused, only keep validating: nothing more to stage.
        if (errorCount && !options.skipInvalid) continue;
        accountIds.add(leg!.accountId);
        staged++;
        await stage.add(leg!);
      }
    }
    options.onProgress?.(rows);
    if (errorCount && !options.skipInvalid) {
      stage.abort();
      await client.query("rollback");
      return { ok: false, errors, errorCount };
    }
    await stage.finish();
    // Temp tables are never analysed by autovacuum: without statistics the planner may join a
    // million staged legs by nested loops.
    await client.query("analyze ingest_legs");
    // Batches of one account merge one at a time, so rollups never count a leg twice.
    const batchAccounts = [...accountIds].sort((a, b) => a - b);
    for (const id of batchAccounts) await client.query("select pg_advisory_xact_lock(hashtext('ingest'), $1::int)", [id]);
    // A few large statements: no time spent compiling them (JIT), sorts and hashes in memory.
    await client.query("set local jit = off");
    await client.query("set local work_mem = '256MB'");
    await groupConferences(client);
    const conflicts = await conferenceConflicts(client);
    if (conflicts.length && !options.skipInvalid) {
      await client.query("rollback");
      return { ok: false, errors: conflicts.slice(0, maxErrors), errorCount: conflicts.length };
    }
    const unstaged = conflicts.length ? await unstageConflicts(client, conflicts) : [];
    rejected.push(...unstaged);
    const accounts = unstaged.length ? await stagedAccounts(client) : batchAccounts;
    const result = await merge(client, tx, principal, accounts, staged - unstaged.length);
    await client.query("commit");
    return { ok: true, ...result, rejected };
  } catch (error) {
    stage?.abort();
    await client.query("rollback").catch(() => {});
    release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    release();
  }
}

async function roomsOf(client: PoolClient, principal: Principal): Promise<Map<string, Room>> {
  const { rows } = await client.query<{ number: string; account_id: string; id: string }>(
    principal.accountId === null ? "select number, account_id, id from rooms" : "select number, account_id, id from rooms where account_id = $1",
    principal.accountId === null ? [] : [principal.accountId],
  );
  return new Map(rows.map((r) => [r.number, { accountId: Number(r.account_id), roomId: Number(r.id) }]));
}

/** A record's values by field name, for the rejects file. */
function fieldsOf(values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((field, i) => [field, values[i]]).filter(([, value]) => value !== undefined));
}

async function stagedAccounts(client: PoolClient): Promise<number[]> {
  const { rows } = await client.query<{ account_id: string }>("select distinct account_id from ingest_legs order by 1");
  return rows.map((r) => Number(r.account_id));
}

/** The instant of a staged epoch-milliseconds column, exactly. */
const AT = (ms: string) => `(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

/**
 * The batch's conferences (first join, last leave, first keypad code and product), each with the
 * stored one it extends, if any; id, period and billing code are filled in as they are written. The
 * merge joins the staged legs with this table, never with the conferences table, whose statistics
 * do not know the rows just written (nested loops over a million legs otherwise).
 */
async function groupConferences(client: PoolClient) {
  await client.query(`
    create temp table ingest_conferences on commit drop as
    select g.*, c.id, c.id is not null as extends, c.room_id as stored_room_id, null::date as period, null::text as billing_code from (
      select account_id, conference_ext, min(line) as line, min(room_id) as room_id, max(room_id) as other_room_id,
             ${AT("min(joined_ms)")} as started_at, ${AT("max(left_ms)")} as ended_at,
             (array_agg(keypad_code order by line) filter (where keypad_code is not null))[1] as keypad_code,
             (array_agg(product order by line) filter (where product is not null))[1] as product
      from ingest_legs group by account_id, conference_ext) g
    left join conferences c on c.account_id = g.account_id and c.external_id = g.conference_ext`);
  await client.query("analyze ingest_conferences");
}

/** Legs of one conference naming different rooms, or a known conference named with another room. */
async function conferenceConflicts(client: PoolClient): Promise<(RowError & { account: number; conference: string })[]> {
  const { rows } = await client.query<{ line: number; conference_ext: string; account_id: string }>(`
    select line, conference_ext, account_id from ingest_conferences
    where room_id <> other_room_id or room_id <> stored_room_id
    order by line`);
  return rows.map((r) => ({ line: r.line, field: "room_number", message: `conference ${r.conference_ext} is held in another room`, account: Number(r.account_id), conference: r.conference_ext }));
}

/** With skipInvalid: the conflicting conferences' rows leave the batch and go to the rejects. */
async function unstageConflicts(client: PoolClient, conflicts: { account: number; conference: string; message: string }[]): Promise<RejectedRow[]> {
  await client.query("delete from ingest_conferences where (account_id, conference_ext) in (select * from unnest($1::bigint[], $2::text[]))", [conflicts.map((c) => c.account), conflicts.map((c) => c.conference)]);
  const { rows } = await client.query<Record<string, string | number | Date | null> & { line: number; conference_ext: string; account_id: string }>(
    `delete from ingest_legs where (account_id, conference_ext) in (select * from unnest($1::bigint[], $2::text[]))
     returning line, account_id, leg_ext as leg_id, conference_ext, conference_ext as conference_id, service_type, ${AT("joined_ms")} as started_at, ${AT("left_ms")} as ended_at,
               participant_name as caller_name, caller_number, dialed_number, keypad_code as billing_code, product`,
    [conflicts.map((c) => c.account), conflicts.map((c) => c.conference)],
  );
  return rows.map(({ line, account_id, conference_ext, ...fields }) => ({
    line,
    fields,
    errors: [{ line, field: "room_number", message: conflicts.find((c) => c.account === Number(account_id) && c.conference === conference_ext)!.message }],
  }));
}

async function merge(client: PoolClient, tx: NodePgDatabase, principal: Principal, accountIds: number[], staged: number) {
  // The stored conferences this batch extends: locked, then their usage taken out of the rollups.
  await client.query(`
    select c.id from conferences c join ingest_conferences i on i.account_id = c.account_id and i.id = c.id
    where i.extends order by c.account_id, c.id for update of c`);
  const extended = sql`(c.account_id, c.id) in (select account_id, id from ingest_conferences where extends)`;
  await shiftRollups(tx, -1, extended);
  // The batch's conferences, by the rooms' defaults: period in the account's zone, product, billing code.
  const conferenceRows = `
    select i.account_id, i.id, i.room_id, i.conference_ext, coalesce(i.product, r.product) as product, i.started_at, i.ended_at,
           date_trunc('month', i.started_at at time zone a.time_zone)::date as period,
           coalesce(i.keypad_code, r.auto_billing_code) as billing_code,
           case when i.keypad_code is not null then 'keypad' when r.auto_billing_code is not null then 'auto' end as billing_code_source,
           i.keypad_code, i.extends
    from ingest_conferences i
    join rooms r on r.account_id = i.account_id and r.id = i.room_id
    join accounts a on a.id = i.account_id`;
  // Extended: earlier start (and then its month), later end; a keypad code where none is set yet.
  await client.query(`
    with changed as (
      update conferences c set
        started_at = least(c.started_at, n.started_at),
        ended_at = greatest(c.ended_at, n.ended_at),
        period = case when n.started_at < c.started_at then n.period else c.period end,
        billing_code = coalesce(c.billing_code, n.keypad_code),
        billing_code_source = case when c.billing_code is null and n.keypad_code is not null then 'keypad' else c.billing_code_source end
      from (${conferenceRows} where i.extends) n
      where c.account_id = n.account_id and c.id = n.id
      returning c.account_id, c.id, c.period, c.billing_code)
    update ingest_conferences i set period = changed.period, billing_code = changed.billing_code
    from changed where i.account_id = changed.account_id and i.id = changed.id`);
  // New: a plain insert (no conflict to resolve: the account's batches are serialised by the lock above).
  await client.query(`
    with created as (
      insert into conferences (account_id, room_id, external_id, product, started_at, ended_at, period, billing_code, billing_code_source)
      select account_id, room_id, conference_ext, product, started_at, ended_at, period, billing_code, billing_code_source
      from (${conferenceRows} where not i.extends) n
      returning account_id, external_id, id, period, billing_code)
    update ingest_conferences i set id = created.id, period = created.period, billing_code = created.billing_code
    from created where i.account_id = created.account_id and i.conference_ext = created.external_id`);
  // The legs stored (a leg already stored, or twice in the batch, is a duplicate), summed per conference.
  await client.query("create temp table ingest_added (account_id bigint, conference_id bigint, legs int, late int, duration_s bigint, charge_minor bigint) on commit drop");
  await client.query(`
    with added as (
      insert into legs (account_id, conference_id, external_id, participant_name, caller_number, dialed_number, service_type,
                        joined_at, left_at, duration_s, billable_s, charge_minor, late)
      select distinct on (s.account_id, s.leg_ext)
             s.account_id, i.id, s.leg_ext, s.participant_name, s.caller_number, s.dialed_number, s.service_type,
             ${AT("s.joined_ms")}, ${AT("s.left_ms")}, s.duration_s, s.billable_s, s.charge_minor, coalesce(b.status = 'invoiced', false)
      from ingest_legs s
      join ingest_conferences i on i.account_id = s.account_id and i.conference_ext = s.conference_ext
      left join billing_periods b on b.account_id = i.account_id and b.period = i.period
      order by s.account_id, s.leg_ext, s.line
      on conflict (account_id, external_id) do nothing
      returning account_id, conference_id, late, duration_s, charge_minor)
    insert into ingest_added
    select account_id, conference_id, count(*), count(*) filter (where late), sum(duration_s), sum(charge_minor) from added group by account_id, conference_id`);
  // Into the rollups: extended conferences whole again; new ones from the legs just added, without reading them back.
  await shiftRollups(tx, 1, extended);
  await addToRollups(
    tx,
    sql`select i.account_id, i.period, i.room_id, coalesce(i.billing_code, '') as billing_code, count(*) as conferences,
               coalesce(sum(a.legs), 0) as legs, coalesce(sum(a.duration_s), 0) as duration_s, coalesce(sum(a.charge_minor), 0) as charge_minor
        from ingest_conferences i
        left join ingest_added a on a.account_id = i.account_id and a.conference_id = i.id
        where not i.extends
        group by i.account_id, i.period, i.room_id, coalesce(i.billing_code, '')`,
  );
  const counts = await client.query<{ accepted: string | null; late: string | null }>("select sum(legs) as accepted, sum(late) as late from ingest_added");
  const accepted = Number(counts.rows[0]?.accepted ?? 0);
  const late = Number(counts.rows[0]?.late ?? 0);
  const duplicates = staged - accepted;
  for (const accountId of accountIds) {
    await audit(tx, { accountId, actorLabel: principal.label, action: "usage.ingested", after: { accepted, duplicates, late } });
  }
  return { accepted, duplicates, late };
}
