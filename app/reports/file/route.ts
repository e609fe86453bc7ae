import { getLinkedRun } from "@/lib/data/schedules";
import { loadEnv } from "@/lib/env";
import { answeringErrors, NotFoundError } from "@/lib/errors";
import { downloadResponse } from "@/lib/export/response";
import { readReportLinkToken } from "@/lib/schedules/links";
import { renderScheduledReport } from "@/lib/schedules/report";

/**
 * The signed link of a scheduled report too large to attach (valid 7 days, no login): the run's
 * report is built again from its stored query and dates and streamed.
 */
export const GET = answeringErrors(async (request: Request) => {
  const target = readReportLinkToken(loadEnv().encryptionKey, new URL(request.url).searchParams.get("t") ?? "");
  const run = target && (await getLinkedRun(target));
  if (!run) throw new NotFoundError("This link is not valid or has expired (links are valid for 7 days).");
  const file = await renderScheduledReport({ accountId: run.accountId, scheduleId: run.scheduleId, query: run.reportQuery, from: run.fromDate, to: run.toDate, format: run.format, now: new Date() });
  return downloadResponse(file, run.format, request.signal);
});
