import Link from "next/link";
import type { ReactNode } from "react";
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

/** A cell of the list: on a phone and a tablet each schedule is a block, each cell a line under its label. */
function Cell({ label, className = "", children }: { label?: string; className?: string; children: ReactNode }) {
  return (
    <td className={`block px-4 py-1 lg:table-cell lg:px-3 lg:py-2 ${className}`}>
      {label && <div className="text-xs font-semibold uppercase tracking-wide text-slate-600 lg:hidden">{label}</div>}
      {children}
    </td>
  );
}

function ScheduleRow({ t, schedule: row, unsubscribed, sendNow, locale }: { t: Messages; schedule: ScheduleListItem; unsubscribed: Set<string>; sendNow: SendNow; locale: string }) {
  const s = t.schedules;
  return (
    <tr className="block py-2 align-top lg:table-row lg:py-0">
      <Cell className="lg:min-w-56">
        <Link href={`/reports/schedules/${row.id}`} className="font-medium text-brand-700 hover:underline">
          {row.name}
        </Link>
        <div className="text-xs text-slate-600">
          {reportName(row.reportQuery, t)} · {s.ranges[row.range]}
          {row.range === "custom" && row.rangeFrom && row.rangeTo && ` ${formatDay(row.rangeFrom, locale)} – ${formatDay(row.rangeTo, locale)}`} · {s.formats[row.format]}
        </div>
      </Cell>
      <Cell label={s.frequency} className="text-slate-700">
        {describeFrequency(row, s)}
      </Cell>
      <Cell label={s.destinations}>
        <Destinations t={s} schedule={row} unsubscribed={unsubscribed} />
      </Cell>
      <Cell label={s.nextRun} className="tabular-nums lg:whitespace-nowrap">
        {row.nextRunAt && formatDateTime(row.nextRunAt, "UTC", locale)}
      </Cell>
      <Cell label={s.lastRun} className="lg:whitespace-nowrap">
        {row.lastRun ? (
          <>
            <span className="tabular-nums">{formatDateTime(row.lastRun.runAt, "UTC", locale)}</span> <RunStatus status={row.lastRun.status} label={s.runStatus[row.lastRun.status as keyof typeof s.runStatus]} />
          </>
        ) : (
          <span className="text-slate-600">{s.never}</span>
        )}
      </Cell>
      <Cell className="flex flex-wrap items-center gap-x-4 gap-y-1 pt-2 lg:space-y-1 lg:whitespace-nowrap lg:text-right">
        <ActionButton action={sendNow.bind(null, row.id)} label={s.sendNow} ariaLabel={`${s.sendNow} — ${row.name}`} />
        <div>
          <Link href={`/reports/schedules/${row.id}`} aria-label={`${s.edit}, ${s.history.toLowerCase()} — ${row.name}`} className="text-sm font-medium text-brand-700 hover:underline">
            {s.edit}, {s.history.toLowerCase()}
          </Link>
        </div>
      </Cell>
    </tr>
  );
}

/** The account's schedules: what, how often, where to, next and last run; *Send now* on each. */
export function ScheduleList({ t, schedules, unsubscribed, sendNow, locale }: { t: Messages; schedules: ScheduleListItem[]; unsubscribed: string[]; sendNow: SendNow; locale: string }) {
  const s = t.schedules;
  const isUnsubscribed = new Set(unsubscribed);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="block w-full text-left text-sm lg:table" data-testid="schedules">
        <ScheduleTableHead columns={[s.name, s.frequency, s.destinations, s.nextRun, s.lastRun, ""]} className="hidden bg-brand-900 text-xs uppercase tracking-wide text-white lg:table-header-group" cellClassName="px-3 py-2" />
        <tbody className="block divide-y divide-slate-100 lg:table-row-group">
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
