import Link from "next/link";
import { ActionButton } from "@/components/schedule-buttons";
import { sendScheduleNow } from "@/lib/actions/schedules";
import { requireOwner } from "@/lib/auth/session";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { describeFrequency, formatGmt, reportName } from "@/lib/schedules/display";
import { getSchedulesOverview } from "@/lib/data/schedules";
import { MAX_SCHEDULES } from "@/lib/schedules/validate";
import { first, type SearchParams } from "@/lib/search-params";

const statusClass: Record<string, string> = {
  delivered: "bg-emerald-100 text-emerald-900",
  partial: "bg-amber-100 text-amber-900",
  failed: "bg-red-100 text-red-800",
  pending: "bg-slate-100 text-slate-700",
  running: "bg-brand-100 text-brand-900",
};

/** The account's scheduled reports (owners only; room holders get 404). */
export default async function SchedulesPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const [{ t }, { schedules, unsubscribed }, query] = await Promise.all([getMessages(), getSchedulesOverview(scope), searchParams]);
  const s = t.schedules;
  const isUnsubscribed = new Set(unsubscribed);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-brand-900">{s.title}</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">{fill(s.intro, { max: MAX_SCHEDULES })}</p>
        </div>
        <div className="flex items-center gap-3">
          <span className="text-sm text-slate-600" data-testid="schedule-count">
            {fill(s.count, { count: schedules.length, max: MAX_SCHEDULES })}
          </span>
          <Link href="/reports/schedules/new" className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-900">
            {s.newSchedule}
          </Link>
        </div>
      </div>
      {first(query.cancelled) && (
        <p role="status" className="rounded border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {s.cancelled}
        </p>
      )}
      {schedules.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">{s.empty}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm" data-testid="schedules">
            <thead className="bg-brand-900 text-xs uppercase tracking-wide text-white">
              <tr>
                <th className="px-3 py-2">{s.name}</th>
                <th className="px-3 py-2">{s.frequency}</th>
                <th className="px-3 py-2">{s.destinations}</th>
                <th className="px-3 py-2">{s.nextRun}</th>
                <th className="px-3 py-2">{s.lastRun}</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {schedules.map((row) => (
                <tr key={row.id} className="align-top">
                  <td className="min-w-56 px-3 py-2">
                    <Link href={`/reports/schedules/${row.id}`} className="font-medium text-brand-700 hover:underline">
                      {row.name}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {reportName(row.reportQuery, t)} · {s.ranges[row.range]}
                      {row.range === "custom" && ` ${row.rangeFrom} – ${row.rangeTo}`} · {s.formats[row.format]}
                    </div>
                  </td>
                  <td className="px-3 py-2 text-slate-700">{describeFrequency(row, s)}</td>
                  <td className="px-3 py-2">
                    <ul className="space-y-0.5">
                      {row.emails.map((e) => (
                        <li key={e} className="whitespace-nowrap">
                          {e}
                          {isUnsubscribed.has(e.toLowerCase()) && (
                            <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={s.unsubscribedHint}>
                              {s.unsubscribed}
                            </span>
                          )}
                        </li>
                      ))}
                      {row.upload && (
                        <li className="break-all text-slate-700">
                          {row.upload.protocol.toUpperCase()} {row.upload.user}@{row.upload.host}:{row.upload.port}
                          {row.upload.directory}
                        </li>
                      )}
                    </ul>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">{formatGmt(row.nextRunAt)}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    {row.lastRun ? (
                      <>
                        <span className="tabular-nums">{formatGmt(row.lastRun.runAt)}</span>{" "}
                        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${statusClass[row.lastRun.status] ?? ""}`}>{s.runStatus[row.lastRun.status as keyof typeof s.runStatus]}</span>
                      </>
                    ) : (
                      <span className="text-slate-500">{s.never}</span>
                    )}
                  </td>
                  <td className="space-y-1 whitespace-nowrap px-3 py-2 text-right">
                    <ActionButton action={sendScheduleNow.bind(null, row.id)} label={s.sendNow} />
                    <div>
                      <Link href={`/reports/schedules/${row.id}`} className="text-sm font-medium text-brand-700 hover:underline">
                        {s.edit}, {s.history.toLowerCase()}
                      </Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {unsubscribed.length > 0 && (
        <section className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950" data-testid="unsubscribed">
          <p>{s.unsubscribedHint}</p>
          <p className="mt-1 font-medium">{unsubscribed.join(" · ")}</p>
        </section>
      )}
    </div>
  );
}
