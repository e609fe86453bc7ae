import { LiveRefresh } from "@/components/live-refresh";
import { ActionButton } from "@/components/schedule-buttons";
import { RunStatus, ScheduleTableHead, TechnicalDetail } from "@/components/schedule-parts";
import type { FormState } from "@/lib/actions/form";
import type { RunHistory, ScheduleView } from "@/lib/data/schedules";
import { fill, type Messages } from "@/lib/i18n/messages";
import { formatDateTime, formatDay } from "@/lib/format";
import { withColon } from "@/lib/i18n/typography";
import { describeFrequency } from "@/lib/schedules/display";
import { deliveryNote, refreshInterval, runProgress, type RetryClock } from "@/lib/schedules/run-display";

type T = Messages["schedules"];
type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/** A schedule's name and how often it runs (its summary below says when next); *Send now* and *Cancel the schedule*. */
export function ScheduleHeading({ t, schedule, sendNow, cancel }: { t: T; schedule: ScheduleView; sendNow: Action; cancel: Action }) {
  return (
    <div className="mb-5 flex flex-wrap items-start justify-between gap-4">
      <div>
        <h1 className="text-xl font-semibold text-brand-900">{schedule.name}</h1>
        <p className="mt-1 text-sm text-slate-600">{describeFrequency(schedule, t)}</p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <ActionButton action={sendNow} label={t.sendNow} testId="send-now" />
        <ActionButton action={cancel} label={t.cancelSchedule} confirm={t.cancelConfirm} danger />
      </div>
    </div>
  );
}

/** A cancelled schedule's heading: its name, since when it is cancelled, and no buttons (read only). */
export function CancelledScheduleHeading({ t, schedule, cancelledOn }: { t: T; schedule: ScheduleView; cancelledOn: string }) {
  return (
    <div className="mb-2" data-testid="cancelled-schedule">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold text-brand-900">{schedule.name}</h1>
        <RunStatus status="cancelled" label={t.statusCancelled} />
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {describeFrequency(schedule, t)} · {t.runHistory.readOnly}
      </p>
      <p className="mt-3 text-sm text-slate-700">{fill(t.runHistory.cancelledPage, { date: cancelledOn })}</p>
    </div>
  );
}

type Clock = { lang: string; locale: string; now: Date };

/** A destination's outcome: its status, what went wrong in the customer's words, the technical text folded away. */
function DeliveryItem({ t, d, retry }: { t: T; d: RunHistory["deliveries"][number]; retry: RetryClock }) {
  const note = deliveryNote(d, t, retry);
  const technical = (d.status === "failed" || d.status === "pending") && d.detail;
  return (
    <li>
      <span className="wrap-anywhere font-medium">{d.destination.replace(/^mail:/, "")}</span> <RunStatus status={d.status} label={t.deliveryStatus[d.status as keyof typeof t.deliveryStatus]} />
      {note && <div className="wrap-anywhere text-xs text-slate-700">{note}</div>}
      {technical && <TechnicalDetail label={t.runHistory.technical} text={d.detail} />}
    </li>
  );
}

/** A run: when and why, its dates, its status and where it stands, and its outcome per destination. */
function RunRow({ t, run, clock }: { t: T; run: RunHistory; clock: Clock }) {
  const retry = { nextAttemptAt: run.status === "pending" ? run.nextAttemptAt : null, ...clock };
  return (
    <tr className="block py-2 align-top sm:table-row sm:py-0">
      <td className="block whitespace-nowrap px-4 py-1 tabular-nums sm:table-cell sm:py-2">
        {formatDateTime(run.runAt, "UTC", clock.locale)}
        <div className="text-xs text-slate-600">{t.trigger[run.trigger]}</div>
      </td>
      <td className="block px-4 py-1 tabular-nums sm:table-cell sm:py-2">
        <span className="text-xs text-slate-600 sm:hidden">{withColon(clock.lang, t.period)} </span>
        <span className="whitespace-nowrap">{formatDay(run.fromDate, clock.locale)} –</span> <span className="whitespace-nowrap">{formatDay(run.toDate, clock.locale)}</span>
      </td>
      <td className="block px-4 py-1 sm:table-cell sm:min-w-36 sm:py-2" data-testid="run-status">
        <RunStatus status={run.status} label={t.runStatus[run.status as keyof typeof t.runStatus]} />
        <div className="text-xs text-slate-600">{runProgress(run, t, clock)}</div>
      </td>
      <td className="block px-4 py-1 sm:table-cell sm:py-2">
        <ul className="space-y-1.5">
          {run.deliveries.map((d) => (
            <DeliveryItem key={d.destination} t={t} d={d} retry={retry} />
          ))}
        </ul>
      </td>
    </tr>
  );
}

/** A schedule's runs, newest first; while one is open the page refreshes itself (no reload needed). */
export function ScheduleHistory({ t, runs, clock }: { t: T; runs: RunHistory[]; clock: Clock }) {
  const refreshMs = refreshInterval(runs, clock.now);
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 className="border-b border-slate-200 px-6 py-3 text-base font-semibold text-brand-900">{t.history}</h2>
      {refreshMs !== null && <LiveRefresh everyMs={refreshMs} />}
      {runs.length === 0 ? (
        <p className="px-6 py-4 text-sm text-slate-600">{t.noRuns}</p>
      ) : (
        <div className="overflow-x-auto">
          {/* On a phone each run is a block of its own: four columns do not fit 390 px. */}
          <table className="block w-full text-left text-sm sm:table" data-testid="history" aria-live="polite">
            <ScheduleTableHead columns={[t.runAt, t.period, t.status, t.outcome]} className="hidden bg-slate-50 text-xs uppercase tracking-wide text-slate-600 sm:table-header-group" cellClassName="px-4 py-2" />
            <tbody className="block divide-y divide-slate-100 sm:table-row-group">
              {runs.map((run) => (
                <RunRow key={run.id} t={t} run={run} clock={clock} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
