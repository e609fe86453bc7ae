import { pipeline, type Readable } from "node:stream";
import { setImmediate } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Pool, PoolClient } from "pg";
import { checkOut, type Database } from "@/db/client";
import { audit } from "@/lib/audit";
import { addToRollups, shiftRollups } from "@/lib/usage/rollups";
import { guardBody } from "./body";
import { FIELDS, readRecords, type Format, type RawRecord } from "./parse";
import { GROUP_COLUMNS, groupKey, REPORT_DAY_COLUMNS, ReportDays } from "./groups";
import { Spool } from "./spool";
import { createTempTable, openStage, type ChunkConferences, type Stage, type StagedChunk, type StagedLeg } from "./staging";
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
  /** Legs merged at a time (tests make it small to cross chunk boundaries). */
  chunkLegs?: number;
  /** The largest batch accepted, in bytes (BodyError 413 above it). */
  maxBytes?: number;
  /** The same bytes again, from the start (a file read twice): the batch is then stored from them instead of a copy kept while checking it. */
  reread?: () => Readable;
};

export type IngestResult =
  | { ok: true; accepted: number; duplicates: number; late: number; rejected: RejectedRow[] }
  | { ok: false; errors: RowError[]; errorCount: number };

type RejectedRow = { line: number; fields: Record<string, unknown>; errors: RowError[] };

type Room = { accountId: number; roomId: number; product: string };

/** What a batch is checked and rated against: the principal's rooms by number, and their accounts' tariffs. */
type Book = { rooms: Map<string, Room>; tariffs: TariffBook; now: Date; oldest: Date };

/**
 * Legs merged at a time: while the database merges one chunk (about 12 MB of COPY text), the next
 * is read, checked and rated, so the two cores work at once on a large batch.
 */
const CHUNK_LEGS = 100_000;
/**
 * Rows read between two turns of the event loop (a quarter of a millisecond of work): the merge
 * sends its next statement only when this loop lets the reply to the last one in, about twenty
 * times a chunk. At 1,000 rows the database waited ~0.5 s a million legs for it, at 200 ~0.4 s.
 */
const YIELD_EVERY = 50;

/**
 * Reads a batch of CDRs, validates every row, rates each leg and stores the batch in one
 * transaction: conferences created or extended, legs added (a leg already stored is a duplicate),
 * rollups moved with them. Any invalid row (unless skipInvalid) → nothing is written.
 *
 * The batch is read twice. First as it arrives, every row checked, with no transaction and no
 * connection held: a slow client, a refused batch or one cut off hold nothing the pages or other
 * batches wait for. Then, from a copy (or `reread`), in the transaction: the database merges a
 * chunk while the next is read and rated, at the pace of the two, not of the client's network.
 * A body that cannot be read whole (BodyError: too large, a line over 1 MiB, not UTF-8, empty,
 * no CSV header row) is refused before anything is written.
 */
export async function ingest(db: Database, principal: Principal, input: Readable, format: Format, options: IngestOptions = {}): Promise<IngestResult> {
  const now = options.now ?? new Date();
  const rooms = await roomsOf(db.$client, principal);
  const tariffs = await TariffBook.load(db, [...new Set([...rooms.values()].map((r) => r.accountId))]);
  const book: Book = { rooms, tariffs, now, oldest: new Date(now.getTime() - 366 * 86_400_000) };
  const bytes = guarded(input, format, options.maxBytes);
  if (options.reread) {
    const found = await checkBatch(bytes, format, book, options);
    if (found.errorCount && !options.skipInvalid) return { ok: false, ...found };
    return storeBatch(db, principal, guarded(options.reread(), format), format, book, options);
  }
  const spool = new Spool();
  try {
    const found = await checkBatch(pipeline(bytes, spool, () => {}), format, book, options);
    if (found.errorCount && !options.skipInvalid) return { ok: false, ...found };
    return await storeBatch(db, principal, spool.replay(), format, book, options);
  } finally {
    await spool.discard();
  }
}

/** The bytes through the body's checks (guardBody); an error of either stream fails the one returned. */
const guarded = (bytes: Readable, format: Format, maxBytes?: number) => pipeline(bytes, guardBody(format, { maxBytes }), () => {});

/** A record's leg, checked and rated, or its problems. */
function checkRecord(record: RawRecord, book: Book): { leg: StagedLeg } | { problems: RowError[] } {
  if ("error" in record) return { problems: [{ line: record.line, field: "row", message: record.error }] };
  const checked = validateRecord(record.line, record.values, book.now, book.oldest);
  if ("errors" in checked) return { problems: checked.errors };
  const { cdr } = checked;
  const room = book.rooms.get(cdr.roomNumber);
  // Another account's room reads exactly like an unknown one.
  if (!room) return { problems: [{ line: record.line, field: "room_number", message: "is not a room of this account" }] };
  const durationS = Math.round((cdr.endedMs - cdr.startedMs) / 1000);
  const rated = book.tariffs.rate(room.accountId, cdr.serviceType, cdr.startedMs, durationS);
  if (!rated) return { problems: [{ line: record.line, field: "service_type", message: "has no tariff for this date" }] };
  return {
    leg: {
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
    },
  };
}

/** The first pass: every row read and checked as it arrives; its problems (at most maxErrors of them) and their count. */
async function checkBatch(input: Readable, format: Format, book: Book, options: IngestOptions): Promise<{ errors: RowError[]; errorCount: number }> {
  const maxErrors = options.maxErrors ?? 1000;
  const errors: RowError[] = [];
  let errorCount = 0;
  let rows = 0;
  try {
    for await (const records of readRecords(input, format)) {
      for (const record of records) {
        if (++rows % 10_000 === 0) options.onProgress?.(rows);
        const checked = checkRecord(record, book);
        if ("leg" in checked) continue;
        errorCount += checked.problems.length;
        if (errors.length < maxErrors) errors.push(...checked.problems.slice(0, maxErrors - errors.length));
      }
    }
  } catch (error) {
    // Stops reading the client: its batch is refused.
    input.destroy();
    throw error;
  }
  options.onProgress?.(rows);
  return { errors, errorCount };
}

/** The second pass: the batch read again, staged and merged chunk by chunk in one transaction. */
async function storeBatch(db: Database, principal: Principal, input: Readable, format: Format, book: Book, options: IngestOptions): Promise<IngestResult> {
  const maxErrors = options.maxErrors ?? 1000;
  const chunkLegs = options.chunkLegs ?? CHUNK_LEGS;
  const { client, release } = await checkOut(db.$client);
  const tx = drizzle(client);
  // The merge of the chunk before, running while the next one is read.
  let merging: Promise<void> = Promise.resolve();
  try {
    await client.query("begin");
    const stage = await openStage(client);
    const roomProducts = new Map([...book.rooms.values()].map((r) => [r.roomId, r.product]));
    const merger = await openMerger(client, tx, principal, stage, (roomId) => roomProducts.get(roomId)!);

    const errors: RowError[] = [];
    let errorCount = 0;
    const rejected: RejectedRow[] = [];
    let chunkAccounts = new Set<number>();
    const mergeStaged = async () => {
      // Taken, its conferences encoded, while the database still merges the chunk before.
      const chunk = stage.take();
      const accounts = chunkAccounts;
      chunkAccounts = new Set();
      await merging;
      merging = merger.merge(chunk, accounts);
      // Awaited before the next chunk or at the end; until then a failure must not count as unhandled.
      merging.catch(() => {});
    };
    let staged = 0;
    let rows = 0;
    for await (const records of readRecords(input, format)) {
      for (const record of records) {
        rows++;
        if (rows % 10_000 === 0) options.onProgress?.(rows);
        // Lets the connection's I/O in between (the COPY's flow control, the merge's statement
        // replies): buffered input otherwise keeps this loop on promises alone for long stretches,
        // while the database waits for them.
        if (rows % YIELD_EVERY === 0) await setImmediate();
        const checked = checkRecord(record, book);
        if ("problems" in checked) {
          const { problems } = checked;
          errorCount += problems.length;
          if (options.skipInvalid) rejected.push({ line: record.line, fields: "values" in record ? fieldsOf(record.values) : {}, errors: problems });
          else if (errors.length < maxErrors) errors.push(...problems.slice(0, maxErrors - errors.length));
          continue;
        }
        // Once the batch is known to be refused, only keep validating: nothing more to stage.
        if (errorCount && !options.skipInvalid) continue;
        const { leg } = checked;
        chunkAccounts.add(leg.accountId);
        staged++;
        stage.add(leg);
        if (stage.size >= chunkLegs) await mergeStaged();
      }
    }
    options.onProgress?.(rows);
    if (errorCount && !options.skipInvalid) {
      await merging.catch(() => {});
      await client.query("rollback");
      return { ok: false, errors, errorCount };
    }
    if (stage.size) await mergeStaged();
    await merging;
    const { conflicts } = merger;
    if (conflicts.length && !options.skipInvalid) {
      await client.query("rollback");
      return { ok: false, errors: conflicts.slice(0, maxErrors), errorCount: conflicts.length };
    }
    rejected.push(...merger.unstaged);
    const result = await merger.finish(staged - merger.unstaged.length);
    await client.query("commit");
    return { ok: true, ...result, rejected: rejected.sort((a, b) => a.line - b.line) };
  } catch (error) {
    await merging.catch(() => {});
    await client.query("rollback").catch(() => {});
    release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    release();
  }
}

async function roomsOf(client: Pool | PoolClient, principal: Principal): Promise<Map<string, Room>> {
  const { rows } = await client.query<{ number: string; account_id: string; id: string; product: string }>(
    principal.accountId === null ? "select number, account_id, id, product from rooms" : "select number, account_id, id, product from rooms where account_id = $1",
    principal.accountId === null ? [] : [principal.accountId],
  );
  return new Map(rows.map((r) => [r.number, { accountId: Number(r.account_id), roomId: Number(r.id), product: r.product }]));
}

/** A record's values by field name, for the rejects file. */
function fieldsOf(values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((field, i) => [field, values[i]]).filter(([, value]) => value !== undefined));
}

/** The instant of a staged epoch-milliseconds column, exactly. */
const AT = (ms: string) => `(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

/**
 * The batch's work tables, dropped at commit: the chunk's conferences as read and as merged, the
 * daily-rollup buckets of the conferences it extends, and the figures its new conferences add to
 * the daily rollup (written once, at the end).
 */
async function createWorkTables(client: PoolClient) {
  await createTempTable(client, "ingest_groups", GROUP_COLUMNS);
  await client.query(`
    create temp table ingest_conferences (
      account_id bigint, conference_ext text, line int, room_id bigint, other_room_id bigint, started_at timestamptz, ended_at timestamptz,
      keypad_code text, id bigint, extends boolean, stored_room_id bigint, product text, period date, billing_code text, billing_code_source text,
      legs int, duration_s bigint, charge_minor bigint) on commit drop`);
  await client.query("create temp table ingest_report_keys (account_id bigint, day date, room_id bigint) on commit drop");
  await createTempTable(client, "ingest_report_days", REPORT_DAY_COLUMNS);
}

/**
 * The chunk's conferences (grouped as they were read: first join, last leave, first keypad code and
 * product, the legs' count, seconds and charge), each with the stored one it extends, if any. A new
 * one gets its id, period (in the account's zone), product and billing code (keypad, else the
 * room's) here, so it is inserted as it stands. The merge joins the staged legs with this table,
 * never with the conferences table, whose statistics do not know the rows just written (nested
 * loops otherwise).
 */
async function groupConferences(client: PoolClient) {
  await client.query("truncate ingest_conferences");
  await client.query(`
    insert into ingest_conferences
    select g.account_id, g.conference_ext, g.line, g.room_id, g.other_room_id, ${AT("g.joined_ms")}, ${AT("g.left_ms")}, g.keypad_code,
           coalesce(c.id, nextval('conferences_id_seq')), c.id is not null, c.room_id,
           coalesce(g.product, r.product), date_trunc('month', ${AT("g.joined_ms")} at time zone a.time_zone)::date,
           coalesce(g.keypad_code, r.auto_billing_code),
           case when g.keypad_code is not null then 'keypad' when r.auto_billing_code is not null then 'auto' end,
           g.legs, g.duration_s, g.charge_minor
    from ingest_groups g
    join rooms r on r.account_id = g.account_id and r.id = g.room_id
    join accounts a on a.id = g.account_id
    left join conferences c on c.account_id = g.account_id and c.external_id = g.conference_ext`);
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
  await client.query(`delete from ingest_conferences where (account_id, conference_ext) in (select * from unnest($1::bigint[], $2::text[]))`, [conflicts.map((c) => c.account), conflicts.map((c) => c.conference)]);
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

type Merger = {
  /** Writes a chunk of legs into the batch's conferences, legs and rollups. */
  merge(chunk: StagedChunk, accounts: Set<number>): Promise<void>;
  /** Conferences named with another room than their stored or earlier legs', in every chunk. */
  readonly conflicts: (RowError & { account: number; conference: string })[];
  /** Their rows, taken out of the batch. */
  readonly unstaged: RejectedRow[];
  /** Audits the batch; its counts. */
  finish(staged: number): Promise<{ accepted: number; duplicates: number; late: number }>;
};

/**
 * An account's ingest turn, and its daily-rollup lock (the key report_days_recompute takes, migration
 * 0006) held to the commit: no other writer recomputes a bucket from a snapshot without this batch.
 */
const LOCK_ACCOUNT = "select pg_advisory_xact_lock(hashtext('ingest'), $1::int), pg_advisory_xact_lock(hashtext('report_days'), ($1::bigint % 2147483647)::int)";

/**
 * Merges a batch chunk by chunk, in the batch's transaction. An account's batches take turns (so
 * rollups never count a leg twice), and so do provider batches among themselves (they lock accounts
 * as they meet them, which two of them could otherwise do in opposite orders).
 */
async function openMerger(client: PoolClient, tx: NodePgDatabase, principal: Principal, stage: Stage, productOf: (roomId: number) => string): Promise<Merger> {
  await createWorkTables(client);
  // A few large statements: no time spent compiling them (JIT), sorts and hashes in memory; the
  // daily rollup kept by this merge from its own tables (migration 0007).
  await client.query("set local jit = off");
  await client.query("set local work_mem = '256MB'");
  await client.query("set local portal.report_days_by_writer = 'on'");
  if (principal.accountId === null) await client.query("select pg_advisory_xact_lock(hashtext('ingest provider'))");
  const locked = new Set<number>();
  const conflicts: Merger["conflicts"] = [];
  const unstaged: RejectedRow[] = [];
  let accepted = 0;
  let late = 0;
  let analysed = false;
  let probing = false;
  const reportDays = new ReportDays();
  return {
    conflicts,
    unstaged,
    async merge(chunk, accounts) {
      await chunk.writeLegs();
      // Temp tables are never analysed by autovacuum: without statistics the planner may join the
      // staged legs by nested loops. The first chunk's statistics serve the next ones; only the
      // columns the merge joins on are described (the row count comes with any of them).
      if (!analysed) await client.query("analyze ingest_legs (account_id, conference_ext, leg_ext)");
      for (const id of [...accounts].filter((a) => !locked.has(a)).sort((a, b) => a - b)) {
        await client.query(LOCK_ACCOUNT, [id]);
        locked.add(id);
      }
      const attempt = async ({ groups, writeGroups }: ChunkConferences) => {
        await writeGroups();
        if (!analysed) await client.query("analyze ingest_groups (account_id, room_id, conference_ext)");
        await groupConferences(client);
        if (!analysed) await client.query("analyze ingest_conferences");
        const found = await conferenceConflicts(client);
        const taken = found.length ? await unstageConflicts(client, found) : [];
        // The chunk's daily-rollup figures, summed while the database inserts its conferences;
        // the batch's only once the chunk is merged.
        const days = new ReportDays();
        const added = await mergeChunk(client, tx, (extended) => days.add(groups, new Set([...extended, ...found.map((c) => groupKey(c.account, c.conference))]), productOf));
        reportDays.addAll(days);
        conflicts.push(...found);
        unstaged.push(...taken);
        analysed = true;
        accepted += added.accepted;
        late += added.late;
      };
      // New legs are the rule: the chunk is first merged as if none were stored or repeated. A leg
      // already stored (by an earlier batch, or an earlier chunk of this one) or repeated in the
      // chunk breaks the legs' key: the chunk is then merged again without the stored legs and the
      // repetitions (the first line of a leg is kept), and so are the batch's next chunks.
      if (!probing) {
        await client.query("savepoint chunk");
        try {
          await attempt(chunk);
          await client.query("release savepoint chunk");
          return;
        } catch (error) {
          if (!isStoredLeg(error)) throw error;
          await client.query("rollback to savepoint chunk");
          probing = true;
        }
      }
      await client.query("delete from ingest_legs s using ingest_legs f where f.account_id = s.account_id and f.leg_ext = s.leg_ext and f.line < s.line");
      await client.query("delete from ingest_legs s using legs l where l.account_id = s.account_id and l.external_id = s.leg_ext");
      await attempt(await stage.regroup());
    },
    async finish(staged) {
      await stage.write("ingest_report_days", REPORT_DAY_COLUMNS, reportDays.rows());
      await addToReportDays(client);
      const duplicates = staged - accepted;
      for (const accountId of [...locked].sort((a, b) => a - b)) {
        await audit(tx, { accountId, actorLabel: principal.label, action: "usage.ingested", after: { accepted, duplicates, late } });
      }
      return { accepted, duplicates, late };
    },
  };
}

/** A leg whose key (account, leg id) is already stored, or comes twice in the statement: the unique violation of the legs' primary key. */
function isStoredLeg(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === "23505" && e.constraint === "legs_account_id_external_id_pk";
}

/** The conferences' (account, GMT day of start, room) buckets of the daily rollup, for those the chunk extends. */
const EXTENDED_BUCKETS = `
  insert into ingest_report_keys
  select c.account_id, (c.started_at at time zone 'UTC')::date, c.room_id
  from conferences c join ingest_conferences i on i.account_id = c.account_id and i.id = c.id
  where i.extends`;

/**
 * Merges the chunk's conferences and legs; its accepted and late legs. `whileInserting` gets the
 * conferences the chunk extends (by `groupKey`) and runs while the new ones are inserted.
 */
async function mergeChunk(client: PoolClient, tx: NodePgDatabase, whileInserting: (extended: string[]) => void): Promise<{ accepted: number; late: number }> {
  // The stored conferences this chunk extends: locked, then their usage taken out of the rollups.
  const { rows: extendedRows } = await client.query<{ account_id: string; conference_ext: string }>(`
    select i.account_id, i.conference_ext from conferences c join ingest_conferences i on i.account_id = c.account_id and i.id = c.id
    where i.extends order by c.account_id, c.id for update of c`);
  const extendedCount = extendedRows.length;
  const extended = sql`(c.account_id, c.id) in (select account_id, id from ingest_conferences where extends)`;
  // Extended: earlier start (and then its month), later end; a keypad code where none is set yet.
  // Their daily-rollup buckets, where they start before and after, are recomputed at the end.
  if (extendedCount) {
    await shiftRollups(tx, -1, extended);
    await client.query(EXTENDED_BUCKETS);
    await client.query(`
      with changed as (
        update conferences c set
          started_at = least(c.started_at, n.started_at),
          ended_at = greatest(c.ended_at, n.ended_at),
          period = case when n.started_at < c.started_at then n.period else c.period end,
          billing_code = coalesce(c.billing_code, n.keypad_code),
          billing_code_source = case when c.billing_code is null and n.keypad_code is not null then 'keypad' else c.billing_code_source end,
          legs = c.legs + n.legs, duration_s = c.duration_s + n.duration_s, charge_minor = c.charge_minor + n.charge_minor
        from ingest_conferences n
        where n.extends and c.account_id = n.account_id and c.id = n.id
        returning c.account_id, c.id, c.period, c.billing_code)
      update ingest_conferences i set period = changed.period, billing_code = changed.billing_code
      from changed where i.account_id = changed.account_id and i.id = changed.id`);
    await client.query(EXTENDED_BUCKETS);
  }
  // New: as grouped (no conflict to resolve: the account's batches are serialised by its lock).
  const inserting = client.query(`
    insert into conferences (account_id, id, room_id, external_id, product, started_at, ended_at, period, billing_code, billing_code_source, legs, duration_s, charge_minor)
    overriding system value
    select account_id, id, room_id, conference_ext, product, started_at, ended_at, period, billing_code, billing_code_source, legs, duration_s, charge_minor
    from ingest_conferences where not extends`);
  try {
    whileInserting(extendedRows.map((c) => groupKey(Number(c.account_id), c.conference_ext)));
  } finally {
    await inserting;
  }
  // The legs (none is a duplicate any more; late in an invoiced month).
  const invoiced = "left join billing_periods b on b.account_id = i.account_id and b.period = i.period";
  await client.query(`
    insert into legs (account_id, conference_id, external_id, participant_name, caller_number, dialed_number, service_type,
                      joined_at, left_at, duration_s, billable_s, charge_minor, late)
    select s.account_id, i.id, s.leg_ext, s.participant_name, s.caller_number, s.dialed_number, s.service_type,
           ${AT("s.joined_ms")}, ${AT("s.left_ms")}, s.duration_s, s.billable_s, s.charge_minor, coalesce(b.status = 'invoiced', false)
    from ingest_legs s
    join ingest_conferences i on i.account_id = s.account_id and i.conference_ext = s.conference_ext
    ${invoiced}`);
  // Into the rollups: extended conferences whole again; new ones with the totals they were inserted with.
  if (extendedCount) await shiftRollups(tx, 1, extended);
  await addToRollups(
    tx,
    sql`select account_id, period, room_id, coalesce(billing_code, '') as billing_code, count(*) as conferences,
               sum(legs) as legs, sum(duration_s) as duration_s, sum(charge_minor) as charge_minor
        from ingest_conferences where not extends
        group by account_id, period, room_id, coalesce(billing_code, '')`,
  );
  const { rows } = await client.query<{ accepted: string | null; late: string | null }>(
    `select sum(i.legs) as accepted, sum(i.legs) filter (where b.status = 'invoiced') as late from ingest_conferences i ${invoiced}`,
  );
  return { accepted: Number(rows[0]?.accepted ?? 0), late: Number(rows[0]?.late ?? 0) };
}

/**
 * The batch's figures into the daily rollup (one row per bucket and service type, summed by
 * ReportDays), then the buckets of the conferences it extended recomputed from the stored rows
 * (exact, whatever the new conferences added to them).
 */
async function addToReportDays(client: PoolClient) {
  await client.query(`
    insert into report_days as d (account_id, day, room_id, product, service_type, conferences, legs, length_s, duration_s, billable_s, charge_minor, first_started_at, last_started_at)
    select account_id, day, room_id, product, service_type, conferences, legs, length_s, duration_s, billable_s, charge_minor, first_started_at, last_started_at
    from ingest_report_days
    on conflict (account_id, day, room_id, product, service_type) do update set
      conferences = d.conferences + excluded.conferences, legs = d.legs + excluded.legs, length_s = d.length_s + excluded.length_s,
      duration_s = d.duration_s + excluded.duration_s, billable_s = d.billable_s + excluded.billable_s, charge_minor = d.charge_minor + excluded.charge_minor,
      first_started_at = least(d.first_started_at, excluded.first_started_at), last_started_at = greatest(d.last_started_at, excluded.last_started_at)`);
  await client.query(`
    select report_days_recompute(array_agg(account_id), array_agg(day), array_agg(room_id))
    from (select distinct account_id, day, room_id from ingest_report_keys) k`);
}
