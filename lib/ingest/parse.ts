import { pipeline, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { CsvError, parse } from "csv-parse";

export type Format = "csv" | "ndjson";
export type RawRecord = { line: number; fields: Record<string, unknown> } | { line: number; error: string };

/** The body's format from its Content-Type, or undefined (→ 415). */
export function formatOf(contentType: string | null): Format | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type === "text/csv") return "csv";
  if (type === "application/x-ndjson" || type === "application/ndjson") return "ndjson";
  return undefined;
}

/**
 * Records of a CSV (header row first) or NDJSON stream, one at a time, each with the line it
 * starts on, so every problem can be reported where the user will look for it.
 */
export async function* readRecords(input: Readable, format: Format): AsyncGenerator<RawRecord> {
  if (format === "csv") {
    const parser = parse({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false });
    // pipeline, not pipe: an error of the input (the size limit) must reach the reader.
    pipeline(input, parser, () => {});
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        yield { line: info.lines, fields: record };
      }
    } catch (error) {
      // A broken CSV (an unclosed quote, a row with another column count) stops the file where it breaks.
      if (!(error instanceof CsvError)) throw error;
      const e = error as CsvError & { lines?: number };
      yield { line: e.lines ?? 0, error: e.message.replace(/^Invalid Record Length: /, "wrong number of columns: ") };
    }
    return;
  }
  let line = 0;
  for await (const text of lines(input)) {
    line++;
    if (!text.trim()) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== "object" || value === null || Array.isArray(value)) yield { line, error: "each line must be a JSON object" };
      else yield { line, fields: value as Record<string, unknown> };
    } catch {
      yield { line, error: "not valid JSON" };
    }
  }
}

/** The lines of a stream (\n or \r\n); an error of the stream is thrown to the reader. */
async function* lines(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of input) {
    const parts = (rest + decoder.write(chunk as Buffer)).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) yield part.endsWith("\r") ? part.slice(0, -1) : part;
  }
  rest += decoder.end();
  if (rest) yield rest;
}
