import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { finished } from "node:stream/promises";

/** Bytes kept in memory; a larger batch goes to a file (a million legs is about 120 MB). */
const IN_MEMORY = 4 * 1024 * 1024;

/**
 * Keeps a copy of the bytes passing through, to be read again once they have all passed: a batch
 * is checked as it arrives and stored afterwards from here, never from a client that may be slow.
 * Small batches stay in memory, larger ones go to a file in the temporary directory (`discard`
 * removes it).
 */
export class Spool extends Transform {
  private held: Buffer[] = [];
  private bytes = 0;
  private file: { path: string; stream: WriteStream } | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.length;
    if (!this.file && this.bytes > IN_MEMORY) this.toFile();
    if (!this.file) {
      this.held.push(chunk);
      return done(null, chunk);
    }
    if (this.file.stream.write(chunk)) done(null, chunk);
    else this.file.stream.once("drain", () => done(null, chunk));
  }

  override _flush(done: TransformCallback) {
    if (!this.file) return done();
    const { stream } = this.file;
    stream.end();
    finished(stream).then(() => done(), done);
  }

  /** The bytes again, from the start (only once all have passed). */
  replay(): Readable {
    return this.file ? createReadStream(this.file.path) : Readable.from(this.held, { objectMode: false });
  }

  /** Removes the file, if any. */
  async discard() {
    this.held = [];
    if (!this.file) return;
    this.file.stream.destroy();
    await rm(this.file.path, { force: true });
  }

  private toFile() {
    const file = path.join(tmpdir(), `cdr-batch-${randomUUID()}`);
    const stream = createWriteStream(file, { flags: "wx", mode: 0o600 });
    // A full disk fails the batch like any read error.
    stream.on("error", (error) => this.destroy(error));
    for (const chunk of this.held) stream.write(chunk);
    this.held = [];
    this.file = { path: file, stream };
  }
}
