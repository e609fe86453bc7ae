import { Readable, Transform } from "node:stream";
import { getDb } from "@/db/client";
import { authenticateKey } from "@/lib/ingest/api-key";
import { ingest } from "@/lib/ingest/ingest";
import { formatOf } from "@/lib/ingest/parse";

export const dynamic = "force-dynamic";

/** The largest body accepted; a million legs of CSV is about 150 MB. */
const MAX_BYTES = Number(process.env.INGEST_MAX_BYTES ?? 256 * 1024 * 1024);

class TooLarge extends Error {}

const json = (status: number, body: unknown) => Response.json(body, { status });

/**
 * POST /api/v1/cdrs — call-detail records from the conferencing bridge, CSV or NDJSON. One
 * request is one transaction: 200 {accepted, duplicates, late}, or 422 with every problem and
 * nothing written; 401 for a bad key, 413 above the size limit, 415 for another content type.
 */
export async function POST(request: Request) {
  const db = await getDb();
  const principal = await authenticateKey(db, request.headers.get("authorization"));
  if (!principal) return json(401, { error: "A valid API key is required: Authorization: Bearer <key>." });
  const format = formatOf(request.headers.get("content-type"));
  if (!format) return json(415, { error: "Send text/csv (with a header row) or application/x-ndjson." });
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BYTES) return json(413, { error: `The body is larger than ${MAX_BYTES} bytes; split the batch.` });
  if (!request.body) return json(422, { errors: [{ line: 0, field: "body", message: "is empty" }] });

  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > MAX_BYTES ? new TooLarge() : null, chunk);
    },
  });
  const body = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>).pipe(limit);
  try {
    const result = await ingest(db, principal, body, format);
    if (!result.ok) return json(422, { error: "Nothing was stored: fix these rows and send the batch again.", errors: result.errors, error_count: result.errorCount });
    return json(200, { accepted: result.accepted, duplicates: result.duplicates, late: result.late });
  } catch (error) {
    if (error instanceof TooLarge || (error as { cause?: unknown }).cause instanceof TooLarge) return json(413, { error: `The body is larger than ${MAX_BYTES} bytes; split the batch.` });
    // Read the rest of the body so the client gets the answer on a healthy connection, then fail.
    await body.resume().toArray().catch(() => []);
    console.error("ingest failed", error);
    return json(500, { error: "The batch could not be stored; nothing of it was kept. Send it again." });
  }
}
