import { notFound } from "next/navigation";
import { ScheduleForm } from "@/components/schedule-form";
import { BackLink } from "@/components/schedule-parts";
import { submitScheduleForm } from "@/lib/actions/schedules";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getMessages } from "@/lib/i18n/locale";
import { reportTypes } from "@/lib/reports/query";
import { reportParams } from "@/lib/reports/selections";
import { formClock, reportChoices, reportName } from "@/lib/schedules/display";
import { newFormValues, rangeNote, reportRangeOf } from "@/lib/schedules/form-values";
import { describeScheduleFilters, scheduleReportQuery } from "@/lib/schedules/report";
import type { SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";

export const generateMetadata = () => pageTitle((t) => [t.schedules.newTitle, t.schedules.title]);

/**
 * A new schedule. Opened from a report (*Schedule this report*) it takes that report's type,
 * filters (listed in words) and range (its schedule equivalent) from the URL.
 */
export default async function NewSchedulePage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const [{ t, locale }, account, query] = await Promise.all([getMessages(), getAccount(scope), searchParams]);
  const now = new Date();
  const asked = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : v === undefined ? [] : [[k, v] as [string, string]])));
  // From a report of a saved selection (`s=<id>`): that selection; another account's: 404.
  const params = await reportParams(scope, asked);
  if (!params) notFound();
  const fromReport = params.has("type") ? scheduleReportQuery(params.toString(), now) : null;
  const report = fromReport ?? `type=${reportTypes[0]}`;
  const defaults = newFormValues(report, reportName(report, t), fromReport ? reportRangeOf(params) : null);
  const clock = formClock(t.schedules, account, locale, now);
  const filterWords = fromReport ? await describeScheduleFilters(scope, fromReport, t, now) : null;
  return (
    <div className="max-w-4xl">
      <BackLink label={t.schedules.cancelEdit} className="mb-4" />
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-5 text-xl font-semibold text-brand-900">{t.schedules.newTitle}</h1>
        <ScheduleForm
          action={submitScheduleForm.bind(null, null)}
          t={t.schedules}
          reports={reportChoices(t, fromReport ?? undefined, filterWords)}
          filters={fromReport && filterWords ? { value: fromReport, text: filterWords } : null}
          rangeNote={fromReport ? rangeNote(params, defaults, t.schedules, clock.dateStyle) : undefined}
          hasSecret={false}
          defaults={defaults}
          {...clock}
        />
      </section>
    </div>
  );
}
