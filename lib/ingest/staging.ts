import { once } from "node:events";
import { finished } from "node:stream/promises";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { isPglite } from "@/db/client";

/** A validated, rated leg on its way to the database; times in epoch milliseconds. */
export type StagedLeg = {
  line: number;
  accountId: number;
  roomId: number;
  conferenceExt: string;
  legExt: string;
  serviceType: string;
  joinedMs: number;
  leftMs: number;
  durationS: number;
  billableS: number;
  chargeMinor: number;
  participantName: string;
  callerNumber: string;
  dialedNumber: string;
  keypadCode: string | undefined;
  product: string | undefined;
};

const COLUMNS = [
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
] as const;

const cells = (l: StagedLeg) => [l.line, l.accountId, l.roomId, l.conferenceExt, l.legExt, l.serviceType, l.joinedMs, l.leftMs, l.durationS, l.billableS, l.chargeMinor, l.participantName, l.callerNumber, l.dialedNumber, l.keypadCode, l.product];

/**
 * Holds a batch's legs in memory until they are written, a chunk at a time, into the temp table
 * `ingest_legs` (dropped at commit): the ingest reads, checks and rates the next chunk while the
 * database merges the one written before.
 */
export type Stage = {
  add(leg: StagedLeg): void;
  /** Legs held since the last `take`. */
  readonly size: number;
  /**
   * The legs held, handed over whole (nothing is held afterwards), as the writing of them: it
   * replaces the rows of `ingest_legs` with these legs, once the connection is free.
   */
  take(): WriteChunk;
};

export type WriteChunk = () => Promise<void>;

/** Creates `ingest_legs` and a stage for it: COPY on PostgreSQL, batched INSERTs through PGlite's socket (no COPY there). */
export async function openStage(client: PoolClient): Promise<Stage> {
  await client.query(`create temp table ingest_legs (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ")}) on commit drop`);
  return (await isPglite(client)) ? insertStage(client) : copyStage(client);
}

/**
 * Characters of COPY text per piece. Each piece is kept as bytes: the text built leg by leg is a
 * tree of small strings holding on to the parsed input (about 1.5 KB a leg), its bytes are 130.
 */
const COPY_PIECE = 1 << 16;
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** COPY's text format: tab-separated, backslash escapes, \N for null. */
function copyCell(value: string | undefined): string {
  if (value === undefined) return "\\N";
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

/** One leg as a line of COPY text, in COLUMNS order (written out: this runs once per leg). */
const copyLine = (l: StagedLeg) =>
  `${l.line}\t${l.accountId}\t${l.roomId}\t${copyCell(l.conferenceExt)}\t${copyCell(l.legExt)}\t${l.serviceType}\t${l.joinedMs}\t${l.leftMs}\t` +
  `${l.durationS}\t${l.billableS}\t${l.chargeMinor}\t${copyCell(l.participantName)}\t${copyCell(l.callerNumber)}\t${copyCell(l.dialedNumber)}\t${copyCell(l.keypadCode)}\t${copyCell(l.product)}\n`;

function copyStage(client: PoolClient): Stage {
  let legs = 0;
  let pieces: Buffer[] = [];
  let piece = "";
  return {
    add(leg) {
      legs++;
      piece += copyLine(leg);
      if (piece.length >= COPY_PIECE) {
        pieces.push(Buffer.from(piece));
        piece = "";
      }
    },
    get size() {
      return legs;
    },
    take() {
      if (piece) pieces.push(Buffer.from(piece));
      const chunk = pieces;
      legs = 0;
      pieces = [];
      piece = "";
      return () => copyChunk(client, chunk);
    },
  };
}

/** Replaces the rows of `ingest_legs` with COPY text, with backpressure. */
async function copyChunk(client: PoolClient, pieces: Buffer[]) {
  await client.query("truncate ingest_legs");
  const stream = client.query(copyFrom(`copy ingest_legs (${COLUMNS.map(([name]) => name).join(", ")}) from stdin`));
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

const INSERT_BATCH = 5000;

function insertStage(client: PoolClient): Stage {
  let rows: StagedLeg[] = [];
  return {
    add(leg) {
      rows.push(leg);
    },
    get size() {
      return rows.length;
    },
    take() {
      const chunk = rows;
      rows = [];
      return async () => {
        await client.query("truncate ingest_legs");
        for (let i = 0; i < chunk.length; i += INSERT_BATCH) {
          const table = chunk.slice(i, i + INSERT_BATCH).map(cells);
          const columns = COLUMNS.map((_, c) => table.map((row) => row[c] ?? null));
          await client.query(`insert into ingest_legs select * from unnest(${COLUMNS.map(([, type], c) => `$${c + 1}::${type}[]`).join(", ")})`, columns);
        }
      };
    },
  };
}
