import Link from "next/link";
import { notFound } from "next/navigation";
import { BillingCodeForm } from "@/components/billing-code-form";
import { ConferenceTable } from "@/components/conference-table";
import { PageActions } from "@/components/page-actions";
import { Pager } from "@/components/pager";
import { PeriodControls } from "@/components/period-controls";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { StatusBadge, SummaryBlock, SummaryLine } from "@/components/summary-block";
import { assignSelectedCodes } from "@/lib/actions/billing-codes";
import { requireScope } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getBillingCodeSuggestions, getConferenceLines } from "@/lib/data/conferences";
import { findRoom } from "@/lib/data/rooms";
import { formatRoomNumber } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { readPage, subtotal } from "@/lib/paging";
import { choosePeriod, periodLabel, toUrlPeriod } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";

type Props = { params: Promise<{ number: string }>; searchParams: SearchParams };

export default async function RoomPage({ params, searchParams }: Props) {
  const { scope } = await requireScope();
  const [{ number }, query] = await Promise.all([params, searchParams]);
  const [room, { locale, t }, account] = await Promise.all([findRoom(scope, number), getMessages(), getAccount(scope)]);
  if (!room) notFound();
  const { period, periods } = choosePeriod(first(query.period), account.timeZone);

  if (!period) {
    return (
      <>
        <h1 className="sr-only">{t.room.title}</h1>
        <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href={`/rooms/${room.number}`} />
      </>
    );
  }
  const filter = { roomId: room.id };
  const [status, { list, page }, suggestions] = await Promise.all([
    getPeriodStatus(scope, period),
    readPage(first(query.page), (slice) => getConferenceLines(scope, period, filter, slice), (lines) => lines.conferences),
    getBillingCodeSuggestions(scope),
  ]);
  const invoiced = status === "invoiced";
  const href = (conferenceId: number) => `/rooms/${room.number}/conferences/${conferenceId}`;
  const table = (
    <>
      <ConferenceTable
        labels={{ ...t.room, unallocated: t.codes.unallocated }}
        serviceTypes={t.serviceTypes}
        lines={list.lines.map((l) => ({ ...l, href: href(l.conferenceId) }))}
        total={list.total}
        subtotal={page.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(list.lines) } : undefined}
        account={account}
        selectable={!invoiced && list.lines.length > 0}
      />
      <Pager page={page} href={(n) => `/rooms/${room.number}?period=${toUrlPeriod(period)}&page=${n}`} labels={t.paging} />
    </>
  );

  return (
    <>
      <h1 className="sr-only">{t.room.title}</h1>
      <PageActions download={{ label: t.download.button, href: `/download/room?room=${room.number}&period=${toUrlPeriod(period)}` }} printLabel={t.download.print} />
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <SummaryBlock title={t.room.title}>
          <SummaryLine label={t.summary.roomNumber}>
            <span className="num font-semibold">{formatRoomNumber(room.number)}</span>
          </SummaryLine>
          <SummaryLine label={t.summary.cardholder}>{room.cardholder}</SummaryLine>
          <PeriodControls
            periodLabel={t.room.billingPeriod}
            periods={periods.map((p) => ({ value: toUrlPeriod(p), label: periodLabel(p, locale) }))}
            period={toUrlPeriod(period)}
            showLabel={t.summary.show}
          />
          <SummaryLine label={t.codes.conferences}>
            <span className="num">{list.conferences}</span>
            <StatusBadge invoiced={invoiced} label={invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
          </SummaryLine>
        </SummaryBlock>
        {scope.kind === "account" && (
          <SummaryBlock title={t.summary.title}>
            <SummaryLine label={t.summary.accountNumber}>
              <span className="num font-semibold">{account.number}</span>
            </SummaryLine>
            <SummaryLine label={t.summary.companyName}>{account.companyName}</SummaryLine>
            <SummaryLine label={t.codes.autoCode}>{room.autoBillingCode ?? "—"}</SummaryLine>
            <dd className="col-span-2 pb-2">
              <Link href={`/account?period=${toUrlPeriod(period)}`} className="no-print text-sm font-medium text-brand-700 hover:underline">
                ← {t.room.backToAccount}
              </Link>
            </dd>
          </SummaryBlock>
        )}
      </div>
      {list.lines.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-5 text-slate-700">{t.room.noConferences}</p>
      ) : invoiced ? (
        <>
          <p className="mb-3 text-sm text-slate-600">{t.codes.lockedInvoiced}</p>
          {table}
        </>
      ) : (
        <BillingCodeForm action={assignSelectedCodes} labels={{ billingCode: t.room.assignSelected, submit: t.codes.assign, hint: t.codes.hint }} suggestions={suggestions} compact>
          <div className="w-full">{table}</div>
        </BillingCodeForm>
      )}
      <p className="sr-only">{fill(t.room.conferencesCount, { count: list.conferences })}</p>
    </>
  );
}
