import { once } from "node:events";
import { finished } from "node:stream/promises";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { ConferenceGroups, GROUP_COLUMNS } from "./groups";
import type { StagedLeg } from "./leg";
import { createTempTable, type Cell, type Columns } from "./temp-tables";

const COLUMNS: Columns = [
  ["line", "int"],
  ["account_id", "bigint"],
  ["room_id", "bigint"],
  ["conference_ext", "text"],
  ["leg_ext", "text"],
  ["service_type", "text"],
  ["joined_ms", "bigint"],
  ["left_ms", "bigint"],
  ["duration_s", "int"],
  ["billable_s", "int"],
  ["charge_minor", "bigint"],
  ["participant_name", "text"],
  ["caller_number", "text"],
  ["dialed_number", "text"],
  ["keypad_code", "text"],
  ["product", "text"],
];

/**
 * Holds a batch's legs in memory until they are written, a chunk at a time, into the temp table
 * `ingest_legs` (dropped at commit), and groups them by conference as they come: the ingest reads,
 * checks and rates the next chunk while the database merges the one written before.
 */
export type Stage = {
  add(leg: StagedLeg): void;
  /** Legs held since the last `take`. */
  readonly size: number;
  /** The legs held and their conferences, handed over whole (nothing is held afterwards). */
  take(): StagedChunk;
  /** The conferences of the legs left in `ingest_legs` (after the stored and repeated ones were taken out), grouped again. */
  regroup(): Promise<ChunkConferences>;
  /** Replaces the rows of a temp table (`createTempTable`) with these. */
  write(table: string, columns: Columns, rows: Iterable<Cell[]>): Promise<void>;
};

/** A chunk's conferences as grouped, and the writer of their rows into `ingest_groups` (encoded already). */
export type ChunkConferences = {
  groups: ConferenceGroups;
  writeGroups: () => Promise<void>;
};

export type StagedChunk = ChunkConferences & {
  /** Replaces the rows of `ingest_legs` with the chunk's legs, once the connection is free. */
  writeLegs: () => Promise<void>;
};

/** Creates `ingest_legs` and a stage for it and the batch's other temp tables, written by COPY. */
export async function openStage(client: PoolClient): Promise<Stage> {
  await createTempTable(client, "ingest_legs", COLUMNS);
  /** Encodes rows now (while the database is busy with something else); the returned function writes them. */
  const prepare = (table: string, columns: Columns, rows: Iterable<Cell[]>): (() => Promise<void>) => {
    const text = new CopyText();
    for (const row of rows) text.row(row);
    const pieces = text.done();
    return () => copyText(client, table, columns, pieces);
  };
  const conferencesOf = (groups: ConferenceGroups): ChunkConferences => ({ groups, writeGroups: prepare("ingest_groups", GROUP_COLUMNS, groups.conferenceRows()) });
  const holder = copyHolder(client);
  let groups = new ConferenceGroups();
  return {
    add(leg) {
      holder.add(leg);
      groups.add(leg);
    },
    get size() {
      return holder.size;
    },
    take() {
      const chunk = { writeLegs: holder.take(), ...conferencesOf(groups) };
      groups = new ConferenceGroups();
      return chunk;
    },
    write(table, columns, rows) {
      return prepare(table, columns, rows)();
    },
    async regroup() {
      const { rows } = await client.query<Record<string, string | number | null>>(
        "select line, account_id, room_id, conference_ext, service_type, joined_ms, left_ms, duration_s, billable_s, charge_minor, keypad_code, product from ingest_legs",
      );
      const regrouped = new ConferenceGroups();
      for (const r of rows) {
        regrouped.add({
          line: Number(r.line),
          accountId: Number(r.account_id),
          roomId: Number(r.room_id),
          conferenceExt: String(r.conference_ext),
          serviceType: String(r.service_type),
          joinedMs: Number(r.joined_ms),
          leftMs: Number(r.left_ms),
          durationS: Number(r.duration_s),
          billableS: Number(r.billable_s),
          chargeMinor: Number(r.charge_minor),
          keypadCode: r.keypad_code === null ? undefined : String(r.keypad_code),
          product: r.product === null ? undefined : String(r.product),
        });
      }
      return conferencesOf(regrouped);
    },
  };
}

/** Legs held as COPY text until the chunk is taken. */
type Holder = { add(leg: StagedLeg): void; readonly size: number; take(): () => Promise<void> };

/** Bytes of COPY text per piece handed to the connection. */
const COPY_PIECE = 1 << 16;
const [TAB, NEWLINE, CR, BACKSLASH, MINUS, N] = ["\t", "\n", "\r", "\\", "-", "N"].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number];
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * COPY's text format (tab-separated, backslash escapes, \N for null) written straight into pieces
 * of bytes as the legs come: no string is built per leg (a line of about 30 small strings, joined,
 * then encoded, was a sixth of the server's time for a large batch and most of its garbage).
 */
class CopyText {
  private readonly pieces: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(COPY_PIECE);
  private at = 0;

  /** Makes room for `bytes` more. */
  private room(bytes: number) {
    if (this.at + bytes <= this.buffer.length) return;
    if (this.at) this.pieces.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(COPY_PIECE, bytes));
    this.at = 0;
  }

  /** An integer (as every number staged is), then `end` (a tab or the line's end). */
  int(value: number, end: number) {
    if (!Number.isSafeInteger(value)) return this.text(String(value), end);
    this.room(18);
    const b = this.buffer;
    let v = value;
    if (v < 0) {
      b[this.at++] = MINUS;
      v = -v;
    }
    // Digits from the last, then turned around.
    let from = this.at;
    do {
      b[this.at++] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    for (let to = this.at - 1; from < to; from++, to--) {
      const d = b[from]!;
      b[from] = b[to]!;
      b[to] = d;
    }
    b[this.at++] = end;
  }

  /** A text (undefined: null), escaped, then `end`. */
  text(value: string | undefined, end: number) {
    if (value === undefined) {
      this.room(3);
      this.buffer[this.at++] = BACKSLASH;
      this.buffer[this.at++] = N;
      this.buffer[this.at++] = end;
      return;
    }
    // At most three bytes a UTF-16 unit (an escape is two), and the end.
    this.room(value.length * 3 + 1);
    const b = this.buffer;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) {
        // Beyond ASCII: the rest as UTF-8 by Buffer, its escapes first.
        this.at += b.write(value.slice(i).replace(/[\\\t\n\r]/g, (e) => ESCAPES[e]!), this.at, "utf8");
        break;
      }
      if (c === BACKSLASH || c === TAB || c === NEWLINE || c === CR) {
        b[this.at++] = BACKSLASH;
        b[this.at++] = c === BACKSLASH ? BACKSLASH : c === TAB ? 116 : c === NEWLINE ? 110 : 114;
      } else b[this.at++] = c;
    }
    b[this.at++] = end;
  }

  /** Any row, in its columns' order. */
  row(cells: Cell[]) {
    const last = cells.length - 1;
    cells.forEach((cell, i) => (typeof cell === "number" ? this.int(cell, i === last ? NEWLINE : TAB) : this.text(cell, i === last ? NEWLINE : TAB)));
  }

  /** The pieces written; nothing is held afterwards. */
  done(): Buffer[] {
    if (this.at) this.pieces.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.alloc(0);
    this.at = 0;
    return this.pieces;
  }
}

/** One leg as a line of COPY text, in COLUMNS order (written out: this runs once per leg). */
function copyLeg(t: CopyText, l: StagedLeg) {
  t.int(l.line, TAB);
  t.int(l.accountId, TAB);
  t.int(l.roomId, TAB);
  t.text(l.conferenceExt, TAB);
  t.text(l.legExt, TAB);
  t.text(l.serviceType, TAB);
  t.int(l.joinedMs, TAB);
  t.int(l.leftMs, TAB);
  t.int(l.durationS, TAB);
  t.int(l.billableS, TAB);
  t.int(l.chargeMinor, TAB);
  t.text(l.participantName, TAB);
  t.text(l.callerNumber, TAB);
  t.text(l.dialedNumber, TAB);
  t.text(l.keypadCode, TAB);
  t.text(l.product, NEWLINE);
}

function copyHolder(client: PoolClient): Holder {
  let legs = 0;
  let text = new CopyText();
  return {
    add(leg) {
      legs++;
      copyLeg(text, leg);
    },
    get size() {
      return legs;
    },
    take() {
      const chunk = text.done();
      legs = 0;
      text = new CopyText();
      return () => copyText(client, "ingest_legs", COLUMNS, chunk);
    },
  };
}

/** Replaces a temp table's rows with COPY text, with backpressure. */
async function copyText(client: PoolClient, table: string, columns: Columns, pieces: Buffer[]) {
  await client.query(`truncate ${table}`);
  const stream = client.query(copyFrom(`copy ${table} (${columns.map(([name]) => name).join(", ")}) from stdin`));
  const done = finished(stream);
  // Awaited below; until then a failure must not count as unhandled.
  done.catch(() => {});
  try {
    for (const text of pieces) if (!stream.write(text)) await Promise.race([once(stream, "drain"), done]);
    stream.end();
  } finally {
    // A cut connection fails the COPY: its error is thrown here, once.
    await done;
  }
}
