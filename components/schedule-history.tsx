import { ActionButton } from "@/components/schedule-buttons";
import { RunStatus, ScheduleTableHead } from "@/components/schedule-parts";
import type { FormState } from "@/lib/actions/form";
import type { RunHistory, ScheduleView } from "@/lib/data/schedules";
import { fill, type Messages } from "@/lib/i18n/messages";
import { deliveryNote, describeFrequency, formatGmt } from "@/lib/schedules/display";

type T = Messages["schedules"];
type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/** A schedule's name, when it runs and runs next; *Send now* and *Cancel the schedule*. */
export function ScheduleHeading({ t, schedule, sendNow, cancel }: { t: T; schedule: ScheduleView; sendNow: Action; cancel: Action }) {
  return (
    <div className="mb-5 flex flex-wrap items-start justify-between gap-4">
      <div>
        <h1 className="text-xl font-semibold text-brand-900">{schedule.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {describeFrequency(schedule, t)} · {t.nextRun}: <span className="tabular-nums">{formatGmt(schedule.nextRunAt)}</span>
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <ActionButton action={sendNow} label={t.sendNow} testId="send-now" />
        <ActionButton action={cancel} label={t.cancelSchedule} confirm={t.cancelConfirm} danger />
      </div>
    </div>
  );
}

/** A run: when and why, its dates, its status and attempts, and its outcome per destination. */
function RunRow({ t, run }: { t: T; run: RunHistory }) {
  return (
    <tr className="align-top">
      <td className="whitespace-nowrap px-4 py-2 tabular-nums">
        {formatGmt(run.runAt)}
        <div className="text-xs text-slate-500">{t.trigger[run.trigger]}</div>
      </td>
      <td className="whitespace-nowrap px-4 py-2 tabular-nums">
        {run.fromDate} – {run.toDate}
      </td>
      <td className="whitespace-nowrap px-4 py-2">
        <RunStatus status={run.status} label={t.runStatus[run.status as keyof typeof t.runStatus]} />
        <div className="text-xs text-slate-500">{fill(t.attempts, { count: run.attempts })}</div>
      </td>
      <td className="px-4 py-2">
        <ul className="space-y-1">
          {run.deliveries.map((d) => {
            const note = d.status === "delivered" ? "" : deliveryNote(d, t);
            return (
              <li key={d.destination}>
                <span className="wrap-anywhere font-medium">{d.destination.replace(/^mail:/, "")}</span> <RunStatus status={d.status} label={t.deliveryStatus[d.status as keyof typeof t.deliveryStatus]} />
                {note && <div className="wrap-anywhere text-xs text-slate-600">{note}</div>}
              </li>
            );
          })}
        </ul>
      </td>
    </tr>
  );
}

/** A schedule's runs, newest first. */
export function ScheduleHistory({ t, runs }: { t: T; runs: RunHistory[] }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 className="border-b border-slate-200 px-6 py-3 text-base font-semibold text-brand-900">{t.history}</h2>
      {runs.length === 0 ? (
        <p className="px-6 py-4 text-sm text-slate-600">{t.noRuns}</p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="history">
          <ScheduleTableHead columns={[t.runAt, t.period, t.status, t.outcome]} className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600" cellClassName="px-4 py-2" />
          <tbody className="divide-y divide-slate-100">
            {runs.map((run) => (
              <RunRow key={run.id} t={t} run={run} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
