import Link from "next/link";
import { ActionButton } from "@/components/schedule-buttons";
import { RunStatus, ScheduleTableHead } from "@/components/schedule-parts";
import type { FormState } from "@/lib/actions/form";
import type { CancelledSchedule, ScheduleListItem } from "@/lib/data/schedules";
import { fill, type Messages } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { formatDateTime, formatDay } from "@/lib/format";
import { describeFrequency, reportName } from "@/lib/schedules/display";
import { MAX_SCHEDULES } from "@/lib/schedules/validate";

type T = Messages["schedules"];
/** *Send now* for a schedule: the page's server action, bound here to each row's schedule. */
type SendNow = (scheduleId: number, state: FormState, formData: FormData) => Promise<FormState>;

/** The list's title, what it is for, how many of the account's 10 are used, and a new one. */
export function SchedulesHeader({ t, count, lang, locale }: { t: T; count: number; lang: string; locale: string }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold text-brand-900">{t.title}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{fill(t.intro, { max: MAX_SCHEDULES })}</p>
      </div>
      <div className="flex items-center gap-3">
        <span className="text-sm text-slate-600" data-testid="schedule-count">
          {plural(lang, count, t.count, { max: MAX_SCHEDULES }, locale)}
        </span>
        <Link href="/reports/schedules/new" className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-900">
          {t.newSchedule}
        </Link>
      </div>
    </div>
  );
}

/** Where a schedule delivers: its addresses (an unsubscribed one marked) and its upload server. */
function Destinations({ t, schedule, unsubscribed }: { t: T; schedule: ScheduleListItem; unsubscribed: Set<string> }) {
  const upload = schedule.upload;
  return (
    <ul className="space-y-0.5">
      {schedule.emails.map((e) => (
        <li key={e} className="whitespace-nowrap">
          {e}
          {unsubscribed.has(e.toLowerCase()) && (
            <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={t.unsubscribedHint}>
              {t.unsubscribed}
            </span>
          )}
        </li>
      ))}
      {upload && (
        <li className="break-all text-slate-700">
          {upload.protocol.toUpperCase()} {upload.user}@{upload.host}:{upload.port}
          {upload.directory}
        </li>
      )}
    </ul>
  );
}

function ScheduleRow({ t, schedule: row, unsubscribed, sendNow, locale }: { t: Messages; schedule: ScheduleListItem; unsubscribed: Set<string>; sendNow: SendNow; locale: string }) {
  const s = t.schedules;
  return (
    <tr className="align-top">
      <td className="min-w-56 px-3 py-2">
        <Link href={`/reports/schedules/${row.id}`} className="font-medium text-brand-700 hover:underline">
          {row.name}
        </Link>
        <div className="text-xs text-slate-600">
          {reportName(row.reportQuery, t)} · {s.ranges[row.range]}
          {row.range === "custom" && row.rangeFrom && row.rangeTo && ` ${formatDay(row.rangeFrom, locale)} – ${formatDay(row.rangeTo, locale)}`} · {s.formats[row.format]}
        </div>
      </td>
      <td className="px-3 py-2 text-slate-700">{describeFrequency(row, s)}</td>
      <td className="px-3 py-2">
        <Destinations t={s} schedule={row} unsubscribed={unsubscribed} />
      </td>
      <td className="whitespace-nowrap px-3 py-2 tabular-nums">{row.nextRunAt && formatDateTime(row.nextRunAt, "UTC", locale)}</td>
      <td className="whitespace-nowrap px-3 py-2">
        {row.lastRun ? (
          <>
            <span className="tabular-nums">{formatDateTime(row.lastRun.runAt, "UTC", locale)}</span> <RunStatus status={row.lastRun.status} label={s.runStatus[row.lastRun.status as keyof typeof s.runStatus]} />
          </>
        ) : (
          <span className="text-slate-600">{s.never}</span>
        )}
      </td>
      <td className="space-y-1 whitespace-nowrap px-3 py-2 text-right">
        <ActionButton action={sendNow.bind(null, row.id)} label={s.sendNow} />
        <div>
          <Link href={`/reports/schedules/${row.id}`} className="text-sm font-medium text-brand-700 hover:underline">
            {s.edit}, {s.history.toLowerCase()}
          </Link>
        </div>
      </td>
    </tr>
  );
}

/** The account's schedules: what, how often, where to, next and last run; *Send now* on each. */
export function ScheduleList({ t, schedules, unsubscribed, sendNow, locale }: { t: Messages; schedules: ScheduleListItem[]; unsubscribed: string[]; sendNow: SendNow; locale: string }) {
  const s = t.schedules;
  const isUnsubscribed = new Set(unsubscribed);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm" data-testid="schedules">
        <ScheduleTableHead columns={[s.name, s.frequency, s.destinations, s.nextRun, s.lastRun, ""]} className="bg-brand-900 text-xs uppercase tracking-wide text-white" cellClassName="px-3 py-2" />
        <tbody className="divide-y divide-slate-100">
          {schedules.map((row) => (
            <ScheduleRow key={row.id} t={t} schedule={row} unsubscribed={isUnsubscribed} sendNow={sendNow} locale={locale} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The addresses that unsubscribed: only customer support can reinstate them. */
export function UnsubscribedNote({ t, addresses }: { t: T; addresses: string[] }) {
  return (
    <section className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950" data-testid="unsubscribed">
      <p>{t.unsubscribedHint}</p>
      <p className="mt-1 font-medium">{addresses.join(" · ")}</p>
    </section>
  );
}

/** The account's cancelled schedules: each keeps a read-only page with its history. */
export function CancelledSchedules({ t, schedules, locale }: { t: Messages; schedules: CancelledSchedule[]; locale: string }) {
  const s = t.schedules;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="cancelled-schedules">
      <h2 className="text-base font-semibold text-brand-900">{s.runHistory.cancelledTitle}</h2>
      <ul className="mt-2 divide-y divide-slate-100 text-sm">
        {schedules.map((c) => (
          <li key={c.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-0.5 py-1.5">
            <span>
              <Link href={`/reports/schedules/${c.id}`} className="font-medium text-brand-700 hover:underline">
                {c.name}
              </Link>{" "}
              <span className="text-xs text-slate-600">{reportName(c.reportQuery, t)}</span>
            </span>
            <span className="text-xs text-slate-600 tabular-nums">{fill(s.runHistory.cancelledOn, { date: formatDateTime(c.cancelledAt, "UTC", locale) })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
