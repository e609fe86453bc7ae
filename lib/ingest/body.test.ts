import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { test } from "node:test";
import { BodyError } from "@/lib/errors";
import { guardBody, MAX_LINE_BYTES } from "./body";
import type { Format } from "./parse";

/** Sends the chunks through the guard; what came out, and how many chunks it took in. */
async function guarded(chunks: Iterable<Buffer | string>, format: Format = "csv", maxBytes?: number): Promise<{ out: Buffer; taken: number }> {
  let taken = 0;
  const out: Buffer[] = [];
  const source = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        taken++;
        yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      }
    })(),
    { objectMode: false },
  );
  await pipeline(source, guardBody(format, { maxBytes }), async function* (input: AsyncIterable<Buffer>) {
    for await (const chunk of input) out.push(chunk);
  });
  return { out: Buffer.concat(out), taken };
}

const refusal = (status: number, line: number | undefined, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof BodyError, String(error));
  assert.equal(error.status, status);
  assert.equal(error.line, line);
  assert.match(error.message, message);
  return true;
};

test("bytes pass through unchanged, a character split between chunks included", async () => {
  const bytes = Buffer.from("leg_id,caller_name\nL1,Inès 😀\n");
  const chunks = [...bytes].map((b) => Buffer.from([b]));
  assert.deepEqual((await guarded(chunks)).out, bytes);
});

test("a line over 1 MiB is refused naming it, after reading little more than 1 MiB of it", async () => {
  const piece = Buffer.alloc(64 * 1024, "x");
  // 40 MB in one line, made lazily: the guard must stop long before its end.
  function* body() {
    yield "leg_id,caller_name\nL1,Anne\nL2,";
    for (let i = 0; i < 640; i++) yield piece;
  }
  let taken = 0;
  await assert.rejects(
    guarded(
      (function* () {
        for (const chunk of body()) {
          taken++;
          yield chunk;
        }
      })(),
    ),
    refusal(413, 3, /line 3 is longer than 1 MiB/i),
  );
  assert.ok(taken < 20, `read ${taken} chunks`);
  // Exactly 1 MiB (CRLF not counted) is fine.
  await guarded([`L1,${"x".repeat(MAX_LINE_BYTES - 3)}\r\n`, "L2,x\n"]);
  await guarded([`{"a":"${"x".repeat(MAX_LINE_BYTES - 8)}"}\n`], "ndjson");
  await assert.rejects(guarded([`{"a":"${"x".repeat(MAX_LINE_BYTES)}"}\n`], "ndjson"), refusal(413, 1, /line 1 is longer than 1 MiB/i));
});

test("CSV: a quoted value over many short lines counts as one record; quotes inside a value do not open one", async () => {
  const long = `L1,"${"x".repeat(99).concat("\n").repeat(11_000)}"\n`;
  await assert.rejects(guarded(["leg_id,caller_name\n", long]), refusal(413, 2, /record starting on line 2 .* is longer than 1 MiB/i));
  // Escaped quotes and a quote in the middle of an unquoted value leave the record where it is.
  const fine = [`leg_id,caller_name\nL1,"say ""hi""\n${"y".repeat(1000)}"\n`, ...Array.from({ length: 120_000 }, (_, i) => `L${i},6" tall\n`)];
  await guarded(fine);
  // In NDJSON a quote is not CSV quoting.
  await guarded(["{\"a\":\"\\\"\"}\n".repeat(150_000)], "ndjson");
});

test("bytes that are not UTF-8 are refused naming their line", async () => {
  await assert.rejects(guarded([Buffer.from("leg_id,caller_name\nL1,Anne\nL2,In"), Buffer.from([0xe8]), Buffer.from("s\n")]), refusal(422, 3, /line 3 is not UTF-8/i));
  // Overlong encodings and surrogates are not UTF-8 either; so is a character cut at the end.
  await assert.rejects(guarded([Buffer.from([0x61, 0x0a, 0xc0, 0xaf, 0x0a])], "ndjson"), refusal(422, 2, /line 2 is not UTF-8/i));
  await assert.rejects(guarded([Buffer.from([0x0a, 0x0a, 0xed, 0xa0, 0x80])], "ndjson"), refusal(422, 3, /line 3 is not UTF-8/i));
  await assert.rejects(guarded([Buffer.from("a\nb"), Buffer.from([0xe2, 0x82])], "ndjson"), refusal(422, 2, /line 2 is not UTF-8/i));
  // On a line of its own after many chunks, and a bad byte right after a chunk's last line break.
  const lines = Array.from({ length: 5000 }, (_, i) => Buffer.from(`line ${i}\n`));
  await assert.rejects(guarded([...lines, Buffer.from([0xff, 0x0a])], "ndjson"), refusal(422, 5001, /line 5001 is not UTF-8/i));
});

test("a body over the size limit is refused with 413", async () => {
  await assert.rejects(guarded(["a\n".repeat(600)], "ndjson", 1000), refusal(413, undefined, /larger than 1000 bytes/i));
  await guarded(["a\n".repeat(500)], "ndjson", 1000);
});
