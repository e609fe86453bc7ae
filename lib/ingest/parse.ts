import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import Papa, { type ParseError } from "papaparse";
import { BodyError } from "@/lib/errors";

export type Format = "csv" | "ndjson";

/** The SPEC §4 fields, in the order `RawRecord.values` holds them. */
export const FIELDS = ["leg_id", "conference_id", "room_number", "service_type", "started_at", "ended_at", "caller_name", "caller_number", "dialed_number", "billing_code", "product"] as const;

/** One record: its values in FIELDS order (undefined when absent), or why it could not be read. */
export type RawRecord = { line: number; values: unknown[] } | { line: number; error: string };

/** The body's format from its Content-Type, or undefined (→ 415): a batch is UTF-8, so another charset is refused too. */
export function formatOf(contentType: string | null): Format | undefined {
  const [type, ...parameters] = (contentType ?? "").split(";").map((p) => p.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (charset && charset !== "utf-8" && charset !== "utf8" && charset !== "us-ascii") return undefined;
  if (type === "text/csv") return "csv";
  if (type === "application/x-ndjson" || type === "application/ndjson") return "ndjson";
  return undefined;
}

/**
 * Records of a CSV (header row first) or NDJSON stream, in batches as they arrive, each with the
 * line it starts on, so every problem can be reported where the user will look for it. A batch
 * with nothing but blank lines, or a CSV whose first line names no column, is refused whole
 * (BodyError): its rows cannot be read.
 */
export function readRecords(input: Readable, format: Format): AsyncGenerator<RawRecord[]> {
  return format === "csv" ? csvRecords(input) : ndjsonRecords(input);
}

const empty = () => new BodyError(422, "The batch is empty: send a CSV header row then one leg per line, or one JSON object per line.");

/** Batches waiting for the reader; past this many the input is paused (memory stays flat). */
const HIGH_WATER = 16;

async function* csvRecords(input: Readable): AsyncGenerator<RawRecord[]> {
  const queue = batchQueue(input);
  const rows = csvRowReader();
  // Papa Parse reads each row into an array of strings: no object per record, no per-field info.
  Papa.parse<string[]>(input.setEncoding("utf8"), {
    delimiter: ",",
    header: false,
    skipEmptyLines: false,
    chunk(results, parser) {
      const { batch, failure } = rows.read(results.data, results.errors);
      if (failure) {
        queue.fail(failure);
        parser.abort();
      }
      queue.push(batch);
    },
    complete() {
      queue.end(rows.sawHeader() ? undefined : empty());
    },
    error(error: Error) {
      queue.fail(error);
    },
  });
  yield* queue.batches();
}

/**
 * Papa Parse's rows as records: the first non-blank row is the header, then one record per row,
 * each with the line it starts on (a quoted value may span lines), across chunks.
 */
function csvRowReader() {
  let line = 0;
  let columns: number[] | undefined;
  let width = 0;
  return {
    sawHeader: () => columns !== undefined,
    /** One chunk's records, or the failure that refuses the batch: a first line that names no column. */
    read(rows: string[][], errors: ParseError[]): { batch: RawRecord[]; failure?: BodyError } {
      const broken = new Map(errors.map((e) => [e.row, e.message]));
      const batch: RawRecord[] = [];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const start = ++line;
        for (const value of row) if (value.includes("\n")) line += value.split("\n").length - 1;
        if (broken.has(i)) batch.push({ line: start, error: broken.get(i)! });
        else if (row.length === 1 && !row[0]!.trim()) continue;
        else if (!columns) {
          width = row.length;
          columns = headerColumns(row);
          if (columns.every((c) => c < 0)) return { batch, failure: new BodyError(422, `Line ${start} is not a header row: a CSV batch starts with its column names (${FIELDS.join(", ")}).`, start) };
        } else if (row.length !== width) batch.push({ line: start, error: `wrong number of columns: ${row.length} where the header has ${width}` });
        else batch.push({ line: start, values: columns.map((c) => (c < 0 ? undefined : row[c])) });
      }
      return { batch };
    },
  };
}

/**
 * Batches handed from Papa Parse's callbacks to the generator's reader. Past HIGH_WATER waiting,
 * the input is paused until the reader has taken half of them.
 */
function batchQueue(input: Readable) {
  const queue: RawRecord[][] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(batch: RawRecord[]) {
      if (batch.length && !failure) queue.push(batch);
      if (queue.length >= HIGH_WATER) input.pause();
      notify();
    },
    fail(error: Error) {
      failure = error;
      notify();
    },
    end(error?: Error) {
      failure ??= error;
      ended = true;
      notify();
    },
    async *batches(): AsyncGenerator<RawRecord[]> {
      for (;;) {
        // A failure refuses the whole batch: the rows queued before it are not read.
        if (failure) throw failure;
        const batch = queue.shift();
        if (batch) {
          if (queue.length < HIGH_WATER / 2 && input.isPaused()) input.resume();
          yield batch;
        } else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** For each of FIELDS, its column in the header row (trimmed, any case, BOM dropped), or -1. */
function headerColumns(header: string[]): number[] {
  const names = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim().toLowerCase());
  return FIELDS.map((field) => names.indexOf(field));
}

async function* ndjsonRecords(input: Readable): AsyncGenerator<RawRecord[]> {
  let line = 0;
  let blank = true;
  for await (const texts of lines(input)) {
    const batch: RawRecord[] = [];
    for (const text of texts) {
      line++;
      if (!text.trim()) continue;
      blank = false;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== "object" || value === null || Array.isArray(value)) batch.push({ line, error: "each line must be a JSON object" });
        else batch.push({ line, values: FIELDS.map((field) => (value as Record<string, unknown>)[field]) });
      } catch {
        batch.push({ line, error: "not valid JSON" });
      }
    }
    if (batch.length) yield batch;
  }
  if (blank) throw empty();
}

/** The lines of a stream (\n or \r\n), those of each chunk together; an error of the stream is thrown to the reader. */
async function* lines(input: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  const trimCr = (part: string) => (part.endsWith("\r") ? part.slice(0, -1) : part);
  for await (const chunk of input) {
    const parts = (rest + decoder.write(chunk as Buffer)).split("\n");
    rest = parts.pop() ?? "";
    yield parts.map(trimCr);
  }
  rest += decoder.end();
  if (rest) yield [trimCr(rest)];
}
