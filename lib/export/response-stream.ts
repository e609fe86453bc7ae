import { Writable } from "node:stream";

/** Bytes handed to the response at once: a few large chunks rather than many small ones. */
const CHUNK_BYTES = 64 * 1024;
/** Bytes the response may hold that its reader has not taken yet; the writer waits beyond. */
const QUEUED_BYTES = 1024 * 1024;

/**
 * A Node Writable whose bytes become the body of a web Response, in chunks of at least 64 KiB,
 * with backpressure both ways: a write completes only while the body's queue (1 MiB) has room,
 * so a slow client slows the writer; a client that goes away (the body is cancelled) destroys the
 * writable, so the writer fails and stops. (Readable.toWeb over a PassThrough, used before, queues
 * up to 16,384 chunks whatever their size, and hands over every small write as its own chunk.)
 */
export function responseStream(): { writable: Writable; body: ReadableStream<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let resume: (() => void) | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let closed = false;

  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull() {
        const next = resume;
        resume = undefined;
        next?.();
      },
      cancel() {
        writable.destroy(new Error("the client closed the download"));
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES }),
  );

  const hand = () => {
    if (!pendingBytes) return;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    controller.enqueue(chunk);
  };
  let first = true;
  const take = (chunk: Buffer, done: (error?: Error | null) => void) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    // The first bytes go at once, so the browser shows the download starting while the query runs.
    if (pendingBytes < CHUNK_BYTES && !first) return done();
    first = false;
    hand();
    if ((controller.desiredSize ?? 0) > 0) done();
    else resume = () => done();
  };

  const writable = new Writable({
    highWaterMark: CHUNK_BYTES,
    write(chunk: Buffer, _encoding, done) {
      take(chunk, done);
    },
    writev(chunks, done) {
      for (const { chunk } of chunks.slice(0, -1)) {
        pending.push(chunk as Buffer);
        pendingBytes += (chunk as Buffer).length;
      }
      take(chunks.at(-1)!.chunk as Buffer, done);
    },
    final(done) {
      hand();
      closed = true;
      controller.close();
      done();
    },
    destroy(error, done) {
      pending = [];
      resume = undefined;
      // A writer that failed or stopped leaves the client a broken download, not a file that looks whole.
      if (!closed) {
        closed = true;
        try {
          controller.error(error ?? new Error("the download stopped"));
        } catch {
          // The body was already cancelled.
        }
      }
      done(error);
    },
  });
  return { writable, body };
}
