import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionButton } from "@/components/schedule-buttons";
import { ScheduleForm } from "@/components/schedule-form";
import { cancelScheduleAction, sendScheduleNow, submitScheduleForm } from "@/lib/actions/schedules";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { NotFoundError } from "@/lib/errors";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { gmtOffset } from "@/lib/format";
import { deliveryNote, describeFrequency, formatGmt, reportChoices } from "@/lib/schedules/display";
import { formValues } from "@/lib/schedules/form-values";
import { getScheduleWithHistory } from "@/lib/data/schedules";
import { isoDay } from "@/lib/time-zone";
import { first, type SearchParams } from "@/lib/search-params";

const statusClass: Record<string, string> = {
  delivered: "bg-emerald-100 text-emerald-900",
  partial: "bg-amber-100 text-amber-900",
  failed: "bg-red-100 text-red-800",
  pending: "bg-slate-100 text-slate-700",
  running: "bg-brand-100 text-brand-900",
  unsubscribed: "bg-amber-100 text-amber-900",
};

/** One schedule: edit it, send it now, cancel it, and its history per run and destination. */
export default async function SchedulePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const [{ id: idText }, query] = await Promise.all([params, searchParams]);
  const id = Number(idText);
  if (!/^\d{1,15}$/.test(idText)) notFound();
  const [{ t }, account, found] = await Promise.all([
    getMessages(),
    getAccount(scope),
    getScheduleWithHistory(scope, id).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    }),
  ]);
  if (!found) notFound();
  const [schedule, runs] = found;
  const s = t.schedules;
  const now = new Date();
  const saved = first(query.saved);
  return (
    <div className="space-y-6">
      <Link href="/reports/schedules" className="inline-block text-sm font-medium text-brand-700 hover:underline">
        ← {s.title}
      </Link>
      {(saved === "created" || saved === "updated") && (
        <p role="status" data-testid="saved-message" className="rounded border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {fill(saved === "created" ? s.created : s.updated, { next: formatGmt(schedule.nextRunAt) })}
        </p>
      )}
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <div className="mb-5 flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-xl font-semibold text-brand-900">{schedule.name}</h1>
            <p className="mt-1 text-sm text-slate-600">
              {describeFrequency(schedule, s)} · {s.nextRun}: <span className="tabular-nums">{formatGmt(schedule.nextRunAt)}</span>
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <ActionButton action={sendScheduleNow.bind(null, schedule.id)} label={s.sendNow} testId="send-now" />
            <ActionButton action={cancelScheduleAction.bind(null, schedule.id)} label={s.cancelSchedule} confirm={s.cancelConfirm} danger />
          </div>
        </div>
        <h2 className="mb-3 text-base font-semibold text-brand-900">{s.editTitle}</h2>
        <ScheduleForm
          action={submitScheduleForm.bind(null, schedule.id)}
          t={s}
          reports={reportChoices(t, schedule.reportQuery)}
          hasSecret={schedule.hasSecret}
          today={isoDay(now)}
          parisTime={fill(s.timeHint, { zone: account.timeZone, offset: gmtOffset(now, account.timeZone) })}
          defaults={formValues(schedule)}
        />
      </section>
      <section className="rounded-lg border border-slate-200 bg-white shadow-sm">
        <h2 className="border-b border-slate-200 px-6 py-3 text-base font-semibold text-brand-900">{s.history}</h2>
        {runs.length === 0 ? (
          <p className="px-6 py-4 text-sm text-slate-600">{s.noRuns}</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="history">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-4 py-2">{s.runAt}</th>
                <th className="px-4 py-2">{s.period}</th>
                <th className="px-4 py-2">{s.status}</th>
                <th className="px-4 py-2">{s.outcome}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {runs.map((run) => (
                <tr key={run.id} className="align-top">
                  <td className="whitespace-nowrap px-4 py-2 tabular-nums">
                    {formatGmt(run.runAt)}
                    <div className="text-xs text-slate-500">{s.trigger[run.trigger]}</div>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 tabular-nums">
                    {run.fromDate} – {run.toDate}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${statusClass[run.status] ?? ""}`}>{s.runStatus[run.status as keyof typeof s.runStatus]}</span>
                    <div className="text-xs text-slate-500">{fill(s.attempts, { count: run.attempts })}</div>
                  </td>
                  <td className="px-4 py-2">
                    <ul className="space-y-1">
                      {run.deliveries.map((d) => {
                        const note = d.status === "delivered" ? "" : deliveryNote(d, s);
                        return (
                          <li key={d.destination}>
                            <span className="wrap-anywhere font-medium">{d.destination.replace(/^mail:/, "")}</span>{" "}
                            <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${statusClass[d.status] ?? ""}`}>{s.deliveryStatus[d.status as keyof typeof s.deliveryStatus]}</span>
                            {note && <div className="wrap-anywhere text-xs text-slate-600">{note}</div>}
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
