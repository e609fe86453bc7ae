/**
 * `npm run ingest -- FILE [--account N] [--skip-invalid REJECTS.csv]`: the ingest API's code path
 * from a file, with a progress bar on a terminal and a summary line.
 */
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { pipeline, Transform } from "node:stream";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { SingleBar, Presets } from "cli-progress";
import { stringify } from "csv-stringify";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts } from "../db/schema";
import { BodyError } from "../lib/errors";
import type { Principal } from "../lib/ingest/api-key";
import { ingest, type IngestResult } from "../lib/ingest/ingest";
import type { Format } from "../lib/ingest/parse";
import type { RejectedRow } from "../lib/ingest/validate";
import { describeError, withDatabase } from "./lib/database";

const USAGE = "Usage: npm run ingest -- FILE.csv|FILE.ndjson [--account 602127] [--skip-invalid REJECTS.csv] [--format csv|ndjson]";

/** What to ingest, from the command line; or the exit code when there is nothing to do. */
type Job = { file: string; size: number; format: Format; account: string | undefined; rejects: string | undefined };

function readCommandLine(): Job | number {
  const { values: o, positionals } = parseArgs({
    options: { account: { type: "string" }, "skip-invalid": { type: "string" }, format: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (o.help || !file || positionals.length > 1) {
    console.log(USAGE);
    return o.help ? 0 : 2;
  }
  const format: Format | undefined = (o.format ?? (/\.(nd)?jsonl?$/i.test(file) ? "ndjson" : /\.csv$/i.test(file) ? "csv" : undefined)) as Format | undefined;
  if (format !== "csv" && format !== "ndjson") {
    console.error(`Error: cannot tell the format of ${file}; name it .csv or .ndjson, or give --format.`);
    return 2;
  }
  try {
    return { file, size: statSync(file).size, format, account: o.account, rejects: o["skip-invalid"] };
  } catch {
    console.error(`Error: cannot read ${file}.`);
    return 1;
  }
}

async function main(): Promise<number> {
  const job = readCommandLine();
  if (typeof job === "number") return job;
  return withDatabase(async (db) => {
    const principal = await principalOf(db, job.account);
    if (!principal) {
      console.error(`Error: no account ${job.account}.`);
      return 1;
    }
    const { result, seconds } = await ingestWithProgress(db, principal, job);
    if (result instanceof BodyError) {
      console.error(`Nothing was stored from ${job.file}: ${result.message}`);
      return 1;
    }
    if (!result.ok) {
      for (const e of result.errors.slice(0, 20)) console.error(`line ${e.line}: ${e.field} ${e.message}`);
      if (result.errorCount > 20) console.error(`… and ${result.errorCount - 20} more problems.`);
      console.error(`Nothing was stored from ${job.file}: ${result.errorCount} problem(s). Fix them, or use --skip-invalid REJECTS.csv to store the good rows.`);
      return 1;
    }
    if (job.rejects && result.rejected.length) await writeRejects(job.rejects, result.rejected);
    const rate = Math.round((result.accepted + result.duplicates) / Math.max(seconds, 0.001));
    console.log(
      `${job.file}: ${result.accepted} legs stored, ${result.duplicates} duplicates, ${result.late} late (their month is invoiced), ` +
        `${result.rejected.length} rejected${result.rejected.length ? ` (in ${job.rejects})` : ""} — ${seconds.toFixed(1)} s, ${rate} legs/s.`,
    );
    return 0;
  });
}

/** The given account's principal (undefined when there is no such account), else the provider's: every account's rooms. */
async function principalOf(db: Database, account: string | undefined): Promise<Principal | undefined> {
  if (!account) return { accountId: null, label: "support (ingest cli)" };
  const [found] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.number, account.replace(/\s+/g, "")));
  return found && { accountId: found.id, label: `support (ingest cli, account ${account})` };
}

/** The file ingested with a progress bar on a terminal; the result (a body refused whole: its BodyError) and the seconds it took. */
async function ingestWithProgress(db: Database, principal: Principal, job: Job): Promise<{ result: IngestResult | BodyError; seconds: number }> {
  const { file, size } = job;
  // The file is read twice: every row checked first, then stored (lib/ingest/ingest.ts).
  const bar = process.stderr.isTTY ? new SingleBar({ format: "{bar} {percentage}% | {pass} | {rows} rows | {eta_formatted} left", stream: process.stderr, hideCursor: true }, Presets.shades_classic) : undefined;
  let read = 0;
  let rows = 0;
  let pass = "checking";
  bar?.start(2 * size, 0, { rows: 0, pass });
  const counted = () =>
    pipeline(
      createReadStream(file),
      new Transform({
        transform(chunk: Buffer, _e, done) {
          read += chunk.length;
          pass = read > size ? "storing" : "checking";
          bar?.update(read, { rows, pass });
          done(null, chunk);
        },
      }),
      () => {},
    );
  const started = Date.now();
  let result: IngestResult | BodyError;
  try {
    result = await ingest(db, principal, counted(), job.format, { skipInvalid: Boolean(job.rejects), onProgress: (n) => (rows = n), reread: counted });
  } catch (error) {
    bar?.stop();
    if (!(error instanceof BodyError)) throw error;
    result = error;
  }
  bar?.update(2 * size, { rows, pass });
  bar?.stop();
  return { result, seconds: (Date.now() - started) / 1000 };
}

/** The rejected rows as CSV: each problem on a line, with the row's fields. */
async function writeRejects(path: string, rejected: RejectedRow[]) {
  const out = createWriteStream(path);
  const csv = stringify({ header: true, columns: ["line", "field", "message", "leg_id", "conference_id", "room_number", "service_type", "started_at", "ended_at", "caller_name", "caller_number", "dialed_number", "billing_code", "product"] });
  csv.pipe(out);
  for (const r of rejected) {
    for (const e of r.errors) csv.write({ ...r.fields, line: e.line, field: e.field, message: e.message });
  }
  csv.end();
  await finished(out);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS") ? `Error: ${error.message}\n${USAGE}` : describeError(error));
    process.exit(1);
  },
);
