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

/** Writes a batch's legs into the temp table `ingest_legs` (dropped at commit) while the batch is still being read. */
export type Stage = {
  /** Resolves at once unless the database is behind: then when it has caught up. */
  add(leg: StagedLeg): Promise<void> | undefined;
  /** All legs are in the table. */
  finish(): Promise<void>;
  /** Stops writing (the batch is refused or failed), so that the connection can roll back. */
  abort(): void;
};

/** Creates `ingest_legs` and a stage for it: COPY on PostgreSQL, batched INSERTs through PGlite's socket (no COPY there). */
export async function openStage(client: PoolClient): Promise<Stage> {
  await client.query(`create temp table ingest_legs (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ")}) on commit drop`);
  return (await isPglite(client)) ? insertStage(client) : copyStage(client);
}

/** Bytes of COPY data handed to the driver at a time. */
const COPY_CHUNK = 1 << 16;
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
  const stream = client.query(copyFrom(`copy ingest_legs (${COLUMNS.map(([name]) => name).join(", ")}) from stdin`));
  let failure: Error | undefined;
  // Kept for the next add or finish: a cut connection fails the batch there.
  stream.on("error", (error: Error) => (failure ??= error));
  let chunk = "";
  const flush = (): Promise<void> | undefined => {
    const ok = stream.write(chunk);
    chunk = "";
    if (!ok) return once(stream, "drain").then(() => undefined);
  };
  return {
    add(leg) {
      if (failure) throw failure;
      chunk += copyLine(leg);
      return chunk.length >= COPY_CHUNK ? flush() : undefined;
    },
    async finish() {
      if (failure) throw failure;
      if (chunk) await flush();
      stream.end();
      await finished(stream);
    },
    abort() {
      // Sends CopyFail: the COPY ends with an error and the connection takes the next statement.
      if (!stream.writableFinished) stream.destroy();
    },
  };
}

const INSERT_BATCH = 5000;

function insertStage(client: PoolClient): Stage {
  let rows: StagedLeg[] = [];
  const flush = async () => {
    const batch = rows;
    rows = [];
    const table = batch.map(cells);
    const columns = COLUMNS.map((_, i) => table.map((row) => row[i] ?? null));
    await client.query(`insert into ingest_legs select * from unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")})`, columns);
  };
  return {
    add(leg) {
      rows.push(leg);
      return rows.length >= INSERT_BATCH ? flush() : undefined;
    },
    async finish() {
      if (rows.length) await flush();
    },
    abort() {
      rows = [];
    },
  };
}
