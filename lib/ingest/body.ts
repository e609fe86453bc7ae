import { isUtf8 } from "node:buffer";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { BodyError } from "@/lib/errors";
import type { Format } from "./parse";

/** The longest line (a CSV record: its quoted values may hold line breaks) a batch may have, line break not counted. */
export const MAX_LINE_BYTES = 1024 * 1024;

const [NEWLINE, CR, QUOTE, COMMA] = [0x0a, 0x0d, 0x22, 0x2c];

const notUtf8 = (line: number) => new BodyError(422, `Line ${line} is not UTF-8 text. Send the batch encoded in UTF-8.`, line);

/**
 * Checks a batch's bytes as they pass, before any parser holds them: at most `maxBytes` in all,
 * no line (no CSV record) over MAX_LINE_BYTES, UTF-8 throughout. A parser keeps the unfinished
 * line of its input and reads it again with every chunk, so one line of 40 MiB took two to three
 * minutes and up to 400 MiB: here it is refused after its first MiB, and no more of it is held.
 */
export function guardBody(format: Format, options: { maxBytes?: number } = {}): Transform {
  const maxBytes = options.maxBytes ?? Infinity;
  const records = new RecordLengths(format === "csv");
  const text = new Utf8Lines();
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new BodyError(413, `The body is larger than ${maxBytes} bytes; split the batch.`));
      const line = records.line;
      const problem = text.check(chunk, line) ?? records.scan(chunk);
      done(problem ?? null, problem ? undefined : chunk);
    },
    flush(done: TransformCallback) {
      done(text.end(records.line) ?? null);
    },
  });
}

/**
 * Lines counted and each record's length, as the bytes come. In CSV a quote at the start of a value
 * opens it until the next lone quote (two quotes are one quote of the value), and line breaks
 * inside it do not end the record; anywhere else a quote is a character of the value. NDJSON
 * records are lines.
 */
class RecordLengths {
  /** The line the next byte is on. */
  line = 1;
  private recordLine = 1;
  /** Bytes of the current record in earlier chunks. */
  private carried = 0;
  private inQuotes = false;
  /** A quote inside a quoted value was the last byte of a chunk: the next byte says whether it closes it. */
  private quoteAtEnd = false;
  private last = NEWLINE;

  constructor(private readonly csv: boolean) {}

  scan(chunk: Buffer): BodyError | undefined {
    const n = chunk.length;
    let from = 0;
    let at = 0;
    let nextQuote = this.csv ? chunk.indexOf(QUOTE) : -1;
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      if (chunk[0] === QUOTE) at = 1;
      else this.inQuotes = false;
    }
    while (at < n) {
      if (nextQuote >= 0 && nextQuote < at) nextQuote = chunk.indexOf(QUOTE, at);
      if (this.inQuotes) {
        // Line breaks inside the quoted value, up to its closing quote.
        const end = nextQuote < 0 ? n : nextQuote;
        for (let nl = chunk.indexOf(NEWLINE, at); nl >= 0 && nl < end; nl = chunk.indexOf(NEWLINE, nl + 1)) this.line++;
        if (nextQuote < 0) break;
        if (nextQuote + 1 === n) this.quoteAtEnd = true;
        else if (chunk[nextQuote + 1] === QUOTE) at = nextQuote + 2;
        else this.inQuotes = false;
        at = Math.max(at, nextQuote + 1);
        continue;
      }
      const nl = chunk.indexOf(NEWLINE, at);
      if (nextQuote >= 0 && (nl < 0 || nextQuote < nl)) {
        const before = nextQuote === 0 ? this.last : chunk[nextQuote - 1];
        if (before === COMMA || before === NEWLINE) this.inQuotes = true;
        at = nextQuote + 1;
        continue;
      }
      if (nl < 0) break;
      const length = this.carried + nl - from - ((nl === 0 ? this.last : chunk[nl - 1]) === CR ? 1 : 0);
      if (length > MAX_LINE_BYTES) return this.tooLong();
      this.line++;
      this.recordLine = this.line;
      this.carried = 0;
      from = at = nl + 1;
    }
    this.carried += n - from;
    if (n) this.last = chunk[n - 1]!;
    // Whatever follows, the record is already longer (a CR may still turn out to be its line break's).
    return this.carried - (this.last === CR ? 1 : 0) > MAX_LINE_BYTES ? this.tooLong() : undefined;
  }

  private tooLong(): BodyError {
    const what = this.recordLine === this.line ? `Line ${this.line} is` : `The record starting on line ${this.recordLine} (a quoted value left open?) is`;
    return new BodyError(413, `${what} longer than 1 MiB (${MAX_LINE_BYTES} bytes). Send one leg per line.`, this.recordLine);
  }
}

/**
 * UTF-8 checked a line at a time where it can name the line: the bytes between a chunk's first and
 * last line breaks in one call, the line that runs across chunks once it is whole. A character is
 * never cut by a line break, so each piece is checked on its own.
 */
class Utf8Lines {
  /** The bytes of the unfinished line, from earlier chunks. */
  private open: Buffer[] = [];

  /** `line`: the line the chunk's first byte is on. */
  check(chunk: Buffer, line: number): BodyError | undefined {
    const first = chunk.indexOf(NEWLINE);
    if (first < 0) {
      this.open.push(chunk);
      return undefined;
    }
    if (!isUtf8(Buffer.concat([...this.open, chunk.subarray(0, first)]))) return notUtf8(line);
    const last = chunk.lastIndexOf(NEWLINE);
    const whole = chunk.subarray(first + 1, last);
    if (!isUtf8(whole)) return notUtf8(line + 1 + badLine(whole));
    this.open = [chunk.subarray(last + 1)];
    return undefined;
  }

  /** The last line, which no line break ends. */
  end(line: number): BodyError | undefined {
    return isUtf8(Buffer.concat(this.open)) ? undefined : notUtf8(line);
  }
}

/** Which line (from 0) of whole lines is not UTF-8. */
function badLine(lines: Buffer): number {
  let index = 0;
  for (let from = 0; from <= lines.length; index++) {
    const nl = lines.indexOf(NEWLINE, from);
    const end = nl < 0 ? lines.length : nl;
    if (!isUtf8(lines.subarray(from, end))) return index;
    from = end + 1;
  }
  return index;
}

/**
 * A request body as a Node stream that fails with 408 when no byte arrives for `idleMs` (the
 * client stalled: its batch must not wait for it), and with 400 when the client goes away. Only
 * the wait for the client is timed, not the time the reader takes between chunks.
 */
export function readWithin(body: ReadableStream<Uint8Array>, idleMs: number): Readable {
  const reader = body.getReader();
  const next = async () => {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BodyError(408, `No byte of the body arrived for ${idleMs / 1000} s: the batch was dropped. Send it again.`)), idleMs);
    });
    try {
      return await Promise.race([reader.read(), stalled]);
    } catch (error) {
      throw error instanceof BodyError ? error : new BodyError(400, "The body was cut off before its end. Send the batch again.");
    } finally {
      clearTimeout(timer);
    }
  };
  async function* chunks() {
    let done = false;
    try {
      for (;;) {
        const read = await next();
        if (read.done) {
          done = true;
          return;
        }
        yield read.value;
      }
    } finally {
      // Stops the client's upload when the batch is refused before its end (not awaited: a
      // stalled client's stream may never settle).
      if (!done) reader.cancel().catch(() => {});
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
