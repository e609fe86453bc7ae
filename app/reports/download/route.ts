import type { NextRequest } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { answeringErrors, httpStatus, NotFoundError, ValidationError } from "@/lib/errors";
import { CONTENT_TYPES, downloadResponse } from "@/lib/export/response";
import { html } from "@/lib/html";
import { getLocale } from "@/lib/i18n/locale";
import { type Messages } from "@/lib/i18n/messages";
import { loadReportContext, reportExport, type ReportFormat } from "@/lib/reports/export";
import { parseReportQuery } from "@/lib/reports/query";
import { reportParams } from "@/lib/reports/selections";

export const dynamic = "force-dynamic";

/** A request the report cannot be made from (a ValidationError): what is wrong, and the way back to the builder. */
function refused(errors: string[], t: Messages, back: string, nonce: string) {
  // Styled under the page policy: a style block with the request's nonce (style attributes are not allowed).
  const body = html`<!doctype html><meta charset="utf-8"><title>${t.reports.title}</title><style nonce="${nonce}">body{font-family:system-ui,sans-serif;margin:2rem}h1{font-size:1.3rem}</style><body>
<h1>${t.reports.problem}</h1><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul>
<p><a href="${back}">${t.reports.edit}</a></p></body>`;
  return new Response(body.text, { status: httpStatus(new ValidationError(errors.join(" "))), headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * A report of the builder as a file (Excel, CSV or HTML), streamed while its lines are read.
 * Account sessions only: a room holder gets 404, as for anything outside their scope.
 */
export const GET = answeringErrors(async (request: NextRequest) => {
  const scope = (await currentSession())?.scope;
  if (scope?.kind !== "account") throw new NotFoundError();
  const asked = new URLSearchParams(request.nextUrl.searchParams);
  // With `s=<id>`, the report of a saved selection (the builder's long ones); another account's: 404.
  const q = await reportParams(scope, asked);
  if (!q) throw new NotFoundError();
  const format = (q.get("format") ?? "xlsx") as ReportFormat;
  q.delete("format");
  asked.delete("format");
  const locale = await getLocale();
  const context = await loadReportContext(scope, locale, new Date(), request.signal);
  const problem = (errors: string[]) => refused(errors, context.t, `/reports?${asked}`, request.headers.get("x-nonce") ?? "");
  if (!Object.hasOwn(CONTENT_TYPES, format)) return problem([`format: ${format.slice(0, 20)}`]);
  const parsed = parseReportQuery(q, context.now, context.t, context.account.locale);
  if (!parsed.ok) return problem(Object.values(parsed.errors).flat());

  let file;
  try {
    file = await reportExport(context, parsed.query, format);
  } catch (error) {
    if (error instanceof ValidationError) return problem([error.message]);
    throw error;
  }

  return downloadResponse(file, format, request.signal);
});
