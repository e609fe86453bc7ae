import { Readable } from "node:stream";
import { loadIngestEnv } from "@/lib/env";
import { BodyError, httpStatus } from "@/lib/errors";
import { authenticateIngestKey, ingestBatch } from "@/lib/ingest/api";
import { readWithin } from "@/lib/ingest/body";
import { formatOf } from "@/lib/ingest/parse";

export const dynamic = "force-dynamic";

const json = (status: number, body: unknown) => Response.json(body, { status });

/**
 * POST /api/v1/cdrs — call-detail records from the conferencing bridge, CSV or NDJSON in UTF-8.
 * One request is one transaction: 200 {accepted, duplicates, late}, or 422 with every problem and
 * nothing written; 401 for a bad key, 415 for another content type or charset. A body that cannot
 * be read whole is refused with {error, line?} and nothing written: 408 when the client sends
 * nothing for INGEST_IDLE_TIMEOUT_MS, 413 above INGEST_MAX_BYTES or for a line over 1 MiB, 422
 * when it is empty, not UTF-8 or a CSV without its header row. The transaction starts only once
 * the body has arrived and every row is checked.
 */
export async function POST(request: Request) {
  const principal = await authenticateIngestKey(request.headers.get("authorization"));
  if (!principal) return json(401, { error: "A valid API key is required: Authorization: Bearer <key>." });
  const format = formatOf(request.headers.get("content-type"));
  if (!format) return json(415, { error: "Send text/csv (with a header row) or application/x-ndjson, in UTF-8." });
  const { maxBytes, idleTimeoutMs } = loadIngestEnv();
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) return json(413, { error: `The body is larger than ${maxBytes} bytes; split the batch.` });

  const body = request.body ? readWithin(request.body, idleTimeoutMs) : Readable.from([]);
  try {
    const result = await ingestBatch(principal, body, format, { maxBytes });
    if (!result.ok) return json(422, { error: "Nothing was stored: fix these rows and send the batch again.", errors: result.errors, error_count: result.errorCount });
    return json(200, { accepted: result.accepted, duplicates: result.duplicates, late: result.late });
  } catch (error) {
    if (error instanceof BodyError) {
      const message = `Nothing was stored. ${error.message}`;
      return json(httpStatus(error), error.line === undefined ? { error: message } : { error: message, line: error.line });
    }
    // Read the rest of the body so the client gets the answer on a healthy connection, then fail.
    await body.resume().toArray().catch(() => []);
    console.error("ingest failed", error);
    return json(500, { error: "The batch could not be stored; nothing of it was kept. Send it again." });
  }
}
