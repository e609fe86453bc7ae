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
 *
 * A file that fails once its headers are out (status 200) is cut off: the connection is closed
 * without the chunked body's final chunk, so the browser and `curl --fail` report a failed
 * download, never a complete-looking file. Next 16 pipes a route's body to the response with
 * `pipeTo` (next/dist/server/pipe-readable.js): a body that errors aborts the response, which
 * destroys the socket. An error named AbortError is what Next takes for a client that left and
 * does not log (anything else it logs a second time, as "failed to pipe response"): the failure
 * is logged here, once, with the file's name.
 */
export function downloadResponse(file: Export, format: keyof typeof CONTENT_TYPES, signal: AbortSignal): Response {
  const output = new PassThrough();
  file.write(output).then(
    () => output.end(),
    (error: unknown) => {
      if (!signal.aborted) console.error(`download of ${file.filename} failed:`, error);
      output.destroy(new DOMException(`download of ${file.filename} failed`, "AbortError"));
    },
  );
  signal.addEventListener("abort", () => output.destroy());
  return new Response(Readable.toWeb(output) as ReadableStream<Uint8Array>, {
    headers: { "content-type": CONTENT_TYPES[format], "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "private, no-store" },
  });
}
