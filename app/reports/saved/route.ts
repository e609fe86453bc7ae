import type { NextRequest } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { rememberWrite } from "@/lib/read-your-writes";
import { answeringErrors, BodyError, NotFoundError } from "@/lib/errors";
import { MAX_SELECTION_BYTES, saveSelection } from "@/lib/reports/selections";

export const dynamic = "force-dynamic";

const TARGETS = new Map<string, (id: string) => string>([
  ["report", (id) => `/reports?s=${id}`],
  ["xlsx", (id) => `/reports/download?s=${id}&format=xlsx`],
  ["csv", (id) => `/reports/download?s=${id}&format=csv`],
]);
const tooLarge = () => new BodyError(413, "This selection is too large to keep.");

/**
 * The report builder posts a selection too long for an address here (`query`: the report's
 * search parameters; `to`: report, xlsx or csv); it is saved under a short id and the browser is
 * sent on to the report, or its download, by that id (303: a GET that can be bookmarked).
 * Account sessions only: anyone else gets 404, as for the reports themselves.
 */
export const POST = answeringErrors(async (request: NextRequest) => {
  const scope = (await currentSession())?.scope;
  if (scope?.kind !== "account") throw new NotFoundError();
  // Form encoding at most triples the query's bytes.
  if (Number(request.headers.get("content-length") ?? 0) > 3 * MAX_SELECTION_BYTES) throw tooLarge();
  const form = await request.formData().catch(() => undefined);
  const query = form?.get("query");
  const target = TARGETS.get(String(form?.get("to") ?? ""));
  if (typeof query !== "string" || !target) throw new BodyError(400, "Expected the fields query and to (report, xlsx or csv).");
  if (Buffer.byteLength(query) > MAX_SELECTION_BYTES) throw tooLarge();
  const id = await saveSelection(scope, new URLSearchParams(query));
  // The report the browser is sent to reads the selection, maybe from a replica.
  await rememberWrite();
  return new Response(null, { status: 303, headers: { location: target(id) } });
});
