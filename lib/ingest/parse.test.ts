import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { BodyError } from "@/lib/errors";
import { readRecords, type Format, type RawRecord } from "./parse";

async function records(chunks: (string | Buffer)[], format: Format = "csv"): Promise<RawRecord[]> {
  const all: RawRecord[] = [];
  for await (const batch of readRecords(Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))), format)) all.push(...batch);
  return all;
}

test("CSV: values in field order whatever the header's order and case; absent columns undefined", async () => {
  const rows = await records(["\uFEFFRoom_Number, leg_id ,conference_id,service_type,started_at,ended_at\n", "611111,L1,C1,toll,2026-11-10T09:00:00Z,2026-11-10T09:01:00Z\n"]);
  assert.deepEqual(rows, [{ line: 2, values: ["L1", "C1", "611111", "toll", "2026-11-10T09:00:00Z", "2026-11-10T09:01:00Z", undefined, undefined, undefined, undefined, undefined] }]);
});

test("CSV: each record has the line it starts on, across quoted line breaks, blank lines and CRLF", async () => {
  const csv = 'leg_id,caller_name\r\nL1,"Anne\r\nPetit"\r\n\r\nL2,Bruno\r\n"L3","a ""quoted"" name"\r\n';
  const rows = await records([csv]);
  assert.deepEqual(
    rows.map((r) => ("values" in r ? [r.line, r.values[0], r.values[6]] : [r.line, r.error])),
    [
      [2, "L1", "Anne\r\nPetit"],
      [5, "L2", "Bruno"],
      [6, "L3", 'a "quoted" name'],
    ],
  );
});

test("CSV: a multi-byte character split between two chunks arrives whole", async () => {
  const bytes = Buffer.from("leg_id,caller_name\nL1,Inès\n");
  const cut = bytes.indexOf(Buffer.from("è")) + 1;
  const rows = await records([bytes.subarray(0, cut), bytes.subarray(cut)]);
  assert.equal("values" in rows[0]! && rows[0].values[6], "Inès");
});

test("CSV: a row with another column count, or an unclosed quote, is reported at its line", async () => {
  const rows = await records(["leg_id,conference_id\nL1,C1\nL2\nL3,C3\nL4,\"C4\n"]);
  assert.deepEqual(rows[1], { line: 3, error: "wrong number of columns: 1 where the header has 2" });
  assert.deepEqual(rows[2], { line: 4, values: ["L3", "C3", ...Array(9).fill(undefined)] });
  assert.equal(rows[3]!.line, 5);
  assert.ok("error" in rows[3]!, "the unclosed quote is an error");
});

test("NDJSON: one object per line; other lines are reported", async () => {
  const rows = await records(['{"leg_id":"L1","room_number":611111}\n', "\n[1]\n{oops\n"], "ndjson");
  assert.deepEqual(rows, [
    { line: 1, values: ["L1", undefined, 611111, ...Array(8).fill(undefined)] },
    { line: 3, error: "each line must be a JSON object" },
    { line: 4, error: "not valid JSON" },
  ]);
});

test("an empty batch, or blank lines only, is refused: there is nothing to read", async () => {
  for (const format of ["csv", "ndjson"] as const) {
    for (const body of [[], [""], ["\n \r\n\n"]]) {
      await assert.rejects(records(body, format), (error: unknown) => error instanceof BodyError && error.status === 422 && /the batch is empty/i.test(error.message), `${format} ${JSON.stringify(body)}`);
    }
  }
  // A header row alone is a batch of no legs, not an empty one.
  assert.deepEqual(await records(["leg_id,conference_id,room_number\n"]), []);
});

test("CSV: a first line that names no column is refused as a missing header row", async () => {
  await assert.rejects(
    records(["\nL1,C1,611111,toll,2026-11-10T09:00:00Z,2026-11-10T09:01:00Z\n"]),
    (error: unknown) => error instanceof BodyError && error.status === 422 && error.line === 2 && /line 2 is not a header row/i.test(error.message),
  );
});
