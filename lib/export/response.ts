import { PassThrough, Readable } from "node:stream";
import type { Export } from "./oai";

/** The content type of each file format the portal writes. */
export const CONTENT_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
} as const;

/**
 * A file streamed to the browser as it is written, with backpressure; the request's abort (the
 * client went away) stops the writing, and with it the query behind the file.
 */
export function downloadResponse(file: Export, format: keyof typeof CONTENT_TYPES, signal: AbortSignal): Response {
  const output = new PassThrough();
  file.write(output).then(
    () => output.end(),
    (error: unknown) => {
      if (!signal.aborted) console.error(`download of ${file.filename} failed`, error);
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  signal.addEventListener("abort", () => output.destroy());
  return new Response(Readable.toWeb(output) as ReadableStream<Uint8Array>, {
    headers: { "content-type": CONTENT_TYPES[format], "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "private, no-store" },
  });
}
