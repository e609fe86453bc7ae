import { pipeline, type Readable } from "node:stream";
import { setImmediate } from "node:timers/promises";
import type { PoolClient } from "pg";
import { checkOut, type Database } from "@/db/client";
import type { Principal } from "./api-key";
import { guardBody } from "./body";
import { checkRecord, loadBook, type Book } from "./check";
import type { StagedLeg } from "./leg";
import { Merger } from "./merge";
import { FIELDS, readRecords, type Format, type RawRecord } from "./parse";
import { Spool } from "./spool";
import { openStage, type Stage } from "./staging";
import type { RejectedRow, RowError } from "./validate";

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
  | { ok: true; accepted: number; duplicates: number; late: number; rejected: RejectedRow[]; accounts: number[] }
  | { ok: false; errors: RowError[]; errorCount: number };

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
  const book = await loadBook(db, principal, options.now ?? new Date());
  const bytes = guarded(input, format, options.maxBytes);
  if (options.reread) {
    const found = await checkBatch(bytes, format, book, options);
    if (found.refused) return found.refusal();
    return storeBatch(db, principal, guarded(options.reread(), format), format, book, options);
  }
  const spool = new Spool();
  try {
    const found = await checkBatch(pipeline(bytes, spool, () => {}), format, book, options);
    if (found.refused) return found.refusal();
    return await storeBatch(db, principal, spool.replay(), format, book, options);
  } finally {
    await spool.discard();
  }
}

/** The bytes through the body's checks (guardBody); an error of either stream fails the one returned. */
const guarded = (bytes: Readable, format: Format, maxBytes?: number) => pipeline(bytes, guardBody(format, { maxBytes }), () => {});

/**
 * A pass's problems: the first maxErrors of them and their count; with skipInvalid, when storing,
 * every bad row with its problems for the rejects instead.
 */
class Problems {
  readonly errors: RowError[] = [];
  readonly rejected: RejectedRow[] = [];
  count = 0;
  private readonly skipInvalid: boolean;
  private readonly maxErrors: number;

  /** `keepRows`: the bad rows go to `rejected` (the second pass, with skipInvalid), not to `errors`. */
  constructor(
    options: IngestOptions,
    private readonly keepRows: boolean,
  ) {
    this.skipInvalid = Boolean(options.skipInvalid);
    this.maxErrors = options.maxErrors ?? 1000;
  }

  add(record: RawRecord, problems: RowError[]) {
    this.count += problems.length;
    if (this.keepRows) this.rejected.push({ line: record.line, fields: "values" in record ? fieldsOf(record.values) : {}, errors: problems });
    else if (this.errors.length < this.maxErrors) this.errors.push(...problems.slice(0, this.maxErrors - this.errors.length));
  }

  /** The batch cannot be stored: it has bad rows, and the good ones are not to be stored alone. */
  get refused(): boolean {
    return this.count > 0 && !this.skipInvalid;
  }

  refusal(): IngestResult {
    return { ok: false, errors: this.errors, errorCount: this.count };
  }
}

/** A record's values by field name, for the rejects file. */
function fieldsOf(values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((field, i) => [field, values[i]]).filter(([, value]) => value !== undefined));
}

/** The first pass: every row read and checked as it arrives; its problems. */
async function checkBatch(input: Readable, format: Format, book: Book, options: IngestOptions): Promise<Problems> {
  const problems = new Problems(options, false);
  let rows = 0;
  try {
    for await (const records of readRecords(input, format)) {
      for (const record of records) {
        if (++rows % 10_000 === 0) options.onProgress?.(rows);
        const checked = checkRecord(record, book);
        if ("problems" in checked) problems.add(record, checked.problems);
      }
    }
  } catch (error) {
    // Stops reading the client: its batch is refused.
    input.destroy();
    throw error;
  }
  options.onProgress?.(rows);
  return problems;
}

/** The second pass: the batch read again, staged and merged chunk by chunk in one transaction. */
async function storeBatch(db: Database, principal: Principal, input: Readable, format: Format, book: Book, options: IngestOptions): Promise<IngestResult> {
  const { client, release } = await checkOut(db.$client);
  let feed: ChunkFeed | undefined;
  try {
    await client.query("begin");
    const stage = await openStage(client);
    const productOf = roomProducts(book);
    const merger = await Merger.open(client, principal, stage, (roomId) => productOf.get(roomId)!);
    feed = new ChunkFeed(stage, merger, options.chunkLegs ?? CHUNK_LEGS);
    const problems = await stageRecords(input, format, book, options, feed);
    return await finishBatch(client, feed, merger, problems, options);
  } catch (error) {
    await feed?.settled();
    await client.query("rollback").catch(() => {});
    release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    release();
  }
}

/** Each room's product, the conference's when its legs name none. */
const roomProducts = (book: Book) => new Map([...book.rooms.values()].map((r) => [r.roomId, r.product]));

/**
 * Hands the staged legs to the merger a chunk at a time: a full chunk is taken (its conferences
 * encoded) while the database still merges the one before, and merged once that one is done.
 */
class ChunkFeed {
  /** Legs staged in the whole batch. */
  staged = 0;
  /** The merge of the chunk before, running while the next one is read. */
  private merging: Promise<void> = Promise.resolve();
  private accounts = new Set<number>();

  constructor(
    private readonly stage: Stage,
    private readonly merger: Merger,
    private readonly chunkLegs: number,
  ) {}

  /** Stages a leg; true when its chunk is full (then `mergeStaged`). */
  add(leg: StagedLeg): boolean {
    this.accounts.add(leg.accountId);
    this.staged++;
    this.stage.add(leg);
    return this.stage.size >= this.chunkLegs;
  }

  /** Starts the merge of the legs staged, once the one before is done. */
  async mergeStaged() {
    // Taken, its conferences encoded, while the database still merges the chunk before.
    const chunk = this.stage.take();
    const accounts = this.accounts;
    this.accounts = new Set();
    await this.merging;
    this.merging = this.merger.merge(chunk, accounts);
    // Awaited before the next chunk or at the end; until then a failure must not count as unhandled.
    this.merging.catch(() => {});
  }

  /** The last legs merged, and every merge done. */
  async flush() {
    if (this.stage.size) await this.mergeStaged();
    await this.merging;
  }

  /** The merge under way finished, however it ends (the transaction is being rolled back). */
  settled(): Promise<void> {
    return this.merging.catch(() => {});
  }
}

/** The second pass's reading: every record checked again, the good legs fed to the merge (none once the batch is known to be refused). */
async function stageRecords(input: Readable, format: Format, book: Book, options: IngestOptions, feed: ChunkFeed): Promise<Problems> {
  const problems = new Problems(options, Boolean(options.skipInvalid));
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
      if ("problems" in checked) problems.add(record, checked.problems);
      else if (!problems.refused && feed.add(checked.leg)) await feed.mergeStaged();
    }
  }
  options.onProgress?.(rows);
  return problems;
}

/**
 * The end of the second pass: rolled back when the batch is refused (bad rows, or conferences
 * held in another room, without skipInvalid); else its last chunk merged, audited and committed.
 */
async function finishBatch(client: PoolClient, feed: ChunkFeed, merger: Merger, problems: Problems, options: IngestOptions): Promise<IngestResult> {
  if (problems.refused) {
    await feed.settled();
    await client.query("rollback");
    return problems.refusal();
  }
  await feed.flush();
  const { conflicts, unstaged } = merger;
  if (conflicts.length && !options.skipInvalid) {
    await client.query("rollback");
    return { ok: false, errors: conflicts.slice(0, options.maxErrors ?? 1000), errorCount: conflicts.length };
  }
  const result = await merger.finish(feed.staged - unstaged.length);
  await client.query("commit");
  const rejected = [...problems.rejected, ...unstaged].sort((a, b) => a.line - b.line);
  return { ok: true, ...result, rejected };
}
