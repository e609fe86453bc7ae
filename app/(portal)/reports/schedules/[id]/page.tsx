import { notFound } from "next/navigation";
import { ScheduleForm } from "@/components/schedule-form";
import { CancelledScheduleHeading, ScheduleHeading, ScheduleHistory } from "@/components/schedule-history";
import { BackLink, Notice } from "@/components/schedule-parts";
import { ScheduleSummary } from "@/components/schedule-summary";
import { cancelScheduleAction, sendScheduleNow, submitScheduleForm } from "@/lib/actions/schedules";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getScheduleWithHistory } from "@/lib/data/schedules";
import { NotFoundError } from "@/lib/errors";
import { getMessages } from "@/lib/i18n/locale";
import { formatDateTime } from "@/lib/format";
import { fill } from "@/lib/i18n/messages";
import { formClock, reportChoices, scheduleName, scheduleSummary } from "@/lib/schedules/display";
import { formValues } from "@/lib/schedules/form-values";
import { describeScheduleFilters } from "@/lib/schedules/report";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";

export const generateMetadata = () => pageTitle((t) => [t.schedules.editTitle, t.schedules.title]);

/** One schedule: edit it, send it now, cancel it, and its history per run and destination; a cancelled one read only. */
export default async function SchedulePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const [{ id }, query] = await Promise.all([params, searchParams]);
  if (!/^\d{1,15}$/.test(id)) notFound();
  const [{ t, locale }, account, found] = await Promise.all([
    getMessages(),
    getAccount(scope),
    getScheduleWithHistory(scope, Number(id)).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    }),
  ]);
  if (!found) notFound();
  const [stored, runs] = found;
  // A name the form suggested reads in the UI language (the e-mail's, in the account's).
  const schedule = { ...stored, name: scheduleName(stored, t) };
  const s = t.schedules;
  const now = new Date();
  const historyClock = { lang: t.lang, locale: account.locale, now };
  if (schedule.status === "cancelled") {
    return (
      <div className="space-y-6">
        <BackLink label={s.title} />
        <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <CancelledScheduleHeading t={s} schedule={schedule} cancelledOn={formatDateTime(schedule.updatedAt, "UTC", account.locale)} />
        </section>
        <ScheduleHistory t={s} runs={runs} clock={historyClock} />
      </div>
    );
  }
  const clock = formClock(s, account, locale, now);
  const filters = await describeScheduleFilters(scope, schedule.reportQuery, t, now);
  const saved = first(query.saved);
  return (
    <div className="space-y-6">
      <BackLink label={s.title} />
      {(saved === "created" || saved === "updated") && <Notice testId="saved-message">{fill(saved === "created" ? s.created : s.updated, { next: schedule.nextRunAt ? formatDateTime(schedule.nextRunAt, "UTC", account.locale) : "" })}</Notice>}
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <ScheduleHeading t={s} schedule={schedule} sendNow={sendScheduleNow.bind(null, schedule.id)} cancel={cancelScheduleAction.bind(null, schedule.id)} />
        <ScheduleSummary labels={{ report: s.report, range: s.range, nextRun: s.nextRun }} summary={scheduleSummary(schedule, t, clock.dateStyle)} filters={filters} />
        <h2 className="mb-3 text-base font-semibold text-brand-900">{s.editTitle}</h2>
        <ScheduleForm
          action={submitScheduleForm.bind(null, schedule.id)}
          t={s}
          reports={reportChoices(t, schedule.reportQuery, filters)}
          filters={filters ? { value: schedule.reportQuery, text: filters } : null}
          hasSecret={schedule.hasSecret}
          defaults={formValues(schedule)}
          {...clock}
        />
      </section>
      <ScheduleHistory t={s} runs={runs} clock={historyClock} />
    </div>
  );
}
