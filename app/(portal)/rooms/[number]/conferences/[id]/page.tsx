import Link from "next/link";
import { notFound } from "next/navigation";
import { BillingCodeForm } from "@/components/billing-code-form";
import { PageActions } from "@/components/page-actions";
import { Pager } from "@/components/pager";
import { ParticipantsTable } from "@/components/participants-table";
import { StatusBadge, SummaryBlock, SummaryLine } from "@/components/summary-block";
import { assignConferenceCode } from "@/lib/actions/billing-codes";
import { requireScope } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getBillingCodeSuggestions, getConference } from "@/lib/data/conferences";
import { formatDuration, formatLocalDate, formatLocalTime, formatRoomNumber, gmtOffset } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { paginate, subtotal } from "@/lib/paging";
import { toUrlPeriod } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";

type Props = { params: Promise<{ number: string; id: string }>; searchParams: SearchParams };

export default async function ConferencePage({ params, searchParams }: Props) {
  const { scope } = await requireScope();
  const [{ number, id }, query] = await Promise.all([params, searchParams]);
  if (!/^\d{1,15}$/.test(id)) notFound();
  const [found, { t }, account, suggestions] = await Promise.all([getConference(scope, number, Number(id)), getMessages(), getAccount(scope), getBillingCodeSuggestions(scope)]);
  if (!found) notFound();
  const { conference: c, participants, total } = found;
  const when = (d: Date) => `${formatLocalDate(d, account.timeZone, account.locale)} ${formatLocalTime(d, account.timeZone, account.locale)} ${gmtOffset(d, account.timeZone)}`;
  // Participants are distinct lines, each its own entry.
  const page = paginate(participants, first(query.page), (p) => p);
  const source = c.billingCodeSource ? t.codes.source[c.billingCodeSource] : null;

  return (
    <>
      <h1 className="sr-only">{t.conference.title}</h1>
      <div className="flex flex-wrap items-start justify-between">
        <Link href={`/rooms/${c.roomNumber}?period=${toUrlPeriod(c.period)}`} className="no-print mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">
          ← {t.conference.backToRoom}
        </Link>
        <PageActions download={{ label: t.download.button, href: `/download/conference?room=${c.roomNumber}&conference=${c.id}&period=${toUrlPeriod(c.period)}` }} printLabel={t.download.print} />
      </div>
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <SummaryBlock title={t.conference.title}>
          <SummaryLine label={t.summary.roomNumber}>
            <span className="num font-semibold">{formatRoomNumber(c.roomNumber)}</span>
          </SummaryLine>
          <SummaryLine label={t.summary.cardholder}>{c.cardholder}</SummaryLine>
          <SummaryLine label={t.conference.started}>
            <span className="num">{when(c.startedAt)}</span>
          </SummaryLine>
          <SummaryLine label={t.conference.ended}>
            <span className="num">{when(c.endedAt)}</span>
          </SummaryLine>
          <SummaryLine label={t.conference.length}>
            <span className="num">{formatDuration((c.endedAt.getTime() - c.startedAt.getTime()) / 1000)}</span>
          </SummaryLine>
        </SummaryBlock>
        <section id="billing-code" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h2 className="mb-3 flex items-center text-sm font-bold uppercase tracking-wide text-brand-900">
            {t.codes.billingCode}
            <StatusBadge invoiced={c.invoiced} label={c.invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
          </h2>
          <p className="text-lg font-semibold" data-testid="current-code">
            {c.billingCode ?? <span className="text-amber-700">{t.codes.unallocated}</span>}
          </p>
          {source && (
            <p className="mb-4 text-sm text-slate-600" data-testid="code-origin">
              {c.billingCodeSetBy && c.billingCodeSetAt
                ? fill(t.codes.setBy, { source, name: c.billingCodeSetBy, date: when(c.billingCodeSetAt) })
                : fill(t.codes.sourceOnly, { source })}
            </p>
          )}
          {c.invoiced ? (
            <p className="mt-3 rounded border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="locked-reason">
              {t.codes.lockedInvoiced}
            </p>
          ) : (
            <div className="mt-3">
              <BillingCodeForm
                action={assignConferenceCode.bind(null, c.id, c.version)}
                labels={{ billingCode: c.billingCode ? t.codes.change : t.codes.billingCode, submit: t.codes.assign, hint: t.codes.hint }}
                suggestions={suggestions}
              />
            </div>
          )}
        </section>
      </div>
      <ParticipantsTable
        labels={t.conference}
        serviceTypes={t.serviceTypes}
        participants={page.items}
        total={total}
        subtotal={page.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(page.items) } : undefined}
        account={account}
        offset={gmtOffset(c.startedAt, account.timeZone)}
      />
      <Pager page={page} href={(n) => `/rooms/${c.roomNumber}/conferences/${c.id}?page=${n}`} labels={t.paging} />
    </>
  );
}
