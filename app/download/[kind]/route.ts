import type { NextRequest } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { readCleanupFilter } from "@/lib/cleanup";
import { findRoom } from "@/lib/data/rooms";
import { answeringErrors, NotFoundError } from "@/lib/errors";
import { cleanupExport, codeListExport } from "@/lib/export/conference-lists";
import { downloadResponse } from "@/lib/export/response";
import { accountExport, conferenceExport, roomExport, statementExport, type Export, type ExportContext } from "@/lib/export/oai";
import { getMessages } from "@/lib/i18n/locale";
import { choosePeriod } from "@/lib/periods";

export const dynamic = "force-dynamic";

/**
 * The Download button of every OAI page: the same period, display, sort and scope as the page,
 * streamed as .xlsx while the rows are read. Anything outside the session's scope is 404.
 */
export const GET = answeringErrors(async (request: NextRequest, { params }: { params: Promise<{ kind: string }> }) => {
  // The check pages make: an ended session, a suspended user or a room given to someone else is 404.
  const scope = (await currentSession())?.scope;
  if (!scope) throw new NotFoundError();
  const { kind } = await params;
  const q = request.nextUrl.searchParams;
  const [account, { t, locale }] = await Promise.all([getAccount(scope), getMessages()]);
  const { period } = choosePeriod(q.get("period") ?? undefined, account.timeZone);
  if (!period) throw new NotFoundError();
  const context: ExportContext = { scope, account, t, locale, period, signal: request.signal };

  let file: Export | undefined;
  if (kind === "account" && scope.kind === "account") file = accountExport({ ...context, scope }, q.get("display") === "all" ? "all" : "active", q.get("sort") === "code");
  else if (kind === "statement" && scope.kind === "account") file = statementExport({ ...context, scope });
  else if (kind === "code" && scope.kind === "account") {
    const code = q.get("code");
    file = code !== null && code.length <= 20 ? codeListExport(context, code) : undefined;
  } else if (kind === "unallocated" && scope.kind === "account") {
    const query = await readCleanupFilter(scope, period, account.timeZone, { room: q.get("room") ?? undefined, from: q.get("from") ?? undefined, to: q.get("to") ?? undefined }, t, locale);
    file = query && cleanupExport(context, query);
  }
  else if (kind === "room") {
    const room = await findRoom(scope, q.get("room") ?? "");
    file = room && roomExport(context, room);
  } else if (kind === "conference") {
    const id = Number(q.get("conference"));
    file = Number.isSafeInteger(id) ? await conferenceExport(context, q.get("room") ?? "", id) : undefined;
  }
  if (!file) throw new NotFoundError();

  return downloadResponse(file, "xlsx", request.signal);
});
