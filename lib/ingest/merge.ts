import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PoolClient } from "pg";
import { z } from "zod";
import { oneRow, rows } from "@/db/rows";
import { audit } from "@/lib/audit";
import { addToRollups, shiftRollups } from "@/lib/usage/rollups";
import type { Principal } from "./api-key";
import { GROUP_COLUMNS, groupKey, REPORT_DAY_COLUMNS, ReportDays } from "./groups";
import type { ChunkConferences, Stage, StagedChunk } from "./staging";
import { createTempTable } from "./temp-tables";
import type { RejectedRow, RowError } from "./validate";

/** A conference named with another room than its stored or earlier legs'. */
type Conflict = RowError & { account: number; conference: string };

/** The instant of a staged epoch-milliseconds column, exactly. */
const AT = (ms: string) => `(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

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
export class Merger {
  /** Conferences named with another room than their stored or earlier legs', in every chunk. */
  readonly conflicts: Conflict[] = [];
  /** Their rows, taken out of the batch. */
  readonly unstaged: RejectedRow[] = [];
  private readonly tx: NodePgDatabase;
  private readonly locked = new Set<number>();
  /** The batch's daily-rollup figures, added to the table once, at the end. */
  private readonly reportDays = new ReportDays();
  private accepted = 0;
  private late = 0;
  /** The work tables have statistics: the first chunk's serve the next ones. */
  private analysed = false;
  /** A leg of the batch was already stored or repeated: every chunk from then on is merged without such legs. */
  private probing = false;

  private constructor(
    private readonly client: PoolClient,
    private readonly principal: Principal,
    private readonly stage: Stage,
    private readonly productOf: (roomId: number) => string,
  ) {
    this.tx = drizzle(client);
  }

  /** The batch's work tables and settings, and a provider batch's turn. */
  static async open(client: PoolClient, principal: Principal, stage: Stage, productOf: (roomId: number) => string): Promise<Merger> {
    await createWorkTables(client);
    // A few large statements: no time spent compiling them (JIT), sorts and hashes in memory; the
    // daily rollup kept by this merge from its own tables (migration 0007).
    await client.query("set local jit = off");
    await client.query("set local work_mem = '256MB'");
    await client.query("set local portal.report_days_by_writer = 'on'");
    if (principal.accountId === null) await client.query("select pg_advisory_xact_lock(hashtext('ingest provider'))");
    return new Merger(client, principal, stage, productOf);
  }

  /** Writes a chunk of legs (of these accounts) into the batch's conferences, legs and rollups. */
  async merge(chunk: StagedChunk, accounts: Set<number>): Promise<void> {
    await chunk.writeLegs();
    // Temp tables are never analysed by autovacuum: without statistics the planner may join the
    // staged legs by nested loops. Only the columns the merge joins on are described (the row
    // count comes with any of them).
    if (!this.analysed) await this.client.query("analyze ingest_legs (account_id, conference_ext, leg_ext)");
    await this.lockAccounts(accounts);
    if (!this.probing && (await this.mergeAsNew(chunk))) return;
    await this.mergeWithoutStored();
  }

  /** Audits the batch (`staged` legs); its counts, and the accounts it wrote to. */
  async finish(staged: number): Promise<{ accepted: number; duplicates: number; late: number; accounts: number[] }> {
    await this.stage.write("ingest_report_days", REPORT_DAY_COLUMNS, this.reportDays.rows());
    await addToReportDays(this.client);
    const { accepted, late } = this;
    const duplicates = staged - accepted;
    for (const accountId of [...this.locked].sort((a, b) => a - b)) {
      await audit(this.tx, { accountId, actorLabel: this.principal.label, action: "usage.ingested", after: { accepted, duplicates, late } });
    }
    return { accepted, duplicates, late, accounts: [...this.locked].sort((a, b) => a - b) };
  }

  /** The accounts' turns not taken yet, in id order. */
  private async lockAccounts(accounts: Set<number>) {
    for (const id of [...accounts].filter((a) => !this.locked.has(a)).sort((a, b) => a - b)) {
      await this.client.query(LOCK_ACCOUNT, [id]);
      this.locked.add(id);
    }
  }

  /**
   * New legs are the rule: the chunk is first merged as if none were stored or repeated. A leg
   * already stored (by an earlier batch, or an earlier chunk of this one) or repeated in the chunk
   * breaks the legs' key: the chunk is then undone (false), to be merged without them, and so are
   * the batch's next chunks.
   */
  private async mergeAsNew(chunk: StagedChunk): Promise<boolean> {
    await this.client.query("savepoint chunk");
    try {
      await this.mergeConferences(chunk);
      await this.client.query("release savepoint chunk");
      return true;
    } catch (error) {
      if (!isStoredLeg(error)) throw error;
      await this.client.query("rollback to savepoint chunk");
      this.probing = true;
      return false;
    }
  }

  /** The staged legs without the stored ones and the repetitions (the first line of a leg is kept), merged. */
  private async mergeWithoutStored() {
    await this.client.query("delete from ingest_legs s using ingest_legs f where f.account_id = s.account_id and f.leg_ext = s.leg_ext and f.line < s.line");
    await this.client.query("delete from ingest_legs s using legs l where l.account_id = s.account_id and l.external_id = s.leg_ext");
    await this.mergeConferences(await this.stage.regroup());
  }

  /** The staged legs' conferences, their conflicts taken out of the batch first, merged. */
  private async mergeConferences({ groups, writeGroups }: ChunkConferences) {
    const { client, tx } = this;
    await writeGroups();
    if (!this.analysed) await client.query("analyze ingest_groups (account_id, room_id, conference_ext)");
    await groupConferences(client);
    if (!this.analysed) await client.query("analyze ingest_conferences");
    const found = await conferenceConflicts(tx);
    const taken = found.length ? await unstageConflicts(tx, found) : [];
    // The chunk's daily-rollup figures, summed while the database inserts its conferences;
    // the batch's only once the chunk is merged.
    const days = new ReportDays();
    const leftOut = (extended: string[]) => new Set([...extended, ...found.map((c) => groupKey(c.account, c.conference))]);
    const added = await mergeChunk(client, tx, (extended) => days.add(groups, leftOut(extended), this.productOf));
    this.reportDays.addAll(days);
    this.conflicts.push(...found);
    this.unstaged.push(...taken);
    this.analysed = true;
    this.accepted += added.accepted;
    this.late += added.late;
  }
}

/** A month's partition of legs (migration 0021): its key's index is named for it. */
const LEGS_PARTITION_KEY = /^legs_\d{4}_\d{2}_pkey$/;

/**
 * A leg whose key (account, leg id, period) is already stored, or comes twice in the statement: the
 * unique violation of the legs' primary key, reported by the index of the month's partition. The
 * period adds nothing to the key in practice: a leg is stored in its conference's period, the same
 * at every sending (see db/schema/usage.ts).
 */
function isStoredLeg(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === "23505" && (e.constraint === "legs_account_id_external_id_period_pk" || LEGS_PARTITION_KEY.test(e.constraint ?? ""));
}

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

const conflictRow = z.object({ line: z.number(), conference_ext: z.string(), account_id: z.coerce.number() });

/** Legs of one conference naming different rooms, or a known conference named with another room. */
async function conferenceConflicts(tx: NodePgDatabase): Promise<Conflict[]> {
  const found = await rows(
    tx,
    conflictRow,
    sql`select line, conference_ext, account_id from ingest_conferences where room_id <> other_room_id or room_id <> stored_room_id order by line`,
  );
  return found.map((r) => ({ line: r.line, field: "room_number", message: `conference ${r.conference_ext} is held in another room`, account: r.account_id, conference: r.conference_ext }));
}

/** A staged leg taken out of the batch: its fields under the names the bridge sent them with. */
const unstagedLeg = z.object({
  line: z.number(),
  account_id: z.coerce.number(),
  conference_ext: z.string(),
  leg_id: z.string(),
  conference_id: z.string(),
  service_type: z.string(),
  started_at: z.coerce.date(),
  ended_at: z.coerce.date(),
  caller_name: z.string(),
  caller_number: z.string(),
  dialed_number: z.string(),
  billing_code: z.string().nullable(),
  product: z.string().nullable(),
});

/** With skipInvalid: the conflicting conferences' rows leave the batch and go to the rejects. */
async function unstageConflicts(tx: NodePgDatabase, conflicts: Conflict[]): Promise<RejectedRow[]> {
  const keys = sql`(account_id, conference_ext) in (select * from unnest(${sql.param(conflicts.map((c) => c.account))}::bigint[], ${sql.param(conflicts.map((c) => c.conference))}::text[]))`;
  await tx.execute(sql`delete from ingest_conferences where ${keys}`);
  const taken = await rows(
    tx,
    unstagedLeg,
    sql`delete from ingest_legs where ${keys}
        returning line, account_id, leg_ext as leg_id, conference_ext, conference_ext as conference_id, service_type, ${sql.raw(AT("joined_ms"))} as started_at, ${sql.raw(AT("left_ms"))} as ended_at,
                  participant_name as caller_name, caller_number, dialed_number, keypad_code as billing_code, product`,
  );
  return taken.map(({ line, account_id, conference_ext, ...fields }) => ({
    line,
    fields,
    errors: [{ line, field: "room_number", message: conflicts.find((c) => c.account === account_id && c.conference === conference_ext)!.message }],
  }));
}

/** The stored conferences (`conferences c`) the chunk extends. */
const EXTENDED = sql`(c.account_id, c.id) in (select account_id, id from ingest_conferences where extends)`;

/** The conferences' (account, GMT day of start, room) buckets of the daily rollup, for those the chunk extends. */
const EXTENDED_BUCKETS = `
  insert into ingest_report_keys
  select c.account_id, (c.started_at at time zone 'UTC')::date, c.room_id
  from conferences c join ingest_conferences i on i.account_id = c.account_id and i.id = c.id
  where i.extends`;

/** The month of each of the chunk's conferences (`ingest_conferences i`), to tell late legs: those of an invoiced month. */
const INVOICED = "left join billing_periods b on b.account_id = i.account_id and b.period = i.period";

/**
 * Merges the chunk's conferences and legs; its accepted and late legs. `whileInserting` gets the
 * conferences the chunk extends (by `groupKey`) and runs while the new ones are inserted.
 */
async function mergeChunk(client: PoolClient, tx: NodePgDatabase, whileInserting: (extended: string[]) => void): Promise<{ accepted: number; late: number }> {
  const extended = await extendStoredConferences(client, tx);
  await insertNewConferences(client, () => whileInserting(extended));
  // Months made ahead cover what the ingest accepts; an older month (a leg up to 366 days old, in a
  // zone behind UTC, on a database started long ago) gets its partition here rather than a failure.
  await client.query("select legs_create_partitions(min(period), max(period)) from ingest_conferences");
  await insertLegs(client);
  // Into the rollups: extended conferences whole again; new ones with the totals they were inserted with.
  if (extended.length) await shiftRollups(tx, 1, EXTENDED);
  await addToRollups(
    tx,
    sql`select account_id, period, room_id, coalesce(billing_code, '') as billing_code, count(*) as conferences,
               sum(legs) as legs, sum(duration_s) as duration_s, sum(charge_minor) as charge_minor
        from ingest_conferences where not extends
        group by account_id, period, room_id, coalesce(billing_code, '')`,
  );
  return countLegs(tx);
}

const extendedRow = z.object({ account_id: z.coerce.number(), conference_ext: z.string() });

/**
 * The stored conferences the chunk extends, locked, their usage taken out of the rollups (put back
 * once the chunk is merged), then extended: earlier start (and then its month), later end; a keypad
 * code where none is set yet. Their daily-rollup buckets, where they start before and after, are
 * recomputed at the end. Their keys (`groupKey`).
 */
async function extendStoredConferences(client: PoolClient, tx: NodePgDatabase): Promise<string[]> {
  const extended = await rows(
    tx,
    extendedRow,
    sql`select i.account_id, i.conference_ext from conferences c join ingest_conferences i on i.account_id = c.account_id and i.id = c.id
        where i.extends order by c.account_id, c.id for update of c`,
  );
  if (!extended.length) return [];
  await shiftRollups(tx, -1, EXTENDED);
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
  return extended.map((c) => groupKey(c.account_id, c.conference_ext));
}

/** The new conferences as grouped (no conflict to resolve: the account's batches are serialised by its lock); `meanwhile` runs while the database inserts them. */
async function insertNewConferences(client: PoolClient, meanwhile: () => void) {
  const inserting = client.query(`
    insert into conferences (account_id, id, room_id, external_id, product, started_at, ended_at, period, billing_code, billing_code_source, legs, duration_s, charge_minor)
    overriding system value
    select account_id, id, room_id, conference_ext, product, started_at, ended_at, period, billing_code, billing_code_source, legs, duration_s, charge_minor
    from ingest_conferences where not extends`);
  try {
    meanwhile();
  } finally {
    await inserting;
  }
}

/** The chunk's legs into their conferences (none is a duplicate any more; late in an invoiced month). */
async function insertLegs(client: PoolClient) {
  await client.query(`
    insert into legs (account_id, conference_id, external_id, period, participant_name, caller_number, dialed_number, service_type,
                      joined_at, left_at, duration_s, billable_s, charge_minor, late)
    select s.account_id, i.id, s.leg_ext, i.period, s.participant_name, s.caller_number, s.dialed_number, s.service_type,
           ${AT("s.joined_ms")}, ${AT("s.left_ms")}, s.duration_s, s.billable_s, s.charge_minor, coalesce(b.status = 'invoiced', false)
    from ingest_legs s
    join ingest_conferences i on i.account_id = s.account_id and i.conference_ext = s.conference_ext
    ${INVOICED}`);
}

const legCounts = z.object({ accepted: z.coerce.number().nullable(), late: z.coerce.number().nullable() });

/** The chunk's legs stored, and how many of them are late. */
async function countLegs(tx: NodePgDatabase): Promise<{ accepted: number; late: number }> {
  const counts = await oneRow(tx, legCounts, sql`select sum(i.legs) as accepted, sum(i.legs) filter (where b.status = 'invoiced') as late from ingest_conferences i ${sql.raw(INVOICED)}`);
  return { accepted: counts.accepted ?? 0, late: counts.late ?? 0 };
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
