import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { responseStream } from "./response-stream";

const KIB = 1024;

/** Writes 1 KiB pieces until the stream asks the writer to wait (or `max` pieces); returns how many it took. */
async function fill(writable: NodeJS.WritableStream & { writableNeedDrain: boolean }, max: number): Promise<number> {
  let written = 0;
  while (written < max) {
    writable.write(Buffer.alloc(KIB, written % 256));
    written++;
    await tick();
    if (writable.writableNeedDrain) break;
  }
  return written;
}

test("a download whose client does not read holds about 1 MiB, and goes on when the client reads", async () => {
  const { writable, body } = responseStream();
  const written = await fill(writable, 10_000);
  assert.ok(writable.writableNeedDrain, "the writer is told to wait");
  assert.ok(written * KIB < 2 * KIB * KIB, `held ${written} KiB before asking to wait`);

  const drained = once(writable, "drain");
  const reader = body.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.byteLength === KIB, "the first bytes go at once");
  const second = await reader.read();
  assert.ok(second.value && second.value.byteLength >= 64 * KIB, "then bytes come in chunks of at least 64 KiB");
  let read = first.value.byteLength + second.value.byteLength;
  const rest = (async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read()) read += next.value.byteLength;
  })();
  await drained;
  writable.end(Buffer.from("end"));
  await rest;
  assert.equal(read, written * KIB + 3, "every byte arrives");
});

test("a client that goes away stops the writer", async () => {
  const { writable, body } = responseStream();
  await fill(writable, 100);
  const failed = once(writable, "error");
  await body.cancel();
  const [error] = await failed;
  assert.match(String(error), /the client closed the download/);
  assert.ok(writable.destroyed);
  assert.equal(writable.write(Buffer.alloc(1)), false, "nothing more is accepted");
});

test("a writer that fails leaves the client a broken download, not a short file", async () => {
  const { writable, body } = responseStream();
  writable.write(Buffer.alloc(100 * KIB));
  const failed = once(writable, "error");
  writable.destroy(new Error("the database went away"));
  await failed;
  const reader = body.getReader();
  await assert.rejects(async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read());
  }, /the database went away/);
});
