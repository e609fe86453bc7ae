import { Notice } from "@/components/schedule-parts";
import { LiveRefresh } from "@/components/live-refresh";
import { CancelledSchedules, ScheduleList, SchedulesHeader, UnsubscribedNote } from "@/components/schedule-list";
import { sendScheduleNow } from "@/lib/actions/schedules";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getSchedulesOverview } from "@/lib/data/schedules";
import { getMessages } from "@/lib/i18n/locale";
import { scheduleName } from "@/lib/schedules/display";
import { refreshInterval } from "@/lib/schedules/run-display";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";

export const generateMetadata = () => pageTitle((t) => [t.schedules.title]);

/** The account's scheduled reports (owners only; room holders get 404). */
export default async function SchedulesPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const [{ t }, { schedules, cancelled, unsubscribed }, account, query] = await Promise.all([getMessages(), getSchedulesOverview(scope), getAccount(scope), searchParams]);
  const s = t.schedules;
  // A run under way (after Send now) shows its outcome in Last run without a reload.
  const refreshMs = refreshInterval(schedules.flatMap((row) => (row.lastRun ? [row.lastRun] : [])), new Date());
  return (
    <div className="space-y-6">
      <SchedulesHeader t={s} count={schedules.length} lang={t.lang} locale={account.locale} />
      {first(query.cancelled) && <Notice>{s.cancelled}</Notice>}
      {schedules.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">{s.empty}</p>
      ) : (
        <ScheduleList t={t} schedules={schedules.map((row) => ({ ...row, name: scheduleName(row, t) }))} unsubscribed={unsubscribed} sendNow={sendScheduleNow} locale={account.locale} />
      )}
      {unsubscribed.length > 0 && <UnsubscribedNote t={s} addresses={unsubscribed} />}
      {cancelled.length > 0 && <CancelledSchedules t={t} schedules={cancelled.map((row) => ({ ...row, name: scheduleName(row, t) }))} locale={account.locale} />}
      {refreshMs !== null && <LiveRefresh everyMs={refreshMs} />}
    </div>
  );
}
